//! The variable merge on sync: the target keeps its default value where the type is unchanged.

use crate::issue::{Issue, IssueCode};
use crate::pointer::{child, index};
use crate::value::Value;
use crate::variables::{default_value, DEFAULT_VALUE};
use crate::workspace::{IdIndex, Kind, Workspace};

/// Where each merged variable's default comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultOrigin {
    /// A new variable, or one whose type changed: the source's default (or none).
    Source,
    /// Same name and type in the target: the target variable at this index keeps its default.
    Target(usize),
}

/// The outcome of the merge on sync, computed before any JSON moves.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableMerge {
    /// For each source variable, in order, where its default comes from.
    pub origins: Vec<DefaultOrigin>,
    /// Names that kept the target's default (same type in both).
    pub defaults_kept: Vec<String>,
    /// Names whose type changed: the target default was replaced by the source default.
    pub defaults_reset: Vec<String>,
    /// `VARIABLE_DEFAULT_RESET` warnings.
    pub warnings: Vec<Issue>,
}

/// The merge on sync: the target keeps its default where the type is unchanged (also when it has
/// none); a new variable takes the source default; a type change resets to the source default
/// and warns; variables missing from the source are removed.
pub fn merge(source: &Workspace, target: &Workspace, source_path: &str) -> VariableMerge {
    let target_index = IdIndex::of(target, Kind::Variables);
    let mut merge = VariableMerge {
        origins: Vec::new(),
        defaults_kept: Vec::new(),
        defaults_reset: Vec::new(),
        warnings: Vec::new(),
    };
    for (i, (item, info)) in source.items(Kind::Variables).iter().zip(source.variables()).enumerate() {
        let found = target_index
            .get_at(&item.id, target.items(Kind::Variables), i)
            .and_then(|j| target.variables().get(j).map(|t| (j, t)));
        match found {
            Some((j, kept)) if kept.var_type == info.var_type => {
                merge.origins.push(DefaultOrigin::Target(j));
                merge.defaults_kept.push(item.id.clone());
            }
            Some((_, reset)) => {
                merge.warnings.push(Issue::new(
                    IssueCode::VariableDefaultReset,
                    format!(
                        "The type of {} changes from {} to {}, so the target's default is replaced by the source's; check the value in the target after the sync.",
                        item.id,
                        reset.var_type.as_str(),
                        info.var_type.as_str()
                    ),
                    Some(child(&index(source_path, i), "type")),
                ));
                merge.origins.push(DefaultOrigin::Source);
                merge.defaults_reset.push(item.id.clone());
            }
            None => merge.origins.push(DefaultOrigin::Source),
        }
    }
    merge
}

/// Applies a merge: the source's variable objects, moved, with the kept defaults of the target.
pub fn apply_merge(source: Vec<Value>, target: &[Value], origins: &[DefaultOrigin]) -> Vec<Value> {
    source
        .into_iter()
        .zip(origins)
        .map(|(mut variable, origin)| {
            if let (DefaultOrigin::Target(j), Value::Object(map)) = (origin, &mut variable) {
                match target.get(*j).and_then(default_value) {
                    Some(kept) => {
                        map.insert(DEFAULT_VALUE.to_owned(), kept.clone());
                    }
                    None => {
                        map.remove(DEFAULT_VALUE);
                    }
                }
            }
            variable
        })
        .collect()
}
