//! # promotion-rules
//!
//! The release rules of a five-environment chain (DEV → TEST → UAT → STAGING → PRODUCTION),
//! as a pure Rust library that also compiles to WebAssembly. Front ends preview a sync or a
//! publish with it; back ends re-check the very same decision with the very same code.
//!
//! - [`PromotionRules`] compiles a [`Policy`] once and answers [`PromotionRules::authorize`],
//!   [`PromotionRules::check_edit`], [`PromotionRules::plan_sync`] (also selective),
//!   [`PromotionRules::plan_publish`] and [`PromotionRules::plan_rollback`].
//! - [`verify_audit_chain`] checks a log of audit records linked by `previous` (tamper evidence).
//! - A refusal is data: every answer carries a [`Decision`] (`allowed`, `violations`, `warnings`).
//! - Bad input is an [`Error`] with a stable [`ErrorCode`] and a JSON Pointer `path`, never a panic.
//! - Requests and payloads are [`Value`]s: `serde_json::Value`'s shape and methods, with objects
//!   ([`Map`]) held as one vector sorted by key; [`json!`] builds one, and both convert to and from
//!   `serde_json::Value`.
//! - [`fingerprint()`] is RFC 8785 canonical JSON hashed with SHA-256, identical in every runtime.
//! - [`gates`]: a policy may gate an environment with an approval quorum bound to the plan's
//!   fingerprint, a soak time and promotion windows in an IANA zone; sync and publish plans answer
//!   what the gate still misses ([`GateAnswer`]). No clock inside: `now` comes in the request.
//!
//! ```
//! use promotion_rules::{json, PromotionRules, SyncRequest};
//!
//! let rules = PromotionRules::default();
//! let request = json::parse(r#"{
//!     "actor": { "id": "dana", "roles": ["developer"] },
//!     "from": "dev", "to": "uat",
//!     "source": { "agents": [{ "id": "support-bot", "tone": "friendly" }], "conversations": [{}, {}] }
//! }"#).unwrap();
//! let plan = rules.plan_sync(SyncRequest::from_value(request, rules.limits()).unwrap()).unwrap();
//! assert!(!plan.decision.allowed);
//! assert_eq!(plan.decision.violations[0].code.as_str(), "NOT_NEXT_ENVIRONMENT");
//! assert_eq!(plan.excluded["conversations"], 2);
//! assert_eq!(plan.payload["agents"][0]["id"], "support-bot");
//! ```

pub mod api;
pub mod audit_chain;
pub mod diff;
pub mod environment;
pub mod error;
pub mod fingerprint;
pub mod gates;
mod input;
pub mod issue;
pub mod json;
pub mod limits;
pub mod manifest;
pub mod pointer;
pub mod policy;
pub mod rules;
mod scan;
mod sorting;
pub mod value;
pub mod variables;
pub mod workspace;
pub mod write;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use audit_chain::{verify_audit_chain, AuditChain};
pub use diff::{diff_workspaces, ChangeSet};
pub use environment::{Chain, Environment};
pub use error::{Error, ErrorCode, Result};
pub use fingerprint::fingerprint;
pub use issue::{Decision, Issue, IssueCode};
pub use limits::Limits;
pub use manifest::Manifest;
pub use policy::{Action, Actor, CompiledPolicy, InlineSecrets, Policy};
pub use rules::{
    Approval, Audit, AuditEvent, Closure, EditCheck, EditRequest, GateAnswer, GateFields, Hotfix, HotfixDeclaration,
    PromotionRules, PublishMode, PublishPlan, PublishRequest, PulledIn, RollbackMode, RollbackPlan, RollbackRequest,
    Selection, SyncPlan, SyncRequest, Verdict,
};
pub use value::{Map, Value};
pub use variables::VariableType;
pub use workspace::{Filtered, Kind, Workspace};
