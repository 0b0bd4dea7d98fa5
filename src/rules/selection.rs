//! Selective sync: promote only the selected items, with their dependencies.
//!
//! The payload is the target's promoted content with the selected items taken from the source
//! (added, replaced, or removed where the source no longer has them). Of each kind: the items the
//! source holds, in the source's order (each in the version the selection gives it), then the
//! target's other items in the target's order — so selecting every item is the full sync.
//!
//! Dependency closure, over `uses` (variables included, and what their own `uses` name):
//! - an item a selected item uses, transitively, that the target lacks or holds in another
//!   version is pulled in (`closure: "pull"`, the default) or refused (`"refuse"`,
//!   `DEPENDENCY_NOT_SELECTED`);
//! - an item the selection removes takes along the target items that still use it (unless the
//!   source holds the very same copy, which dangles in a full sync too): otherwise the payload
//!   would keep a reference that a full sync would not leave dangling.
//!
//! The rules then run on the resulting payload as on any sync; [`Selected::remap`] turns the
//! pointers they write into the pointers of the request (`/source/…` or `/target/…`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::issue::{Findings, Issue, IssueCode};
use crate::json::index;
use crate::manifest::same_item;
use crate::rules::item_path;
use crate::rules::sync::fingerprint_payload;
use crate::workspace::{IdIndex, Kind, Workspace};

/// What to do with a dependency that the selection leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Closure {
    /// Pull it in, and say why in `selection.pulledIn` (the default).
    #[default]
    Pull,
    /// Refuse the sync: `DEPENDENCY_NOT_SELECTED`.
    Refuse,
}

impl Closure {
    /// Reads `"pull"` or `"refuse"`.
    pub fn parse(name: &str) -> Option<Closure> {
        match name {
            "pull" => Some(Closure::Pull),
            "refuse" => Some(Closure::Refuse),
            _ => None,
        }
    }
}

/// An item pulled into a selection, and the item whose `uses` (or removal) needed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PulledIn {
    /// `kind/id` of the pulled-in item.
    pub item: String,
    /// `kind/id` of the item that needed it.
    pub because: String,
}

/// The answer's `selection`: what was asked for, and what came along.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    /// The selected `kind/id` entries, in request order, each once.
    pub requested: Vec<String>,
    /// The dependencies pulled in, in the order they were found.
    pub pulled_in: Vec<PulledIn>,
}

/// Where a payload item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Source(usize),
    Target(usize),
}

/// A selection applied to the source workspace.
#[derive(Debug)]
pub(crate) struct Selected {
    /// The answer's `selection`.
    pub selection: Selection,
    /// The fingerprint of the source's promoted content, taken before the selection.
    pub source_fingerprint: String,
    /// `DEPENDENCY_NOT_SELECTED` violations (closure `refuse`), with request pointers.
    refused: Vec<Issue>,
    /// For each promoted kind, where each payload item comes from.
    origins: [Vec<Origin>; 6],
}

/// Target items by what they use: `(kind, id)` → `(user's kind, its index, the uses entry)`.
type Users<'a> = BTreeMap<(Kind, &'a str), Vec<(Kind, usize, usize)>>;

fn label(kind: Kind, id: &str) -> String {
    format!("{kind}/{id}")
}

/// Rewrites `source`'s promoted content into the selective payload (before the variable merge,
/// which then runs on it as on a full sync). `INVALID_INPUT` at `/select/i` for an item that
/// neither side holds.
pub(crate) fn apply(
    source: &mut Workspace,
    target: &Workspace,
    select: &[(Kind, String)],
    closure: Closure,
) -> Result<Selected> {
    let source_fingerprint = fingerprint_payload(source);
    let in_source: Vec<IdIndex> = Kind::PROMOTED.iter().map(|&kind| IdIndex::of(source, kind)).collect();
    let in_target: Vec<IdIndex> = Kind::PROMOTED.iter().map(|&kind| IdIndex::of(target, kind)).collect();
    let find = |indexes: &[IdIndex], kind: Kind, id: &str| {
        kind.promoted_index().and_then(|k| indexes.get(k)).and_then(|ids| ids.get(id))
    };
    let source_at = |kind: Kind, id: &str| find(&in_source, kind, id);
    let target_at = |kind: Kind, id: &str| find(&in_target, kind, id);
    // Whether the target holds the source's copy of an item (variables: by structure).
    let target_holds_same = |kind: Kind, i: usize, j: Option<usize>| match (source.values(kind).get(i), j) {
        (Some(ours), Some(j)) => target.values(kind).get(j).is_some_and(|theirs| same_item(kind, ours, theirs)),
        _ => false,
    };

    let mut requested = Vec::new();
    let mut selected: BTreeSet<(Kind, &str)> = BTreeSet::new();
    let mut queue: VecDeque<(Kind, &str)> = VecDeque::new();
    for (i, (kind, id)) in select.iter().enumerate() {
        if source_at(*kind, id).is_none() && target_at(*kind, id).is_none() {
            return Err(Error::invalid_input(
                index("/select", i),
                format!(
                    "{} is in neither the source nor the target; select items that one of them holds.",
                    label(*kind, id)
                ),
            ));
        }
        if selected.insert((*kind, id.as_str())) {
            requested.push(label(*kind, id));
            queue.push_back((*kind, id.as_str()));
        }
    }

    let mut pulled_in = Vec::new();
    let mut findings = Findings::default();
    let mut visited: BTreeSet<(Kind, &str)> = selected.clone();
    // Target items by what they use, built at the first removal: (kind, id) → (kind, index, entry).
    let mut users: Option<Users> = None;
    let mut needs = |item: (Kind, &'_ str), because: (Kind, &str), path: String, what: String| match closure {
        Closure::Pull => pulled_in.push(PulledIn { item: label(item.0, item.1), because: label(because.0, because.1) }),
        Closure::Refuse => findings.violation(
            IssueCode::DependencyNotSelected,
            format!("{what}, and is not selected; select {} too, or let the sync pull it in.", label(item.0, item.1)),
            Some(path),
        ),
    };

    while let Some((kind, id)) = queue.pop_front() {
        match source_at(kind, id) {
            // Taken from the source: what its copy uses must travel with it.
            Some(i) => {
                let Some(item) = source.items(kind).get(i) else { continue };
                for (u, reference) in item.uses.iter().enumerate() {
                    let dep = (reference.kind, reference.id.as_str());
                    if !reference.kind.is_promoted() || visited.contains(&dep) {
                        continue;
                    }
                    // Not in the source: a dangling reference, which the references rule reports.
                    let Some(si) = source_at(dep.0, dep.1) else { continue };
                    visited.insert(dep);
                    queue.push_back(dep);
                    let tj = target_at(dep.0, dep.1);
                    if target_holds_same(dep.0, si, tj) {
                        continue; // the target's copy is the source's: nothing to pull, but look further
                    }
                    let state = if tj.is_none() { "which the target lacks" } else { "which differs in the target" };
                    let what = format!("{} uses {}, {state}", label(kind, id), label(dep.0, dep.1));
                    let path = index(&format!("{}/uses", item_path("/source", kind, i)), u);
                    needs(dep, (kind, id), path, what);
                    if closure == Closure::Pull {
                        selected.insert(dep);
                    }
                }
            }
            // Removed: the target items that still use it must change (or go) too.
            None => {
                let users = users.get_or_insert_with(|| {
                    let mut map = Users::new();
                    for user_kind in Kind::PROMOTED {
                        for (j, item) in target.items(user_kind).iter().enumerate() {
                            for (u, reference) in item.uses.iter().enumerate() {
                                map.entry((reference.kind, reference.id.as_str())).or_default().push((user_kind, j, u));
                            }
                        }
                    }
                    map
                });
                for &(user_kind, j, u) in users.get(&(kind, id)).map(Vec::as_slice).unwrap_or_default() {
                    let Some(user) = target.items(user_kind).get(j) else { continue };
                    let dep = (user_kind, user.id.as_str());
                    if selected.contains(&dep) {
                        continue;
                    }
                    let si = source_at(user_kind, &user.id);
                    if si.is_some_and(|si| target_holds_same(user_kind, si, Some(j))) {
                        continue; // the source's copy uses it too: dangling in a full sync as well
                    }
                    visited.insert(dep);
                    queue.push_back(dep);
                    let what = format!("{} uses {}, which the selection removes", label(dep.0, dep.1), label(kind, id));
                    let path = index(&format!("{}/uses", item_path("/target", user_kind, j)), u);
                    needs(dep, (kind, id), path, what);
                    if closure == Closure::Pull {
                        selected.insert(dep);
                    }
                }
            }
        }
    }

    let mut origins: [Vec<Origin>; 6] = Default::default();
    for (kind, slot) in Kind::PROMOTED.into_iter().zip(origins.iter_mut()) {
        for item in source.items(kind) {
            let i = source_at(kind, &item.id);
            if selected.contains(&(kind, item.id.as_str())) {
                slot.extend(i.map(Origin::Source));
            } else {
                slot.extend(target_at(kind, &item.id).map(Origin::Target));
            }
        }
        for item in target.items(kind) {
            if source_at(kind, &item.id).is_none() && !selected.contains(&(kind, item.id.as_str())) {
                slot.extend(target_at(kind, &item.id).map(Origin::Target));
            }
        }
    }

    for (kind, slot) in Kind::PROMOTED.into_iter().zip(&origins) {
        let mut values = Vec::with_capacity(slot.len());
        let mut items = Vec::with_capacity(slot.len());
        let mut variables = Vec::new();
        for origin in slot {
            let (from, at) = match *origin {
                Origin::Source(i) => (&*source, i),
                Origin::Target(j) => (target, j),
            };
            values.extend(from.values(kind).get(at).cloned());
            items.extend(from.items(kind).get(at).cloned());
            if kind == Kind::Variables {
                variables.extend(from.variables().get(at).cloned());
            }
        }
        source.replace_kind(kind, values, items, variables);
    }

    Ok(Selected {
        selection: Selection { requested, pulled_in },
        source_fingerprint,
        refused: findings.violations,
        origins,
    })
}

impl Selected {
    /// Rewrites the pointers `/source/<kind>/<i>…` that the rules wrote for the payload built from
    /// the selection into the pointers of the request, then adds the refused dependencies.
    pub(crate) fn finish(self, findings: &mut Findings) -> Selection {
        for issue in findings.violations.iter_mut().chain(findings.warnings.iter_mut()) {
            if let Some(path) = issue.path.as_mut() {
                if let Some(real) = self.remap(path) {
                    *path = real;
                }
            }
        }
        findings.violations.extend(self.refused);
        self.selection
    }

    fn remap(&self, path: &str) -> Option<String> {
        let rest = path.strip_prefix("/source/")?;
        let (kind_name, rest) = rest.split_once('/')?;
        let kind = Kind::parse(kind_name)?;
        let (number, tail) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        let i: usize = number.parse().ok()?;
        let origin = kind.promoted_index().and_then(|k| self.origins.get(k)).and_then(|slot| slot.get(i))?;
        Some(match *origin {
            Origin::Source(i) => format!("{}{tail}", item_path("/source", kind, i)),
            Origin::Target(j) => format!("{}{tail}", item_path("/target", kind, j)),
        })
    }
}
