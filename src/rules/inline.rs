//! The inline-secret rule applied to promoted content, with redaction when the policy blocks.

use crate::issue::{Findings, IssueCode};
use crate::policy::InlineSecrets;
use crate::rules::item_path;
use crate::rules::merge::DefaultOrigin;
use crate::rules::secrets::{scan, InlineSecret, SecretKind};
use crate::value::Value;
use crate::variables::{default_value, structure, DEFAULT_VALUE};
use crate::workspace::{Kind, Workspace};

/// What replaces a blocked inline secret in a payload, so that an answer never carries it.
pub const REDACTED: &str = "[redacted: inline secret]";

/// A value to redact in the answer: where it is in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redaction {
    kind: Kind,
    item: usize,
    /// JSON Pointer inside the item.
    inner: String,
}

/// Scans the promoted content of `workspace` (whose pointer is `prefix`); each finding is a
/// violation under `Block`, a warning under `Warn`. `origins` tells, for merged variables, which
/// defaults came from the target (pointer `target_prefix`). Answers what to [`redact`] in the
/// answer under `Block` — only once every decision has been taken on the content as sent.
pub(crate) fn check(
    workspace: &Workspace,
    prefix: &str,
    origins: Option<(&[DefaultOrigin], &str)>,
    mode: InlineSecrets,
    findings: &mut Findings,
) -> Vec<Redaction> {
    let mut redactions = Vec::new();
    for kind in Kind::PROMOTED {
        for (i, value) in workspace.values(kind).iter().enumerate() {
            let origin = match (kind, origins) {
                (Kind::Variables, Some((origins, target_prefix))) => match origins.get(i) {
                    Some(DefaultOrigin::Target(j)) => Some(item_path(target_prefix, Kind::Variables, *j)),
                    _ => None,
                },
                _ => None,
            };
            // (pointer inside the item, pointer in the request)
            let mut found: Vec<(String, String, SecretKind)> = Vec::new();
            let own = item_path(prefix, kind, i);
            match &origin {
                None => {
                    let mut hits = Vec::new();
                    scan(value, "", &mut hits);
                    found.extend(
                        hits.into_iter()
                            .map(|InlineSecret { path, kind }| (path.clone(), format!("{own}{path}"), kind)),
                    );
                }
                Some(target_item) => {
                    let mut hits = Vec::new();
                    scan(&structure(value), "", &mut hits);
                    found.extend(
                        hits.into_iter()
                            .map(|InlineSecret { path, kind }| (path.clone(), format!("{own}{path}"), kind)),
                    );
                    let mut hits = Vec::new();
                    if let Some(default) = default_value(value) {
                        scan(default, "", &mut hits);
                    }
                    found.extend(hits.into_iter().map(|InlineSecret { path, kind }| {
                        (format!("/{DEFAULT_VALUE}{path}"), format!("{target_item}/{DEFAULT_VALUE}{path}"), kind)
                    }));
                }
            }
            for (inner, path, secret) in found {
                let message = format!(
                    "{} holds {}; store it in the environment's secrets and write {{{{secrets.NAME}}}} in its place.",
                    describe_place(kind, &inner),
                    secret.describe()
                );
                findings.either(mode == InlineSecrets::Warn, IssueCode::InlineSecret, message, Some(path));
                if mode == InlineSecrets::Block {
                    redactions.push(Redaction { kind, item: i, inner });
                }
            }
        }
    }
    redactions
}

/// Replaces each blocked inline secret by [`REDACTED`], so that an answer never carries it.
/// Answers, per promoted kind (in [`Kind::PROMOTED`] order), whether anything of it was redacted.
pub(crate) fn redact(workspace: &mut Workspace, redactions: &[Redaction]) -> [bool; 6] {
    let mut redacted = [false; 6];
    for Redaction { kind, item, inner } in redactions {
        let value = workspace.values_mut(*kind).and_then(|values| values.get_mut(*item));
        if let Some(slot) = value.and_then(|value| value.pointer_mut(inner)) {
            *slot = Value::String(REDACTED.to_owned());
            if let Some(flag) = kind.promoted_index().and_then(|k| redacted.get_mut(k)) {
                *flag = true;
            }
        }
    }
    redacted
}

fn describe_place(kind: Kind, inner: &str) -> String {
    if inner.is_empty() {
        format!("A value of {kind}")
    } else {
        format!("The value at {inner} of an item of {kind}")
    }
}
