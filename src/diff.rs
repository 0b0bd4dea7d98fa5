//! Change sets between two workspace documents, with an RFC 6902 JSON Patch.
//!
//! [`diff_workspaces`] compares two workspace documents (JSON objects) and
//! returns a [`ChangeSet`]: per item kind, which items were added, modified
//! (with the JSON Pointers of the changed members), removed or left
//! unchanged; which environment-local kinds changed; and a JSON Patch that
//! turns `before` into `after` when applied in order.
//!
//! Behavioural choices:
//! - Items are matched by their key (`id`, or `name` for `variables`). An item
//!   present on both sides with an equal value is *unchanged*, even if its
//!   position changed: a pure reordering is not a modification (the patch
//!   still carries the `move`).
//! - Inputs are validated upstream, but anything else is handled without
//!   panicking: a kind array holding an item that is not an object with a
//!   string key, or whose key repeats an earlier one, is diffed generically
//!   (no `move`s); a kind whose value is not an array is diffed generically
//!   too, that side counting as holding no items. Counting then matches the
//!   first item of each key and ignores the others.
//! - Object members are patched in the maps' iteration order (sorted keys):
//!   removals and changes first, then additions; the two maps are walked side
//!   by side.

use serde::Deserialize;

use crate::error::Error;
use crate::limits::Limits;
use crate::pointer::{push_index, push_token};
use crate::value::{Map, Value};
use crate::workspace::{Kind, Workspace};

/// The changes between two workspace documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    /// Totals over all six item kinds.
    pub summary: Summary,
    /// Always all six item kinds.
    pub kinds: KindMap,
    /// Local kinds whose value differs, in [`Kind::LOCAL`] order.
    pub local: Vec<&'static str>,
    /// Turns `before` into `after` (RFC 6902, applied in order).
    pub patch: Vec<PatchOperation>,
}

/// Item counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub added: usize,
    pub modified: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// The changes of one item kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindChanges {
    /// Ids in `after` order.
    pub added: Vec<String>,
    /// In `after` order.
    pub modified: Vec<ModifiedItem>,
    /// Ids in `before` order.
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// `Some` (possibly empty) for `variables` only; filled by a sync.
    pub defaults_kept: Option<Vec<String>>,
    /// `Some` (possibly empty) for `variables` only; filled by a sync.
    pub defaults_reset: Option<Vec<String>>,
}

impl KindChanges {
    /// No changes; `defaultsKept` / `defaultsReset` are empty lists for
    /// variables and absent for the other kinds.
    pub fn empty(kind: &str) -> Self {
        let defaults = (kind == Kind::Variables.as_str()).then(Vec::new);
        KindChanges { defaults_kept: defaults.clone(), defaults_reset: defaults, ..KindChanges::default() }
    }
}

/// A modified item and the JSON Pointers (relative to the item) of its
/// deepest changed members, in patch order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifiedItem {
    pub id: String,
    pub fields: Vec<String>,
}

/// One RFC 6902 operation. [`diff_workspaces`] emits `add`, `remove`,
/// `replace` and `move`; [`apply_patch`] also accepts `copy` and `test`.
/// Read from JSON (`{"op": "add", "path": …}`) with serde, to apply a patch that came as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum PatchOperation {
    Add { path: String, value: Value },
    Remove { path: String },
    Replace { path: String, value: Value },
    Move { from: String, path: String },
    Copy { from: String, path: String },
    Test { path: String, value: Value },
}

impl PatchOperation {
    /// The target location of the operation.
    pub fn path(&self) -> &str {
        match self {
            PatchOperation::Add { path, .. }
            | PatchOperation::Remove { path }
            | PatchOperation::Replace { path, .. }
            | PatchOperation::Move { path, .. }
            | PatchOperation::Copy { path, .. }
            | PatchOperation::Test { path, .. } => path,
        }
    }

    /// The `op` member: `"add"`, `"remove"`, …
    pub fn name(&self) -> &'static str {
        match self {
            PatchOperation::Add { .. } => "add",
            PatchOperation::Remove { .. } => "remove",
            PatchOperation::Replace { .. } => "replace",
            PatchOperation::Move { .. } => "move",
            PatchOperation::Copy { .. } => "copy",
            PatchOperation::Test { .. } => "test",
        }
    }
}

/// `diffWorkspaces(before, after)` of JSON values: both are read as workspaces first (bad input
/// at `/before/…` or `/after/…`), then diffed as they are.
pub fn checked(before: &Value, after: &Value, limits: &Limits) -> Result<ChangeSet, Error> {
    for (value, prefix) in [(before, "/before"), (after, "/after")] {
        crate::json::check_depth(value, limits).map_err(|e| Error { path: format!("{prefix}{}", e.path), ..e })?;
    }
    checked_read(before, after, limits)
}

/// [`checked`] of values read by the crate's reader, which checked their depth already.
pub(crate) fn checked_read(before: &Value, after: &Value, limits: &Limits) -> Result<ChangeSet, Error> {
    Workspace::check(before, "/before", limits)?;
    Workspace::check(after, "/after", limits)?;
    Ok(diff_workspaces(before, after))
}

/// The change set that turns `before` into `after`.
///
/// Both are expected to be JSON objects; if either is not, the patch is a
/// single `replace` of the document root and items are counted as if that
/// side were an empty workspace.
pub fn diff_workspaces(before: &Value, after: &Value) -> ChangeSet {
    diff_workspaces_knowing(before, after, &Known::NOTHING)
}

/// What a caller knows of the two documents already, so that the diff does less; the answer is
/// the same.
pub(crate) struct Known<'a> {
    /// Whether item `old` of a kind of `before` and item `new` of the same kind of `after` are
    /// equal (by their digests, say; `false`: not known). Only the others are walked field by field.
    pub(crate) equal: &'a dyn Fn(&str, usize, usize) -> bool,
    /// Per item kind ([`ITEM_KINDS`] order), the positions of the items of `before` and of
    /// `after` in the order of their ids ([`crate::scan::id_order`]), when known: the ids are not
    /// sorted again. Checked in passing; an order that does not hold is not used.
    pub(crate) orders: [(&'a [usize], &'a [usize]); 6],
    /// Whether the values of `add` and `replace` operations are left in `after` (see [`Ops`]).
    pub(crate) values_in_after: bool,
}

impl Known<'_> {
    const NOTHING: Known<'static> = Known { equal: &|_, _, _| false, orders: [(&[], &[]); 6], values_in_after: false };
}

/// The operations of a diff being written. With `values_in_after`, an `add` or `replace` carries
/// `null` instead of a copy of its value: the value is the one `after` holds at the operation's
/// path (the diff walks `after` in order, so an operation's path is where its value lies in
/// `after`; `src/diff/tests.rs` checks it on generated documents). A caller that answers with
/// `after` at hand writes the values from there ([`crate::write`]) or fills them in
/// ([`fill_values`]): a sync into an empty environment then does not copy its whole payload.
struct Ops {
    list: Vec<PatchOperation>,
    values_in_after: bool,
}

impl Ops {
    fn value(&self, value: &Value) -> Value {
        if self.values_in_after {
            Value::Null
        } else {
            value.clone()
        }
    }

    fn add(&mut self, path: &str, value: &Value) {
        let value = self.value(value);
        self.list.push(PatchOperation::Add { path: path.to_owned(), value });
    }

    fn replace(&mut self, path: &str, value: &Value) {
        let value = self.value(value);
        self.list.push(PatchOperation::Replace { path: path.to_owned(), value });
    }
}

/// Fills in the values a diff left in `after` (see [`Known::values_in_after`]).
pub(crate) fn fill_values(changes: &mut ChangeSet, after: &Value) {
    for op in &mut changes.patch {
        if let PatchOperation::Add { path, value } | PatchOperation::Replace { path, value } = op {
            if value.is_null() {
                if let Some(found) = after.pointer(path) {
                    value.clone_from(found);
                }
            }
        }
    }
}

/// [`diff_workspaces`], told what the caller `known`s already.
pub(crate) fn diff_workspaces_knowing(before: &Value, after: &Value, known: &Known<'_>) -> ChangeSet {
    let mut ops = Ops { list: Vec::new(), values_in_after: known.values_in_after };
    let (kinds, local) = match (before.as_object(), after.as_object()) {
        (Some(b), Some(a)) => diff_documents(b, a, &mut ops, known),
        (b, a) => {
            diff_values(before, after, &mut String::new(), &mut ops);
            let empty = Map::new();
            let mut none = Ops { list: Vec::new(), values_in_after: true };
            diff_documents(b.unwrap_or(&empty), a.unwrap_or(&empty), &mut none, &Known::NOTHING)
        }
    };
    let patch = ops.list;
    let mut summary = Summary::default();
    for changes in kinds.values() {
        summary.added += changes.added.len();
        summary.modified += changes.modified.len();
        summary.removed += changes.removed.len();
        summary.unchanged += changes.unchanged;
    }
    ChangeSet { summary, kinds, local, patch }
}

/// The changes of each item kind, by kind name, in [`Kind::PROMOTED`] order.
///
/// A fixed array rather than a `BTreeMap`: the WebAssembly build carries one map type less.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindMap {
    slots: [Option<KindChanges>; 6],
}

static NO_CHANGES: KindChanges = KindChanges {
    added: Vec::new(),
    modified: Vec::new(),
    removed: Vec::new(),
    unchanged: 0,
    defaults_kept: None,
    defaults_reset: None,
};

impl KindMap {
    fn slot(kind: &str) -> Option<usize> {
        Kind::parse(kind).and_then(Kind::promoted_index)
    }

    /// The changes of a kind.
    pub fn get(&self, kind: &str) -> Option<&KindChanges> {
        Self::slot(kind).and_then(|i| self.slots.get(i)).and_then(Option::as_ref)
    }

    /// The changes of a kind, to fill in (e.g. the variable defaults of a sync).
    pub fn get_mut(&mut self, kind: &str) -> Option<&mut KindChanges> {
        Self::slot(kind).and_then(|i| self.slots.get_mut(i)).and_then(Option::as_mut)
    }

    fn insert(&mut self, kind: &str, changes: KindChanges) {
        if let Some(slot) = Self::slot(kind).and_then(|i| self.slots.get_mut(i)) {
            *slot = Some(changes);
        }
    }

    /// `(kind, changes)` in [`Kind::PROMOTED`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &KindChanges)> {
        Kind::PROMOTED.iter().zip(&self.slots).filter_map(|(kind, slot)| slot.as_ref().map(|c| (kind.as_str(), c)))
    }

    /// The changes of every kind.
    pub fn values(&self) -> impl Iterator<Item = &KindChanges> {
        self.iter().map(|(_, changes)| changes)
    }

    /// How many kinds are present (six in every change set).
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    /// Whether no kind is present.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::ops::Index<&str> for KindMap {
    type Output = KindChanges;

    /// The changes of a kind; an unknown kind has none (never panics).
    fn index(&self, kind: &str) -> &KindChanges {
        self.get(kind).unwrap_or(&NO_CHANGES)
    }
}

type Kinds = KindMap;

fn diff_documents(before: &Map, after: &Map, ops: &mut Ops, known: &Known<'_>) -> (Kinds, Vec<&'static str>) {
    let mut kinds = Kinds::default();
    let mut local_changed = [false; Kind::LOCAL.len()];
    let mut mark_local = |key: &str| {
        let local = Kind::LOCAL.iter().position(|kind| kind.as_str() == key);
        if let Some(flag) = local.and_then(|i| local_changed.get_mut(i)) {
            *flag = true;
        }
    };
    let mut path = String::new();
    for (key, old) in before {
        path.clear();
        push_token(&mut path, key);
        match after.get(key) {
            None => ops.list.push(PatchOperation::Remove { path: path.clone() }),
            Some(new) => {
                let start = ops.list.len();
                match (item_kind(key), old, new) {
                    (Some((kind, id_key)), Value::Array(old), Value::Array(new)) => {
                        let orders = Kind::parse(kind).and_then(Kind::promoted_index).and_then(|i| known.orders.get(i));
                        let (old_order, new_order) = orders.copied().unwrap_or((&[], &[]));
                        let items = Items { old, new, old_order, new_order };
                        let changes = diff_items(kind, id_key, items, &mut path, ops, known.equal);
                        kinds.insert(kind, changes);
                    }
                    _ => diff_values(old, new, &mut path, ops),
                }
                if ops.list.len() == start {
                    continue;
                }
            }
        }
        mark_local(key);
    }
    for (key, new) in after {
        if !before.contains_key(key) {
            path.clear();
            push_token(&mut path, key);
            ops.add(&path, new);
            mark_local(key);
        }
    }
    for kind in Kind::PROMOTED {
        let key = kind.as_str();
        if kinds.get(key).is_none() {
            let (old, new) = (items_of(before.get(key)), items_of(after.get(key)));
            kinds.insert(key, count_items(key, kind.id_key(), old, new));
        }
    }
    let local =
        Kind::LOCAL.iter().zip(local_changed).filter_map(|(kind, changed)| changed.then_some(kind.as_str())).collect();
    (kinds, local)
}

/// The name and id member of a promoted kind's key.
fn item_kind(key: &str) -> Option<(&'static str, &'static str)> {
    Kind::parse(key).filter(|kind| kind.is_promoted()).map(|kind| (kind.as_str(), kind.id_key()))
}

/// The key of each item (`None` for an anonymous one: no string key, or a
/// repeated key) and the sorted `(key, index)` pairs of the keyed ones. `order`, when it holds
/// the positions of the items in the order of their keys, all distinct, spares the sort.
fn index_items<'a>(items: &'a [Value], id_key: &str, order: &[usize]) -> (Vec<Option<&'a str>>, Vec<(&'a str, usize)>) {
    let mut ids: Vec<Option<&str>> = items.iter().map(|item| item.as_object()?.get(id_key)?.as_str()).collect();
    if order.len() == items.len() {
        let index: Vec<(&str, usize)> =
            order.iter().map_while(|&i| Some((ids.get(i).copied().flatten()?, i))).collect();
        let sorted =
            index.windows(2).all(|pair| matches!(pair, [(a, _), (b, _)] if crate::scan::id_order(a, b).is_lt()));
        if index.len() == items.len() && sorted {
            return (ids, index);
        }
    }
    let mut index: Vec<(&str, usize)> = ids.iter().enumerate().filter_map(|(i, id)| id.map(|id| (id, i))).collect();
    crate::sorting::sort_by(&mut index, |(a, i), (b, j)| crate::scan::id_order(a, b).then(i.cmp(j)).is_lt());
    // Sorted by (key, index): the first of equal keys is the earliest item.
    index.dedup_by(|later, earlier| {
        let repeated = later.0 == earlier.0;
        if repeated {
            if let Some(id) = ids.get_mut(later.1) {
                *id = None;
            }
        }
        repeated
    });
    (ids, index)
}

fn lookup(index: &[(&str, usize)], id: &str) -> Option<usize> {
    let found = index.binary_search_by(|(key, _)| crate::scan::id_order(key, id)).ok()?;
    index.get(found).map(|(_, i)| *i)
}

/// Counts without a patch, for a kind diffed generically: the items of a
/// non-array side are taken as none; fields come from a scratch diff.
fn count_items(kind: &str, id_key: &str, old: &[Value], new: &[Value]) -> KindChanges {
    let mut changes = KindChanges::empty(kind);
    let (old_ids, old_index) = index_items(old, id_key, &[]);
    let (new_ids, new_index) = index_items(new, id_key, &[]);
    changes.removed =
        old_ids.into_iter().flatten().filter(|id| lookup(&new_index, id).is_none()).map(str::to_owned).collect();
    for (item, id) in new.iter().zip(new_ids) {
        let Some(id) = id else { continue };
        match lookup(&old_index, id).and_then(|k| old.get(k)) {
            None => changes.added.push(id.to_owned()),
            Some(old_item) => {
                // Only the paths are read: no value is copied.
                let mut scratch = Ops { list: Vec::new(), values_in_after: true };
                diff_values(old_item, item, &mut String::new(), &mut scratch);
                let scratch = scratch.list;
                if scratch.is_empty() {
                    changes.unchanged += 1;
                } else {
                    changes.modified.push(ModifiedItem {
                        id: id.to_owned(),
                        fields: scratch.iter().map(|op| op.path().to_owned()).collect(),
                    });
                }
            }
        }
    }
    changes
}

fn items_of(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// The items of a kind on both sides, and the positions of each side's items in the order of
/// their ids when known (see [`Known::orders`]).
struct Items<'v, 'o> {
    old: &'v [Value],
    new: &'v [Value],
    old_order: &'o [usize],
    new_order: &'o [usize],
}

/// Item-aware diff of a kind's arrays; `path` holds the kind's pointer.
fn diff_items(
    kind: &str,
    id_key: &str,
    items: Items<'_, '_>,
    path: &mut String,
    ops: &mut Ops,
    known_equal: &dyn Fn(&str, usize, usize) -> bool,
) -> KindChanges {
    let Items { old, new, old_order, new_order } = items;
    let (old_ids, old_index) = index_items(old, id_key, old_order);
    let (new_ids, new_index) = index_items(new, id_key, new_order);
    if old_ids.iter().chain(&new_ids).any(Option::is_none) {
        diff_arrays(old, new, path, ops);
        return count_items(kind, id_key, old, new);
    }
    let mut changes = KindChanges::empty(kind);
    let base = path.len();

    // 1. Remove the items absent from `after`, from the highest index down.
    // `pending` collects the kept items (old indexes, ascending once reversed).
    let mut pending = Vec::with_capacity(old.len());
    // Ids are unique here, so an id at the same index on both sides needs no lookup (the
    // common case: an environment's items in the order of the one before it).
    let kept = |k: usize, id: &str| new_ids.get(k) == Some(&Some(id)) || lookup(&new_index, id).is_some();
    for (k, id) in old_ids.iter().enumerate().rev() {
        match id {
            Some(id) if kept(k, id) => pending.push(k),
            _ => {
                path.truncate(base);
                push_index(path, k);
                ops.list.push(PatchOperation::Remove { path: path.clone() });
                if let Some(id) = id {
                    changes.removed.push((*id).to_owned());
                }
            }
        }
    }
    pending.reverse();
    changes.removed.reverse();

    // 2. Walk `after`. The current array is always `new[..i]` followed by the
    // kept items not yet placed (`pending[head..]`), in their old order.
    let mut head = 0;
    for (i, item) in new.iter().enumerate() {
        path.truncate(base);
        push_index(path, i);
        let id = new_ids.get(i).copied().flatten();
        let matched = id.and_then(|id| {
            let k = if old_ids.get(i) == Some(&Some(id)) { i } else { lookup(&old_index, id)? };
            let p = if pending.get(head) == Some(&k) {
                head
            } else {
                head + pending.get(head..)?.binary_search(&k).ok()?
            };
            Some((id, k, p))
        });
        let Some((id, k, p)) = matched else {
            ops.add(path, item);
            if let Some(id) = id {
                changes.added.push(id.to_owned());
            }
            continue;
        };
        if p == head {
            head += 1;
        } else {
            // Current position of the item: i + its rank among pending items.
            let mut from = String::with_capacity(path.len());
            from.push_str(path.get(..base).unwrap_or_default());
            push_index(&mut from, i + (p - head));
            if p < pending.len() {
                pending.remove(p);
            }
            ops.list.push(PatchOperation::Move { from, path: path.clone() });
        }
        let Some(old_item) = old.get(k) else {
            continue;
        };
        if known_equal(kind, k, i) {
            changes.unchanged += 1;
            continue;
        }
        let start = ops.list.len();
        let item_base = path.len();
        diff_values(old_item, item, path, ops);
        match ops.list.get(start..) {
            Some(item_ops) if !item_ops.is_empty() => changes.modified.push(ModifiedItem {
                id: id.to_owned(),
                fields: item_ops.iter().map(|op| op.path().get(item_base..).unwrap_or_default().to_owned()).collect(),
            }),
            _ => changes.unchanged += 1,
        }
    }
    path.truncate(base);
    changes
}

/// Generic diff of two values at `path` (left as it was on return).
fn diff_values(old: &Value, new: &Value, path: &mut String, ops: &mut Ops) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => diff_objects(old, new, path, ops),
        (Value::Array(old), Value::Array(new)) => diff_arrays(old, new, path, ops),
        _ => {
            if old != new {
                ops.replace(path, new);
            }
        }
    }
}

/// [`diff_objects`] as each key of one map looked up in the other: the oracle of the tests.
#[cfg(test)]
fn diff_objects_by_lookup(old: &Map, new: &Map, path: &mut String, ops: &mut Ops) {
    let base = path.len();
    for (key, old_value) in old {
        path.truncate(base);
        push_token(path, key);
        match new.get(key) {
            Some(new_value) => diff_values(old_value, new_value, path, ops),
            None => ops.list.push(PatchOperation::Remove { path: path.clone() }),
        }
    }
    for (key, new_value) in new {
        if !old.contains_key(key) {
            path.truncate(base);
            push_token(path, key);
            ops.add(path, new_value);
        }
    }
    path.truncate(base);
}

/// [`diff_objects`] of two maps that iterate in key order: both walked once, side by side, rather
/// than each key of one looked up in the other (an object of 200,000 keys). The same operations, in
/// the same order: the members of `old` in order, then the keys only `new` has.
fn diff_objects(old: &Map, new: &Map, path: &mut String, ops: &mut Ops) {
    let base = path.len();
    let mut news = new.iter().peekable();
    let mut added = Vec::new();
    for (key, old_value) in old {
        while let Some(entry) = news.next_if(|(new_key, _)| new_key.as_str() < key.as_str()) {
            added.push(entry);
        }
        path.truncate(base);
        push_token(path, key);
        match news.next_if(|(new_key, _)| *new_key == key) {
            Some((_, new_value)) => diff_values(old_value, new_value, path, ops),
            None => ops.list.push(PatchOperation::Remove { path: path.clone() }),
        }
    }
    added.extend(news);
    for (key, new_value) in added {
        path.truncate(base);
        push_token(path, key);
        ops.add(path, new_value);
    }
    path.truncate(base);
}

fn diff_arrays(old: &[Value], new: &[Value], path: &mut String, ops: &mut Ops) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let old_rest = old.get(prefix..).unwrap_or_default();
    let new_rest = new.get(prefix..).unwrap_or_default();
    let suffix = old_rest.iter().rev().zip(new_rest.iter().rev()).take_while(|(a, b)| a == b).count();
    let old_mid = old_rest.get(..old_rest.len().saturating_sub(suffix)).unwrap_or_default();
    let new_mid = new_rest.get(..new_rest.len().saturating_sub(suffix)).unwrap_or_default();
    let base = path.len();
    let at = |path: &mut String, index: usize| {
        path.truncate(base);
        push_index(path, index);
    };
    for (i, (a, b)) in old_mid.iter().zip(new_mid).enumerate() {
        at(path, prefix + i);
        diff_values(a, b, path, ops);
    }
    let common = old_mid.len().min(new_mid.len());
    for i in (prefix + common..prefix + old_mid.len()).rev() {
        at(path, i);
        ops.list.push(PatchOperation::Remove { path: path.clone() });
    }
    for (i, value) in new_mid.iter().enumerate().skip(common) {
        at(path, prefix + i);
        ops.add(path, value);
    }
    path.truncate(base);
}

/// Applies an RFC 6902 patch (`add`, `remove`, `replace`, `move`, `copy`,
/// `test`) in order. Atomic: on the first failing operation `doc` is left
/// unchanged and the error names the operation. Never panics.
pub fn apply_patch(doc: &mut Value, patch: &[PatchOperation]) -> Result<(), String> {
    let mut work = doc.clone();
    for (n, op) in patch.iter().enumerate() {
        apply_operation(&mut work, op).map_err(|e| format!("operation {n} ({} {:?}): {e}", op.name(), op.path()))?;
    }
    *doc = work;
    Ok(())
}

fn apply_operation(doc: &mut Value, op: &PatchOperation) -> Result<(), String> {
    match op {
        PatchOperation::Add { path, value } => add(doc, &parse_pointer(path)?, value.clone()),
        PatchOperation::Remove { path } => remove(doc, &parse_pointer(path)?).map(drop),
        PatchOperation::Replace { path, value } => {
            *resolve(doc, &parse_pointer(path)?)? = value.clone();
            Ok(())
        }
        PatchOperation::Move { from, path } => {
            let from = parse_pointer(from)?;
            let to = parse_pointer(path)?;
            if from == to {
                return resolve(doc, &from).map(drop);
            }
            if to.starts_with(&from) {
                return Err("cannot move a value into one of its children".to_owned());
            }
            let value = remove(doc, &from)?;
            add(doc, &to, value)
        }
        PatchOperation::Copy { from, path } => {
            let value = resolve(doc, &parse_pointer(from)?)?.clone();
            add(doc, &parse_pointer(path)?, value)
        }
        PatchOperation::Test { path, value } => {
            if json_equal(resolve(doc, &parse_pointer(path)?)?, value) {
                Ok(())
            } else {
                Err("test failed: the values differ".to_owned())
            }
        }
    }
}

fn parse_pointer(pointer: &str) -> Result<Vec<String>, String> {
    crate::pointer::tokens(pointer).ok_or_else(|| format!("invalid JSON Pointer {pointer:?}"))
}

/// An array index token: `0` or digits without a leading zero, below `len`
/// (or up to `len`, and `-` meaning `len`, when inserting).
fn array_index(token: &str, len: usize, insert: bool) -> Result<usize, String> {
    let index = if insert && token == "-" {
        len
    } else {
        crate::pointer::array_index(token).ok_or_else(|| format!("invalid array index {token:?}"))?
    };
    if index < len || (insert && index == len) {
        Ok(index)
    } else {
        Err(format!("array index {index} is out of bounds (length {len})"))
    }
}

fn resolve<'a>(doc: &'a mut Value, tokens: &[String]) -> Result<&'a mut Value, String> {
    let mut current = doc;
    for token in tokens {
        current = match current {
            Value::Object(map) => {
                map.get_mut(token.as_str()).ok_or_else(|| format!("member {token:?} does not exist"))?
            }
            Value::Array(items) => {
                let index = array_index(token, items.len(), false)?;
                items.get_mut(index).ok_or_else(|| format!("array index {index} is out of bounds"))?
            }
            _ => return Err(format!("cannot look up {token:?} in a scalar")),
        };
    }
    Ok(current)
}

fn add(doc: &mut Value, tokens: &[String], value: Value) -> Result<(), String> {
    let Some((last, parent)) = tokens.split_last() else {
        *doc = value;
        return Ok(());
    };
    match resolve(doc, parent)? {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(items) => {
            let index = array_index(last, items.len(), true)?;
            if index <= items.len() {
                items.insert(index, value);
            }
            Ok(())
        }
        _ => Err("the parent is not an object or an array".to_owned()),
    }
}

fn remove(doc: &mut Value, tokens: &[String]) -> Result<Value, String> {
    let Some((last, parent)) = tokens.split_last() else {
        return Err("cannot remove the document root".to_owned());
    };
    match resolve(doc, parent)? {
        Value::Object(map) => map.remove(last.as_str()).ok_or_else(|| format!("member {last:?} does not exist")),
        Value::Array(items) => {
            let index = array_index(last, items.len(), false)?;
            if index < items.len() {
                Ok(items.remove(index))
            } else {
                Err(format!("array index {index} is out of bounds"))
            }
        }
        _ => Err("the parent is not an object or an array".to_owned()),
    }
}

/// JSON equality as RFC 6902 `test` defines it: numbers compare by value
/// (`1` equals `1.0`).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(x), Some(y), _, _) => x == y,
            (_, _, Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
