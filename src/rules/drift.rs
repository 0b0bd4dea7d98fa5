//! In-place changes: items of an environment that differ from what the last sync put there.
//!
//! Shared by sync (three-way: base, target, source) and publish (two-way: base, workspace).

use crate::manifest::{ItemPrints, Manifest};
use crate::workspace::{IdIndex, Kind, Workspace};

/// An item changed, added or deleted in place since the `base` manifest was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InPlaceChange<'a> {
    /// Its kind.
    pub kind: Kind,
    /// Its id (a variable's name).
    pub id: &'a str,
    /// Its index in the workspace; `None` when it was deleted in place.
    pub index: Option<usize>,
    /// Its fingerprint now; `None` when deleted in place.
    pub now: Option<&'a str>,
    /// Its fingerprint in `base`; `None` when added in place.
    pub base: Option<&'a str>,
}

/// Every in-place change, by kind, items in workspace order, then deletions in id order.
pub fn in_place_changes<'a>(
    workspace: &'a Workspace,
    prints: &'a ItemPrints,
    base: &'a Manifest,
) -> Vec<InPlaceChange<'a>> {
    let mut changes = Vec::new();
    for kind in Kind::PROMOTED {
        let items = workspace.items(kind);
        for (index, (item, print)) in items.iter().zip(prints.of_kind(kind)).enumerate() {
            let recorded = base.get(kind, &item.id);
            if recorded != Some(print.as_str()) {
                changes.push(InPlaceChange {
                    kind,
                    id: &item.id,
                    index: Some(index),
                    now: Some(print),
                    base: recorded,
                });
            }
        }
        let present = IdIndex::of(workspace, kind);
        for id in base.ids(kind).filter(|id| !present.contains(id)) {
            changes.push(InPlaceChange { kind, id, index: None, now: None, base: base.get(kind, id) });
        }
    }
    changes
}

impl InPlaceChange<'_> {
    /// `kind/id`, the form of `acknowledge` entries and of messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.id)
    }

    /// The pointer of the item in `prefix`'s workspace, or of its entry in `base` when deleted.
    pub fn path(&self, prefix: &str) -> String {
        match self.index {
            Some(index) => super::item_path(prefix, self.kind, index),
            None => crate::pointer::child(&crate::pointer::child("/base", self.kind.as_str()), self.id),
        }
    }

    /// What happened to it, in words.
    pub fn what(&self) -> &'static str {
        match (self.now, self.base) {
            (None, _) => "deleted",
            (Some(_), None) => "added",
            (Some(_), Some(_)) => "changed",
        }
    }
}
