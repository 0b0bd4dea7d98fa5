//! Manifests: what a sync put into an environment, as `{kind: {id: fingerprint}}`.
//!
//! A sync answers the manifest of its payload; the caller stores it and sends it back as `base`
//! with the next sync or publish, which is how in-place changes (hotfixes) are recognised.

use crate::error::{Error, Result};
use crate::fingerprint::{fingerprint, fingerprint_object_except, is_fingerprint, CanonicalText};
use crate::input::{into_object, type_name};
use crate::limits::Limits;
use crate::pointer::child;
use crate::value::{Map, Value};
use crate::variables::{has_normal_structure, structure, DEFAULT_VALUE};
use crate::workspace::{IdIndex, Kind, Workspace};

/// `{kind: {id: fingerprint}}` for the six promoted kinds; variables by structure only.
///
/// Held as JSON maps, the one map type the crate already carries (code size).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    kinds: [Map; 6],
}

impl Manifest {
    /// `manifest(workspace)`: the manifest of a workspace given as a JSON value, as a sync into
    /// it would answer (variables by structure) — e.g. to record what an environment holds now.
    pub fn of_value(workspace: Value, limits: &Limits) -> Result<Manifest> {
        crate::json::check_depth(&workspace, limits)?;
        Manifest::of_read(workspace, limits)
    }

    /// [`Manifest::of_value`] of a value read by the crate's reader, which checked its depth already.
    pub(crate) fn of_read(workspace: Value, limits: &Limits) -> Result<Manifest> {
        let workspace = Workspace::from_value(workspace, "", limits)?;
        Ok(ItemPrints::of(&workspace).manifest(&workspace))
    }

    /// Reads the optional member `key` of a request (a `base` manifest), at `/key`.
    pub(crate) fn take_optional(map: &mut Map, key: &str) -> Result<Option<Manifest>> {
        crate::input::take_optional(map, key).map(|value| Manifest::from_value(value, &child("", key))).transpose()
    }

    /// Reads a `base` manifest; `path` is its pointer in the request.
    pub fn from_value(value: Value, path: &str) -> Result<Manifest> {
        let mut manifest = Manifest::default();
        for (key, ids) in into_object(value, path, "a manifest")? {
            let kind_path = child(path, &key);
            let slot = Kind::parse(&key).and_then(Kind::promoted_index).and_then(|i| manifest.kinds.get_mut(i));
            let Some(slot) = slot else {
                return Err(Error::invalid_input(
                    &kind_path,
                    format!("\"{key}\" is not a promoted kind; a manifest lists agents, workflows, knowledgeBase, integrations, channels and variables."),
                ));
            };
            let ids = into_object(ids, &kind_path, "the fingerprints of a kind")?;
            if let Some((id, print)) = ids.iter().find(|(_, print)| !print.as_str().is_some_and(is_fingerprint)) {
                return Err(Error::invalid_input(
                    child(&kind_path, id),
                    format!(
                        "Expected a fingerprint \"sha256:<64 hex digits>\", found {}; send back the manifest a sync answered.",
                        type_name(print)
                    ),
                ));
            }
            *slot = ids;
        }
        Ok(manifest)
    }

    /// The fingerprint recorded for an item.
    pub fn get(&self, kind: Kind, id: &str) -> Option<&str> {
        self.kind(kind).and_then(|ids| ids.get(id)).and_then(Value::as_str)
    }

    /// The ids recorded for a kind, sorted.
    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.kind(kind).into_iter().flat_map(|ids| ids.keys().map(String::as_str))
    }

    /// `{id: fingerprint}` of one promoted kind.
    pub fn kind(&self, kind: Kind) -> Option<&Map> {
        kind.promoted_index().and_then(|i| self.kinds.get(i))
    }
}

/// The fingerprint of every promoted item of a workspace, index-aligned with its items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemPrints {
    kinds: [Vec<String>; 6],
}

impl ItemPrints {
    /// Fingerprints each item of the six promoted kinds once (variables by structure).
    pub fn of(workspace: &Workspace) -> ItemPrints {
        let mut prints = ItemPrints::default();
        for (slot, kind) in prints.kinds.iter_mut().zip(Kind::PROMOTED) {
            *slot = workspace.values(kind).iter().map(|value| item_fingerprint(kind, value)).collect();
        }
        prints
    }

    /// Like [`ItemPrints::of`], but an item equal to the item of the same id in `other` (whose
    /// prints are `other_prints`) takes that print instead of hashing its content again: equal
    /// JSON values have equal canonical text, so the print is the same.
    pub fn of_reusing(workspace: &Workspace, other: &Workspace, other_prints: &ItemPrints) -> ItemPrints {
        ItemPrints::of_reusing_kinds(workspace, other, other_prints, |_| true)
    }

    /// [`ItemPrints::of_reusing`] of the kinds `wanted` names (the others stay empty).
    fn of_reusing_kinds(
        workspace: &Workspace,
        other: &Workspace,
        other_prints: &ItemPrints,
        wanted: impl Fn(Kind) -> bool,
    ) -> ItemPrints {
        let mut prints = ItemPrints::default();
        for (slot, kind) in prints.kinds.iter_mut().zip(Kind::PROMOTED).filter(|(_, kind)| wanted(*kind)) {
            let ids = IdIndex::of(other, kind);
            let (values, other_values) = (other.values(kind), other_prints.of_kind(kind));
            *slot = workspace
                .items(kind)
                .iter()
                .zip(workspace.values(kind))
                .enumerate()
                .map(|(at, (item, value))| {
                    let same = ids
                        .get_at(&item.id, other.items(kind), at)
                        .and_then(|i| Some((values.get(i)?, other_values.get(i)?)));
                    match same {
                        Some((twin, print)) if same_item(kind, value, twin) => print.clone(),
                        _ => item_fingerprint(kind, value),
                    }
                })
                .collect();
        }
        prints
    }

    /// Like [`ItemPrints::of`], from the canonical text of the workspace's promoted content as it
    /// was written before `changed` kinds were changed (a redaction): the items of the other
    /// kinds are hashed from that text rather than canonicalised again. Variables are hashed by
    /// structure, from their values.
    pub(crate) fn of_text(workspace: &Workspace, text: &CanonicalText, changed: &[bool; 6]) -> ItemPrints {
        let mut prints = ItemPrints::default();
        for (k, (slot, kind)) in prints.kinds.iter_mut().zip(Kind::PROMOTED).enumerate() {
            let values = workspace.values(kind);
            *slot = match item_texts(kind, text, changed.get(k) != Some(&false), values.len()) {
                Some(ranges) => ranges.iter().map(|range| text.fingerprint_of(range.clone())).collect(),
                None => values.iter().map(|value| item_fingerprint(kind, value)).collect(),
            };
        }
        prints
    }

    /// Like [`ItemPrints::of_reusing`], from canonical texts: `workspace`'s (written by
    /// [`CanonicalText::of_object`] of its promoted content) and `other`'s, as it was before
    /// `changed` kinds of it were changed. An item whose text equals that of the item of the same
    /// id in `other` takes its print; the others are hashed from the text.
    pub(crate) fn of_reusing_text(
        workspace: &Workspace,
        text: &CanonicalText,
        other: &Workspace,
        other_text: &CanonicalText,
        other_prints: &ItemPrints,
        changed: &[bool; 6],
    ) -> ItemPrints {
        let mut prints = ItemPrints::of_reusing_kinds(workspace, other, other_prints, |kind| {
            item_texts(kind, text, false, workspace.values(kind).len()).is_none()
                || item_texts(kind, other_text, changed.get(kind as usize) != Some(&false), other.values(kind).len())
                    .is_none()
        });
        for (slot, kind) in prints.kinds.iter_mut().zip(Kind::PROMOTED) {
            let (Some(ranges), Some(other_ranges)) = (
                item_texts(kind, text, false, workspace.values(kind).len()),
                item_texts(kind, other_text, changed.get(kind as usize) != Some(&false), other.values(kind).len()),
            ) else {
                continue;
            };
            let ids = IdIndex::of(other, kind);
            let other_values = other_prints.of_kind(kind);
            let mut repeats = workspace.repeats(kind).iter().peekable();
            *slot = workspace
                .items(kind)
                .iter()
                .zip(ranges)
                .enumerate()
                .map(|(index, (item, range))| {
                    // An item read as a stub of `other`'s item (see `Workspace::repeats`) has that
                    // item's text, so its print.
                    let repeated = repeats.next_if(|(at, _)| *at == index).and_then(|(_, of)| other_values.get(*of));
                    if let Some(print) = repeated {
                        return print.clone();
                    }
                    let own = text.text(range.clone());
                    let twin = ids
                        .get_at(&item.id, other.items(kind), index)
                        .and_then(|i| Some((other_ranges.get(i)?, other_values.get(i)?)));
                    match twin {
                        Some((twin, print))
                            if crate::scan::same_bytes(own.as_bytes(), other_text.text(twin.clone()).as_bytes()) =>
                        {
                            print.clone()
                        }
                        _ => text.fingerprint_of(range.clone()),
                    }
                })
                .collect();
        }
        prints
    }

    /// The fingerprints of one kind, parallel to `Workspace::items(kind)`.
    pub fn of_kind(&self, kind: Kind) -> &[String] {
        kind.promoted_index().and_then(|i| self.kinds.get(i)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The manifest `{kind: {id: fingerprint}}`, all six kinds present.
    pub fn manifest(&self, workspace: &Workspace) -> Manifest {
        let mut manifest = Manifest::default();
        for ((slot, kind), prints) in manifest.kinds.iter_mut().zip(Kind::PROMOTED).zip(&self.kinds) {
            // Collected, not inserted one by one: ids in any order are sorted once.
            *slot = workspace
                .items(kind)
                .iter()
                .zip(prints)
                .map(|(item, print)| (item.id.clone(), Value::String(print.clone())))
                .collect();
        }
        manifest
    }
}

/// The text of each item of `kind` in `text`, when it can stand for the items' prints: not for
/// variables (hashed by structure), nor for a kind `changed` since the text was written, nor when
/// the count differs from `count` (the kind was not an array of the workspace's items).
fn item_texts(kind: Kind, text: &CanonicalText, changed: bool, count: usize) -> Option<&[std::ops::Range<usize>]> {
    if kind == Kind::Variables || changed {
        return None;
    }
    text.member(kind.as_str()).map(|member| member.items.as_slice()).filter(|items| items.len() == count)
}

/// Whether two items have the same fingerprint for sure: equal values (variables: equal but
/// for their default values).
pub(crate) fn same_item(kind: Kind, a: &Value, b: &Value) -> bool {
    match (kind, a, b) {
        (Kind::Variables, Value::Object(a), Value::Object(b)) => {
            let mut a = a.iter().filter(|(key, _)| *key != DEFAULT_VALUE);
            let mut b = b.iter().filter(|(key, _)| *key != DEFAULT_VALUE);
            loop {
                match (a.next(), b.next()) {
                    (None, None) => return true,
                    (Some(x), Some(y)) if x == y => {}
                    _ => return false,
                }
            }
        }
        (Kind::Variables, _, _) => false,
        _ => a == b,
    }
}

/// An item's fingerprint; a variable's is of its [`structure`], so that local defaults never
/// count as drift, nor does an absent `usage` where another copy has `[]`.
pub fn item_fingerprint(kind: Kind, value: &Value) -> String {
    match (kind, value) {
        // The structure without cloning it: the variable less its default value.
        (Kind::Variables, Value::Object(members)) if has_normal_structure(members) => {
            fingerprint_object_except(members, DEFAULT_VALUE)
        }
        (Kind::Variables, other) => fingerprint(&structure(other)),
        _ => fingerprint(value),
    }
}
