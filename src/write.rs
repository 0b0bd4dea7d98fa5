//! Writing answers as JSON text.
//!
//! The WebAssembly layer writes every answer with this small writer rather than with serde's
//! serializer: the same string escaping and ECMAScript number forms as the fingerprints (and as
//! `JSON.stringify`), one code path, and a much smaller `.wasm`. The public types also derive
//! `serde::Serialize` for Rust users; a unit test proves both give the same JSON.

use crate::audit_chain::AuditChain;
use crate::diff::{ChangeSet, KindChanges, KindMap, ModifiedItem, PatchOperation, Summary};
use crate::environment::Environment;
use crate::fingerprint::{write_number, write_string};
use crate::issue::{Decision, Issue, IssueCode};
use crate::manifest::Manifest;
use crate::policy::Policy;
use crate::rules::{
    ApprovalsAnswer, Audit, EditCheck, GateAnswer, Hotfix, PublishMode, PublishPlan, PulledIn, RollbackMode,
    RollbackPlan, Selection, SoakAnswer, SyncPlan, UncountedApproval, WindowAnswer,
};
use crate::value::{Map, Value};
use crate::workspace::{Filtered, Kind};

/// A value that writes itself as JSON text.
pub trait WriteJson {
    /// Appends the JSON text of `self` to `out`.
    fn write_json(&self, out: &mut String);
}

/// The JSON text of an answer.
pub fn to_json<T: WriteJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// Writes an object member by member; values go through `&dyn` to keep one copy of the code.
struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    fn new(out: &'a mut String) -> Object<'a> {
        out.push('{');
        Object { out, first: true }
    }

    fn field(&mut self, key: &str, value: &dyn WriteJson) -> &mut Self {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_string(key, self.out);
        self.out.push(':');
        value.write_json(self.out);
        self
    }

    fn optional(&mut self, key: &str, value: Option<&dyn WriteJson>) -> &mut Self {
        if let Some(value) = value {
            self.field(key, value);
        }
        self
    }

    fn decision(&mut self, decision: &Decision) -> &mut Self {
        self.field("allowed", &decision.allowed)
            .field("violations", &decision.violations)
            .field("warnings", &decision.warnings)
    }

    fn end(&mut self) {
        self.out.push('}');
    }
}

impl WriteJson for str {
    fn write_json(&self, out: &mut String) {
        write_string(self, out);
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut String) {
        write_string(self, out);
    }
}

impl WriteJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl WriteJson for usize {
    fn write_json(&self, out: &mut String) {
        write_number(&serde_json::Number::from(*self as u64), out);
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl WriteJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            Value::Number(n) => write_number(n, out),
            Value::String(s) => write_string(s, out),
            Value::Array(items) => items.write_json(out),
            Value::Object(members) => members.write_json(out),
        }
    }
}

impl WriteJson for Map {
    fn write_json(&self, out: &mut String) {
        let mut object = Object::new(out);
        for (key, value) in self {
            object.field(key, value);
        }
        object.end();
    }
}

macro_rules! as_str_json {
    ($($t:ty),*) => {$(
        impl WriteJson for $t {
            fn write_json(&self, out: &mut String) {
                write_string(self.as_str(), out);
            }
        }
    )*};
}
as_str_json!(Environment, Kind, IssueCode);

impl WriteJson for Issue {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("code", &self.code)
            .field("message", &self.message)
            .optional("path", self.path.as_ref().map(|p| p as &dyn WriteJson))
            .end();
    }
}

impl WriteJson for Decision {
    fn write_json(&self, out: &mut String) {
        Object::new(out).decision(self).end();
    }
}

impl WriteJson for Audit {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("event", &self.event.as_str())
            .field("actor", &self.actor)
            .optional("from", env(&self.from))
            .optional("to", env(&self.to))
            .optional("environment", env(&self.environment))
            .field("allowed", &self.allowed)
            .field("codes", &self.codes)
            .field("fingerprint", &self.fingerprint)
            .optional("previous", self.previous.as_ref().map(|p| p as &dyn WriteJson))
            .optional("approvers", self.approvers.as_ref().map(|a| a as &dyn WriteJson))
            .end();
    }
}

fn env(e: &Option<Environment>) -> Option<&dyn WriteJson> {
    e.as_ref().map(|e| e as &dyn WriteJson)
}

impl WriteJson for Summary {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("added", &self.added)
            .field("modified", &self.modified)
            .field("removed", &self.removed)
            .field("unchanged", &self.unchanged)
            .end();
    }
}

impl WriteJson for ModifiedItem {
    fn write_json(&self, out: &mut String) {
        Object::new(out).field("id", &self.id).field("fields", &self.fields).end();
    }
}

impl WriteJson for KindChanges {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("added", &self.added)
            .field("modified", &self.modified)
            .field("removed", &self.removed)
            .field("unchanged", &self.unchanged)
            .optional("defaultsKept", self.defaults_kept.as_ref().map(|d| d as &dyn WriteJson))
            .optional("defaultsReset", self.defaults_reset.as_ref().map(|d| d as &dyn WriteJson))
            .end();
    }
}

impl WriteJson for KindMap {
    fn write_json(&self, out: &mut String) {
        let mut object = Object::new(out);
        for (kind, changes) in self.iter() {
            object.field(kind, changes);
        }
        object.end();
    }
}

impl WriteJson for PatchOperation {
    fn write_json(&self, out: &mut String) {
        write_operation(self, None, out);
    }
}

/// The changes of a diff that left its values in `after` ([`crate::diff::Known::values_in_after`]):
/// a `null` value of an `add` or `replace` is written from `after` at the operation's path.
pub(crate) struct ChangesIn<'a> {
    pub(crate) changes: &'a ChangeSet,
    pub(crate) after: &'a Value,
}

impl WriteJson for ChangesIn<'_> {
    fn write_json(&self, out: &mut String) {
        write_changes(self.changes, Some(self.after), out);
    }
}

/// An operation whose `null` value may lie in `after` (see [`ChangesIn`]).
struct OperationIn<'a> {
    op: &'a PatchOperation,
    after: Option<&'a Value>,
}

impl WriteJson for OperationIn<'_> {
    fn write_json(&self, out: &mut String) {
        write_operation(self.op, self.after, out);
    }
}

fn write_changes(changes: &ChangeSet, after: Option<&Value>, out: &mut String) {
    let patch: Vec<OperationIn<'_>> = changes.patch.iter().map(|op| OperationIn { op, after }).collect();
    Object::new(out)
        .field("summary", &changes.summary)
        .field("kinds", &changes.kinds)
        .field("local", &changes.local)
        .field("patch", &patch)
        .end();
}

fn write_operation(op: &PatchOperation, after: Option<&Value>, out: &mut String) {
    let mut object = Object::new(out);
    object.field("op", &op.name());
    match op {
        PatchOperation::Add { path, value } | PatchOperation::Replace { path, value } => {
            let value = match after {
                Some(after) if value.is_null() => after.pointer(path).unwrap_or(value),
                _ => value,
            };
            object.field("path", path).field("value", value)
        }
        PatchOperation::Test { path, value } => object.field("path", path).field("value", value),
        PatchOperation::Remove { path } => object.field("path", path),
        PatchOperation::Move { from, path } | PatchOperation::Copy { from, path } => {
            object.field("from", from).field("path", path)
        }
    };
    object.end();
}

impl WriteJson for ChangeSet {
    fn write_json(&self, out: &mut String) {
        write_changes(self, None, out);
    }
}

impl WriteJson for Manifest {
    fn write_json(&self, out: &mut String) {
        let mut object = Object::new(out);
        for kind in Kind::PROMOTED {
            object.field(kind.as_str(), &self.kind(kind));
        }
        object.end();
    }
}

impl WriteJson for SyncPlan {
    fn write_json(&self, out: &mut String) {
        write_sync_plan(self, &|_| None, out);
    }
}

/// The JSON text of a sync plan, where `known` gives the JSON text of members of the payload that
/// is at hand already (the canonical text of an unchanged kind), copied rather than written.
pub(crate) fn sync_plan_json<'a>(plan: &'a SyncPlan, known: &dyn Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::new();
    write_sync_plan(plan, known, &mut out);
    out
}

/// A payload whose members' text may be known already (see [`sync_plan_json`]).
struct Payload<'a, 'k> {
    value: &'a Value,
    known: &'k dyn Fn(&str) -> Option<&'a str>,
}

impl WriteJson for Payload<'_, '_> {
    fn write_json(&self, out: &mut String) {
        let Value::Object(members) = self.value else {
            return self.value.write_json(out);
        };
        let mut object = Object::new(out);
        for (key, value) in members {
            match (self.known)(key) {
                Some(text) => object.field(key, &Raw(text)),
                None => object.field(key, value),
            };
        }
        object.end();
    }
}

/// JSON text written as it is.
struct Raw<'a>(&'a str);

impl WriteJson for Raw<'_> {
    fn write_json(&self, out: &mut String) {
        out.push_str(self.0);
    }
}

fn write_sync_plan<'a>(plan: &'a SyncPlan, known: &dyn Fn(&str) -> Option<&'a str>, out: &mut String) {
    Object::new(out)
        .decision(&plan.decision)
        .field("from", &plan.from)
        .field("to", &plan.to)
        .field("payload", &Payload { value: &plan.payload, known })
        .field("changes", &ChangesIn { changes: &plan.changes, after: &plan.payload })
        .field("excluded", &plan.excluded)
        .field("manifest", &plan.manifest)
        .field("fingerprint", &plan.fingerprint)
        .field("sourceFingerprint", &plan.source_fingerprint)
        .field("targetFingerprint", &plan.target_fingerprint)
        .field("policyFingerprint", &plan.policy_fingerprint)
        .field("gates", &plan.gates)
        .field("audit", &plan.audit)
        .optional("selection", plan.selection.as_ref().map(|s| s as &dyn WriteJson))
        .end();
}

impl WriteJson for PulledIn {
    fn write_json(&self, out: &mut String) {
        Object::new(out).field("item", &self.item).field("because", &self.because).end();
    }
}

impl WriteJson for Selection {
    fn write_json(&self, out: &mut String) {
        Object::new(out).field("requested", &self.requested).field("pulledIn", &self.pulled_in).end();
    }
}

impl WriteJson for EditCheck {
    fn write_json(&self, out: &mut String) {
        Object::new(out).decision(&self.decision).field("changes", &self.changes).field("audit", &self.audit).end();
    }
}

impl WriteJson for Hotfix {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("fingerprint", &self.fingerprint)
            .field("reason", &self.reason)
            .end();
    }
}

impl WriteJson for PublishPlan {
    fn write_json(&self, out: &mut String) {
        let mode = match self.mode {
            PublishMode::GoLive => "goLive",
            PublishMode::Hotfix => "hotfix",
        };
        Object::new(out)
            .decision(&self.decision)
            .field("mode", &mode)
            .optional("changes", self.changes.as_ref().map(|c| c as &dyn WriteJson))
            .field("hotfixes", &self.hotfixes)
            .field("fingerprint", &self.fingerprint)
            .field("gates", &self.gates)
            .field("audit", &self.audit)
            .end();
    }
}

impl WriteJson for crate::error::Error {
    /// `{ code, message, path }`: what the JS layer throws, as a server would answer it.
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("code", &self.code.as_str())
            .field("message", &self.message)
            .field("path", &self.path)
            .end();
    }
}

impl WriteJson for RollbackMode {
    fn write_json(&self, out: &mut String) {
        match self {
            RollbackMode::Rollback => "rollback".write_json(out),
        }
    }
}

impl WriteJson for RollbackPlan {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .decision(&self.decision)
            .field("mode", &self.mode)
            .field("environment", &self.environment)
            .field("payload", &self.payload)
            .field("changes", &self.changes)
            .field("manifest", &self.manifest)
            .field("fingerprint", &self.fingerprint)
            .field("versionFingerprint", &self.version_fingerprint)
            .field("workspaceFingerprint", &self.workspace_fingerprint)
            .field("policyFingerprint", &self.policy_fingerprint)
            .field("gates", &self.gates)
            .field("audit", &self.audit)
            .end();
    }
}

impl WriteJson for u32 {
    fn write_json(&self, out: &mut String) {
        write_number(&serde_json::Number::from(*self), out);
    }
}

impl WriteJson for GateAnswer {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("environment", &self.environment)
            .optional("approvals", self.approvals.as_ref().map(|a| a as &dyn WriteJson))
            .optional("soak", self.soak.as_ref().map(|s| s as &dyn WriteJson))
            .optional("window", self.window.as_ref().map(|w| w as &dyn WriteJson))
            .optional("tzdb", self.tzdb.as_ref().map(|t| t as &dyn WriteJson))
            .end();
    }
}

impl WriteJson for ApprovalsAnswer {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("required", &self.required)
            .field("roles", &self.roles)
            .field("counted", &self.counted)
            .field("missing", &self.missing)
            .field("rejected", &self.rejected)
            .field("notCounted", &self.not_counted)
            .end();
    }
}

impl WriteJson for UncountedApproval {
    fn write_json(&self, out: &mut String) {
        Object::new(out).field("actor", &self.actor).field("code", &self.code).end();
    }
}

impl WriteJson for SoakAnswer {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("required", &self.required)
            .field("since", &self.since)
            .field("metAt", &self.met_at)
            .field("met", &self.met)
            .end();
    }
}

impl WriteJson for WindowAnswer {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("open", &self.open)
            .field("timeZone", &self.time_zone)
            .optional("nextAllowedAt", self.next_allowed_at.as_ref().map(|n| n as &dyn WriteJson))
            .optional("reason", self.reason.as_ref().map(|r| r as &dyn WriteJson))
            .field("bypassed", &self.bypassed)
            .end();
    }
}

impl WriteJson for Filtered {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("payload", &self.payload)
            .field("excluded", &self.excluded)
            .field("warnings", &self.warnings)
            .end();
    }
}

impl WriteJson for AuditChain {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("valid", &self.valid)
            .field("count", &self.count)
            .field("head", &self.head)
            .optional("brokenAt", self.broken_at.as_ref().map(|i| i as &dyn WriteJson))
            .end();
    }
}

impl WriteJson for Policy {
    fn write_json(&self, out: &mut String) {
        self.to_value().write_json(out);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn strings_and_numbers_are_written_as_json_stringify_writes_them() {
        let value = json!({ "s": "a\"b\\c\u{1}\n/é", "n": [1.5, 0.1, 1e-7, -0.0, 12] });
        assert_eq!(to_json(&value), r#"{"n":[1.5,0.1,1e-7,0,12],"s":"a\"b\\c\u0001\n/é"}"#);
    }
}
