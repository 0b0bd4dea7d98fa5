//! The inline-secret rule applied to promoted content, with redaction when the policy blocks.

use serde_json::Value;

use crate::issue::{Findings, IssueCode};
use crate::policy::InlineSecrets;
use crate::rules::item_path;
use crate::rules::secrets::{scan, InlineSecret, SecretKind};
use crate::variables::{default_value, structure, DefaultOrigin, DEFAULT_VALUE};
use crate::workspace::{Kind, Workspace};

/// What replaces a blocked inline secret in a payload, so that an answer never carries it.
pub const REDACTED: &str = "[redacted: inline secret]";

/// Scans the promoted content of `workspace` (whose pointer is `prefix`); each finding is a
/// violation and is redacted under `Block`, a warning under `Warn`. `origins` tells, for merged
/// variables, which defaults came from the target (pointer `target_prefix`). Answers, per
/// promoted kind (in [`Kind::PROMOTED`] order), whether anything of it was redacted.
pub(crate) fn check(
    workspace: &mut Workspace,
    prefix: &str,
    origins: Option<(&[DefaultOrigin], &str)>,
    mode: InlineSecrets,
    findings: &mut Findings,
) -> [bool; 6] {
    let mut redacted = [false; 6];
    for kind in Kind::PROMOTED {
        let Some(values) = workspace.values_mut(kind) else { continue };
        for (i, value) in values.iter_mut().enumerate() {
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
                    if let Some(slot) = crate::json::pointer_mut(value, &inner) {
                        *slot = Value::String(REDACTED.to_owned());
                        if let Some(flag) = kind.promoted_index().and_then(|k| redacted.get_mut(k)) {
                            *flag = true;
                        }
                    }
                }
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
