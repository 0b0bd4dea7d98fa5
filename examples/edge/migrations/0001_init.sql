-- promotion-rules edge: approvals recorded by their approvers, and the audit chain the server keeps.
-- Applied in file-name order by examples/edge/workerd-modules.mjs (applyMigrations), or by
-- `wrangler d1 migrations apply` in a Cloudflare deployment.

-- One row per approval (or rejection), as given: the approver and its roles come from its token.
CREATE TABLE approvals (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  actor_id    TEXT NOT NULL,
  actor_roles TEXT NOT NULL,                 -- JSON array of role names, from the token at the time
  environment TEXT NOT NULL,
  fingerprint TEXT NOT NULL,                 -- the reviewed plan's fingerprint
  decision    TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  at          TEXT NOT NULL,                 -- RFC 3339, the worker's clock
  comment     TEXT
);
CREATE INDEX approvals_by_environment ON approvals (environment, id);
CREATE INDEX approvals_by_fingerprint ON approvals (fingerprint, id);

-- The audit chain: record N's `previous` is the fingerprint of record N - 1. `seq` is the order, and
-- its primary key is what keeps two concurrent plans from both appending after the same head.
CREATE TABLE audit (
  seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
  fingerprint TEXT NOT NULL,                 -- fingerprint(record): the next record's previous
  previous    TEXT,                          -- record.previous (NULL for the first record)
  record      TEXT NOT NULL,                 -- the audit record, JSON as answered
  recorded_at TEXT NOT NULL                  -- RFC 3339, the worker's clock
);
