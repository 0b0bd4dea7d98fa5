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

use crate::error::{Error, Result};
use crate::issue::{Findings, Issue, IssueCode};
use crate::manifest::same_item;
use crate::pointer::index;
use crate::rules::item_path;
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledIn {
    /// `kind/id` of the pulled-in item.
    pub item: String,
    /// `kind/id` of the item that needed it.
    pub because: String,
}

/// The answer's `selection`: what was asked for, and what came along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The selected `kind/id` entries, in request order, each once.
    pub requested: Vec<String>,
    /// The dependencies pulled in, in the order they were found.
    pub pulled_in: Vec<PulledIn>,
}

/// Where an item lives: in the source (at this index), or only in the target. A payload item
/// comes from one of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Source(usize),
    Target(usize),
}

/// A selective sync applied to the source workspace.
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

fn label(kind: Kind, id: &str) -> String {
    format!("{kind}/{id}")
}

/// A `uses` entry of a target item: `(kind, id)` it names, then the user's kind, index and entry.
type Use<'a> = (Kind, &'a str, Kind, usize, usize);

const SELECTED: u8 = 1;
const VISITED: u8 = 2;

/// Marks of the closure search, per item of either side (flags rather than sets of ids: no
/// ordered-map code in the WebAssembly).
struct Marks {
    source: [Vec<u8>; 6],
    target: [Vec<u8>; 6],
}

impl Marks {
    fn new(source: &Workspace, target: &Workspace) -> Marks {
        let sized = |w: &Workspace| Kind::PROMOTED.map(|kind| vec![0u8; w.items(kind).len()]);
        Marks { source: sized(source), target: sized(target) }
    }

    fn slot(&mut self, kind: Kind, at: Origin) -> Option<&mut u8> {
        let (side, i) = match at {
            Origin::Source(i) => (&mut self.source, i),
            Origin::Target(j) => (&mut self.target, j),
        };
        kind.promoted_index().and_then(|k| side.get_mut(k)).and_then(|marks| marks.get_mut(i))
    }

    fn has(&mut self, kind: Kind, at: Origin, mark: u8) -> bool {
        self.slot(kind, at).is_some_and(|m| *m & mark != 0)
    }

    fn set(&mut self, kind: Kind, at: Origin, mark: u8) {
        if let Some(m) = self.slot(kind, at) {
            *m |= mark;
        }
    }
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
    let source_fingerprint = source.payload_fingerprint();
    let (origins, selection, refused) = search(source, target, select, closure)?;
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
    Ok(Selected { selection, source_fingerprint, refused, origins })
}

/// The closure search: where each payload item comes from, the answer's `selection`, and the
/// refused dependencies.
#[allow(clippy::type_complexity)]
fn search(
    source: &Workspace,
    target: &Workspace,
    select: &[(Kind, String)],
    closure: Closure,
) -> Result<([Vec<Origin>; 6], Selection, Vec<Issue>)> {
    let in_source: Vec<IdIndex> = Kind::PROMOTED.iter().map(|&kind| IdIndex::of(source, kind)).collect();
    let in_target: Vec<IdIndex> = Kind::PROMOTED.iter().map(|&kind| IdIndex::of(target, kind)).collect();
    let find = |indexes: &[IdIndex], kind: Kind, id: &str| {
        kind.promoted_index().and_then(|k| indexes.get(k)).and_then(|ids| ids.get(id))
    };
    let source_at = |kind: Kind, id: &str| find(&in_source, kind, id);
    let target_at = |kind: Kind, id: &str| find(&in_target, kind, id);
    // An item is known by its place in the source when the source holds it.
    let place = |kind: Kind, id: &str| {
        source_at(kind, id).map(Origin::Source).or_else(|| target_at(kind, id).map(Origin::Target))
    };
    let id_at = |kind: Kind, at: Origin| match at {
        Origin::Source(i) => source.items(kind).get(i).map(|item| item.id.as_str()),
        Origin::Target(j) => target.items(kind).get(j).map(|item| item.id.as_str()),
    };
    // Whether the target holds the source's copy of an item (variables: by structure).
    let target_holds_same = |kind: Kind, i: usize, j: Option<usize>| match (source.values(kind).get(i), j) {
        (Some(ours), Some(j)) => target.values(kind).get(j).is_some_and(|theirs| same_item(kind, ours, theirs)),
        _ => false,
    };

    let mut marks = Marks::new(source, target);
    let mut requested = Vec::new();
    let mut queue: Vec<(Kind, Origin)> = Vec::new();
    for (i, (kind, id)) in select.iter().enumerate() {
        let Some(at) = place(*kind, id) else {
            return Err(Error::invalid_input(
                index("/select", i),
                format!(
                    "{} is in neither the source nor the target; select items that one of them holds.",
                    label(*kind, id)
                ),
            ));
        };
        if !marks.has(*kind, at, SELECTED) {
            marks.set(*kind, at, SELECTED | VISITED);
            requested.push(label(*kind, id));
            queue.push((*kind, at));
        }
    }

    let mut pulled_in = Vec::new();
    let mut findings = Findings::default();
    let mut needs = |item: (Kind, &str), because: (Kind, &str), path: String, what: String| match closure {
        Closure::Pull => pulled_in.push(PulledIn { item: label(item.0, item.1), because: label(because.0, because.1) }),
        Closure::Refuse => findings.violation(
            IssueCode::DependencyNotSelected,
            format!("{what}, and is not selected; select {} too, or let the sync pull it in.", label(item.0, item.1)),
            Some(path),
        ),
    };
    let pull = if closure == Closure::Pull { SELECTED | VISITED } else { VISITED };
    // The target's `uses` entries sorted by what they name, built at the first removal.
    let mut users: Option<Vec<Use>> = None;

    let mut next = 0;
    while let Some(&(kind, at)) = queue.get(next) {
        next += 1;
        let Some(id) = id_at(kind, at) else { continue };
        match at {
            // Taken from the source: what its copy uses must travel with it.
            Origin::Source(i) => {
                let Some(item) = source.items(kind).get(i) else { continue };
                for (u, reference) in item.uses.iter().enumerate() {
                    // Not in the source: a dangling reference, which the references rule reports.
                    let Some(si) = source_at(reference.kind, &reference.id) else { continue };
                    let dep = Origin::Source(si);
                    if marks.has(reference.kind, dep, VISITED) {
                        continue;
                    }
                    let tj = target_at(reference.kind, &reference.id);
                    if target_holds_same(reference.kind, si, tj) {
                        // The target's copy is the source's: nothing to pull, but look further.
                        marks.set(reference.kind, dep, VISITED);
                        queue.push((reference.kind, dep));
                        continue;
                    }
                    let state = if tj.is_none() { "which the target lacks" } else { "which differs in the target" };
                    let what = format!("{} uses {}, {state}", label(kind, id), label(reference.kind, &reference.id));
                    let path = index(&format!("{}/uses", item_path("/source", kind, i)), u);
                    needs((reference.kind, &reference.id), (kind, id), path, what);
                    marks.set(reference.kind, dep, pull);
                    queue.push((reference.kind, dep));
                }
            }
            // Removed (the source lacks it): the target items that still use it change or go too.
            Origin::Target(_) => {
                if !marks.has(kind, at, SELECTED) {
                    continue;
                }
                let users = users.get_or_insert_with(|| {
                    let mut all = Vec::new();
                    for user_kind in Kind::PROMOTED {
                        for (j, item) in target.items(user_kind).iter().enumerate() {
                            for (u, reference) in item.uses.iter().enumerate() {
                                all.push((reference.kind, reference.id.as_str(), user_kind, j, u));
                            }
                        }
                    }
                    crate::sorting::sort_by(&mut all, |a, b| (a.0, a.1) < (b.0, b.1));
                    all
                });
                let start = users.partition_point(|entry| (entry.0, entry.1) < (kind, id));
                let using = users.iter().skip(start).take_while(|entry| (entry.0, entry.1) == (kind, id));
                for &(_, _, user_kind, j, u) in using {
                    let Some(user) = target.items(user_kind).get(j) else { continue };
                    let Some(user_at) = place(user_kind, &user.id) else { continue };
                    if marks.has(user_kind, user_at, SELECTED) {
                        continue;
                    }
                    if matches!(user_at, Origin::Source(si) if target_holds_same(user_kind, si, Some(j))) {
                        continue; // the source's copy uses it too: dangling in a full sync as well
                    }
                    let what =
                        format!("{} uses {}, which the selection removes", label(user_kind, &user.id), label(kind, id));
                    let path = index(&format!("{}/uses", item_path("/target", user_kind, j)), u);
                    needs((user_kind, &user.id), (kind, id), path, what);
                    marks.set(user_kind, user_at, pull);
                    queue.push((user_kind, user_at));
                }
            }
        }
    }

    let mut origins: [Vec<Origin>; 6] = Default::default();
    for (kind, slot) in Kind::PROMOTED.into_iter().zip(origins.iter_mut()) {
        for (i, item) in source.items(kind).iter().enumerate() {
            if marks.has(kind, Origin::Source(i), SELECTED) {
                slot.push(Origin::Source(i));
            } else {
                slot.extend(target_at(kind, &item.id).map(Origin::Target));
            }
        }
        for (j, item) in target.items(kind).iter().enumerate() {
            if source_at(kind, &item.id).is_none() && !marks.has(kind, Origin::Target(j), SELECTED) {
                slot.push(Origin::Target(j));
            }
        }
    }
    Ok((origins, Selection { requested, pulled_in }, findings.violations))
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
        let (number, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let i: usize = number.parse().ok()?;
        let origin = kind.promoted_index().and_then(|k| self.origins.get(k)).and_then(|slot| slot.get(i))?;
        let item = match *origin {
            Origin::Source(i) => item_path("/source", kind, i),
            Origin::Target(j) => item_path("/target", kind, j),
        };
        Some(if rest.contains('/') { format!("{item}/{tail}") } else { item })
    }
}
