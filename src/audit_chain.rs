//! The audit chain: a log of audit records made tamper-evident by linking each record to the
//! fingerprint of the one before it (`previous`), with no server support.
//!
//! A host stores every answer's `audit` record (possibly with fields of its own: a time, an id)
//! and sends `previousAudit: fingerprint(lastStoredRecord)` with the next planning request, which
//! writes it back as `audit.previous`. [`verify_audit_chain`] recomputes the links: a record
//! changed, removed, reordered or inserted breaks the link of the record after it (or its own).
//!
//! - Record 0 starts the chain: it must carry no `previous` (or `null`), so that a log whose first
//!   records were cut off is broken at 0. A log is verified from its first record on.
//! - An empty log is valid, with `count: 0` and `head: null`.
//! - Removing records at the end leaves a valid, shorter chain: keep the `head` somewhere the
//!   log's writer cannot change it (a second store, a signed receipt) and compare.

use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;
use crate::input::type_name;
use crate::pointer::index;
use crate::value::Value;

/// The answer of `verifyAuditChain(records)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditChain {
    /// True when every link holds.
    pub valid: bool,
    /// The number of records.
    pub count: usize,
    /// The fingerprint of the last record (`null` for an empty log): what the next request
    /// sends as `previousAudit`.
    pub head: Option<String>,
    /// The index of the first record whose `previous` is not the fingerprint of the record
    /// before it (record 0: that carries a `previous` at all); absent when valid.
    pub broken_at: Option<usize>,
}

/// Verifies a log of audit records (a JSON array of objects), in linear time: each record is
/// fingerprinted once (RFC 8785 canonical JSON, SHA-256), as [`crate::fingerprint()`] does.
///
/// ```
/// use promotion_rules::audit_chain::verify_audit_chain;
/// use promotion_rules::fingerprint;
/// use promotion_rules::json;
///
/// let first = json!({ "event": "workspace.sync", "actor": "dana", "allowed": true });
/// let second = json!({ "event": "workspace.sync", "actor": "quinn", "allowed": true,
///                      "previous": fingerprint(&first) });
/// let log = json!([first, second]);
/// let verdict = verify_audit_chain(&log).unwrap();
/// assert!(verdict.valid);
/// assert_eq!(verdict.head, Some(fingerprint(&log[1])));
///
/// let mut edited = log.clone();
/// edited[0]["actor"] = json!("mallory");
/// assert_eq!(verify_audit_chain(&edited).unwrap().broken_at, Some(1));
/// ```
pub fn verify_audit_chain(records: &Value) -> Result<AuditChain> {
    let Value::Array(records) = records else {
        return Err(Error::invalid_input(
            "",
            format!(
                "Expected the audit records as an array, found {}; pass the log in order, oldest first.",
                type_name(records)
            ),
        ));
    };
    if let Some((i, record)) = records.iter().enumerate().find(|(_, record)| !record.is_object()) {
        return Err(Error::invalid_input(
            index("", i),
            format!("Expected an audit record as an object, found {}.", type_name(record)),
        ));
    }
    let mut broken_at = None;
    let mut before: Option<String> = None;
    for (i, record) in records.iter().enumerate() {
        let previous = match record.get("previous") {
            None | Some(Value::Null) => None,
            Some(Value::String(print)) => Some(print.as_str()),
            // Any other value cannot be a fingerprint: the link is broken.
            Some(_) => Some(""),
        };
        if previous != before.as_deref() {
            broken_at = Some(i);
            break;
        }
        before = Some(fingerprint(record));
    }
    let head = match (broken_at, records.last()) {
        (None, _) => before,
        (Some(_), last) => last.map(fingerprint),
    };
    Ok(AuditChain { valid: broken_at.is_none(), count: records.len(), head, broken_at })
}
