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
//!   removals and changes first, then additions. This stays correct whatever
//!   the iteration order of `serde_json::Map` is.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The item kinds and the member that identifies their items.
pub const ITEM_KINDS: [(&str, &str); 6] = [
    ("agents", "id"),
    ("workflows", "id"),
    ("knowledgeBase", "id"),
    ("integrations", "id"),
    ("channels", "id"),
    ("variables", "name"),
];

/// The environment-local kinds: any JSON, never itemised.
pub const LOCAL_KINDS: [&str; 6] = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];

/// The item kind whose changes also carry `defaultsKept` / `defaultsReset`.
pub const VARIABLES: &str = "variables";

/// The changes between two workspace documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSet {
    /// Totals over all six item kinds.
    pub summary: Summary,
    /// Always all six item kinds.
    pub kinds: KindMap,
    /// Local kinds whose value differs, in [`LOCAL_KINDS`] order.
    pub local: Vec<&'static str>,
    /// Turns `before` into `after` (RFC 6902, applied in order).
    pub patch: Vec<PatchOperation>,
}

/// Item counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub added: usize,
    pub modified: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// The changes of one item kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindChanges {
    /// Ids in `after` order.
    pub added: Vec<String>,
    /// In `after` order.
    pub modified: Vec<ModifiedItem>,
    /// Ids in `before` order.
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// `Some` (possibly empty) for `variables` only; filled by a sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults_kept: Option<Vec<String>>,
    /// `Some` (possibly empty) for `variables` only; filled by a sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults_reset: Option<Vec<String>>,
}

impl KindChanges {
    /// No changes; `defaultsKept` / `defaultsReset` are empty lists for
    /// [`VARIABLES`] and absent for the other kinds.
    pub fn empty(kind: &str) -> Self {
        let defaults = (kind == VARIABLES).then(Vec::new);
        KindChanges { defaults_kept: defaults.clone(), defaults_reset: defaults, ..KindChanges::default() }
    }
}

/// A modified item and the JSON Pointers (relative to the item) of its
/// deepest changed members, in patch order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifiedItem {
    pub id: String,
    pub fields: Vec<String>,
}

/// One RFC 6902 operation. [`diff_workspaces`] emits `add`, `remove`,
/// `replace` and `move`; [`apply_patch`] also accepts `copy` and `test`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Appends `token` to `out` escaped as a JSON Pointer reference token
/// (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str, out: &mut String) {
    if !token.contains(['~', '/']) {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
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
}

impl Known<'_> {
    const NOTHING: Known<'static> = Known { equal: &|_, _, _| false, orders: [(&[], &[]); 6] };
}

/// [`diff_workspaces`], told what the caller `known`s already.
pub(crate) fn diff_workspaces_knowing(before: &Value, after: &Value, known: &Known<'_>) -> ChangeSet {
    let mut patch = Vec::new();
    let (kinds, local) = match (before.as_object(), after.as_object()) {
        (Some(b), Some(a)) => diff_documents(b, a, &mut patch, known),
        (b, a) => {
            diff_values(before, after, &mut String::new(), &mut patch);
            let empty = Map::new();
            diff_documents(b.unwrap_or(&empty), a.unwrap_or(&empty), &mut Vec::new(), &Known::NOTHING)
        }
    };
    let mut summary = Summary::default();
    for changes in kinds.values() {
        summary.added += changes.added.len();
        summary.modified += changes.modified.len();
        summary.removed += changes.removed.len();
        summary.unchanged += changes.unchanged;
    }
    ChangeSet { summary, kinds, local, patch }
}

/// The changes of each item kind, by kind name, in [`ITEM_KINDS`] order.
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
        ITEM_KINDS.iter().position(|(k, _)| *k == kind)
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

    /// `(kind, changes)` in [`ITEM_KINDS`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &KindChanges)> {
        ITEM_KINDS.iter().zip(&self.slots).filter_map(|((kind, _), slot)| slot.as_ref().map(|c| (*kind, c)))
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

impl Serialize for KindMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (kind, changes) in self.iter() {
            map.serialize_entry(kind, changes)?;
        }
        map.end()
    }
}

type Kinds = KindMap;

fn diff_documents(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    ops: &mut Vec<PatchOperation>,
    known: &Known<'_>,
) -> (Kinds, Vec<&'static str>) {
    let mut kinds = Kinds::default();
    let mut local_changed = [false; LOCAL_KINDS.len()];
    let mut mark_local = |key: &str| {
        if let Some(flag) = LOCAL_KINDS.iter().position(|k| *k == key).and_then(|i| local_changed.get_mut(i)) {
            *flag = true;
        }
    };
    let mut path = String::new();
    for (key, old) in before {
        path.clear();
        path.push('/');
        escape_pointer_token(key, &mut path);
        match after.get(key) {
            None => ops.push(PatchOperation::Remove { path: path.clone() }),
            Some(new) => {
                let start = ops.len();
                match (item_kind(key), old, new) {
                    (Some((kind, id_key)), Value::Array(old), Value::Array(new)) => {
                        let orders = ITEM_KINDS.iter().position(|(k, _)| *k == kind).and_then(|i| known.orders.get(i));
                        let (old_order, new_order) = orders.copied().unwrap_or((&[], &[]));
                        let items = Items { old, new, old_order, new_order };
                        let changes = diff_items(kind, id_key, items, &mut path, ops, known.equal);
                        kinds.insert(kind, changes);
                    }
                    _ => diff_values(old, new, &mut path, ops),
                }
                if ops.len() == start {
                    continue;
                }
            }
        }
        mark_local(key);
    }
    for (key, new) in after {
        if !before.contains_key(key) {
            path.clear();
            path.push('/');
            escape_pointer_token(key, &mut path);
            ops.push(PatchOperation::Add { path: path.clone(), value: new.clone() });
            mark_local(key);
        }
    }
    for (kind, id_key) in ITEM_KINDS {
        if kinds.get(kind).is_none() {
            let (old, new) = (items_of(before.get(kind)), items_of(after.get(kind)));
            kinds.insert(kind, count_items(kind, id_key, old, new));
        }
    }
    let local = LOCAL_KINDS.iter().zip(local_changed).filter_map(|(kind, changed)| changed.then_some(*kind)).collect();
    (kinds, local)
}

fn item_kind(key: &str) -> Option<(&'static str, &'static str)> {
    ITEM_KINDS.iter().find(|(kind, _)| *kind == key).copied()
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
                let mut scratch = Vec::new();
                diff_values(old_item, item, &mut String::new(), &mut scratch);
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
    ops: &mut Vec<PatchOperation>,
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
    for (k, id) in old_ids.iter().enumerate().rev() {
        match id {
            Some(id) if lookup(&new_index, id).is_some() => pending.push(k),
            _ => {
                path.truncate(base);
                path.push('/');
                push_index(path, k);
                ops.push(PatchOperation::Remove { path: path.clone() });
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
        path.push('/');
        push_index(path, i);
        let id = new_ids.get(i).copied().flatten();
        let matched = id.and_then(|id| {
            let k = lookup(&old_index, id)?;
            let p = if pending.get(head) == Some(&k) {
                head
            } else {
                head + pending.get(head..)?.binary_search(&k).ok()?
            };
            Some((id, k, p))
        });
        let Some((id, k, p)) = matched else {
            ops.push(PatchOperation::Add { path: path.clone(), value: item.clone() });
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
            from.push('/');
            push_index(&mut from, i + (p - head));
            if p < pending.len() {
                pending.remove(p);
            }
            ops.push(PatchOperation::Move { from, path: path.clone() });
        }
        let Some(old_item) = old.get(k) else {
            continue;
        };
        if known_equal(kind, k, i) {
            changes.unchanged += 1;
            continue;
        }
        let start = ops.len();
        let item_base = path.len();
        diff_values(old_item, item, path, ops);
        match ops.get(start..) {
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
fn diff_values(old: &Value, new: &Value, path: &mut String, ops: &mut Vec<PatchOperation>) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => diff_objects(old, new, path, ops),
        (Value::Array(old), Value::Array(new)) => diff_arrays(old, new, path, ops),
        _ => {
            if old != new {
                ops.push(PatchOperation::Replace { path: path.clone(), value: new.clone() });
            }
        }
    }
}

fn diff_objects(old: &Map<String, Value>, new: &Map<String, Value>, path: &mut String, ops: &mut Vec<PatchOperation>) {
    let base = path.len();
    for (key, old_value) in old {
        path.truncate(base);
        path.push('/');
        escape_pointer_token(key, path);
        match new.get(key) {
            Some(new_value) => diff_values(old_value, new_value, path, ops),
            None => ops.push(PatchOperation::Remove { path: path.clone() }),
        }
    }
    for (key, new_value) in new {
        if !old.contains_key(key) {
            path.truncate(base);
            path.push('/');
            escape_pointer_token(key, path);
            ops.push(PatchOperation::Add { path: path.clone(), value: new_value.clone() });
        }
    }
    path.truncate(base);
}

fn diff_arrays(old: &[Value], new: &[Value], path: &mut String, ops: &mut Vec<PatchOperation>) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let old_rest = old.get(prefix..).unwrap_or_default();
    let new_rest = new.get(prefix..).unwrap_or_default();
    let suffix = old_rest.iter().rev().zip(new_rest.iter().rev()).take_while(|(a, b)| a == b).count();
    let old_mid = old_rest.get(..old_rest.len().saturating_sub(suffix)).unwrap_or_default();
    let new_mid = new_rest.get(..new_rest.len().saturating_sub(suffix)).unwrap_or_default();
    let base = path.len();
    let at = |path: &mut String, index: usize| {
        path.truncate(base);
        path.push('/');
        push_index(path, index);
    };
    for (i, (a, b)) in old_mid.iter().zip(new_mid).enumerate() {
        at(path, prefix + i);
        diff_values(a, b, path, ops);
    }
    let common = old_mid.len().min(new_mid.len());
    for i in (prefix + common..prefix + old_mid.len()).rev() {
        at(path, i);
        ops.push(PatchOperation::Remove { path: path.clone() });
    }
    for (i, value) in new_mid.iter().enumerate().skip(common) {
        at(path, prefix + i);
        ops.push(PatchOperation::Add { path: path.clone(), value: value.clone() });
    }
    path.truncate(base);
}

fn push_index(out: &mut String, index: usize) {
    if index >= 10 {
        push_index(out, index / 10);
    }
    out.push(char::from(b'0' + (index % 10) as u8));
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
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("invalid JSON Pointer {pointer:?}: must be empty or start with '/'"));
    };
    rest.split('/').map(unescape_token).collect()
}

fn unescape_token(token: &str) -> Result<String, String> {
    if !token.contains('~') {
        return Ok(token.to_owned());
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return Err(format!("invalid escape in JSON Pointer token {token:?}")),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// An array index token: `0` or digits without a leading zero, below `len`
/// (or up to `len`, and `-` meaning `len`, when inserting).
fn array_index(token: &str, len: usize, insert: bool) -> Result<usize, String> {
    let index = if insert && token == "-" {
        len
    } else if !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'))
    {
        token.parse::<usize>().map_err(|_| format!("array index {token:?} is too large"))?
    } else {
        return Err(format!("invalid array index {token:?}"));
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
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn ops(patch: &[PatchOperation]) -> Value {
        serde_json::to_value(patch).unwrap()
    }

    fn check_patch(before: &Value, after: &Value) -> ChangeSet {
        let changes = diff_workspaces(before, after);
        let mut doc = before.clone();
        apply_patch(&mut doc, &changes.patch).unwrap();
        assert_eq!(&doc, after, "patch: {:#}", ops(&changes.patch));
        changes
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn counts_added_modified_removed_and_unchanged_items_per_kind() {
        let before = json!({
            "agents": [{"id": "a1", "tone": "dry"}, {"id": "a2"}, {"id": "a3"}],
            "workflows": [{"id": "w1", "steps": [1, 2]}],
            "channels": [{"id": "c1"}]
        });
        let after = json!({
            "agents": [{"id": "a1", "tone": "warm"}, {"id": "a4"}, {"id": "a3"}, {"id": "a5"}],
            "workflows": [{"id": "w1", "steps": [1, 2]}],
            "integrations": [{"id": "i1"}]
        });
        let changes = check_patch(&before, &after);
        let agents = &changes.kinds["agents"];
        assert_eq!(agents.added, ids(&["a4", "a5"]));
        assert_eq!(agents.removed, ids(&["a2"]));
        assert_eq!(agents.modified, vec![ModifiedItem { id: "a1".into(), fields: ids(&["/tone"]) }]);
        assert_eq!(agents.unchanged, 1);
        assert_eq!(changes.kinds["workflows"].unchanged, 1);
        assert_eq!(changes.kinds["channels"].removed, ids(&["c1"]));
        assert_eq!(changes.kinds["integrations"].added, ids(&["i1"]));
        assert_eq!(changes.kinds["knowledgeBase"], KindChanges::empty("knowledgeBase"));
        assert_eq!(changes.summary, Summary { added: 3, modified: 1, removed: 2, unchanged: 2 });
        assert_eq!(changes.kinds.len(), 6);
        assert!(changes.local.is_empty());
    }

    #[test]
    fn fields_are_the_deepest_changed_members() {
        let before = json!({"agents": [{
            "id": "a",
            "behaviour": {"temperature": 0.2, "model": "m"},
            "tags": ["x", "y"],
            "old": true
        }]});
        let after = json!({"agents": [{
            "id": "a",
            "behaviour": {"temperature": 0.7, "model": "m"},
            "tags": ["x", "z", "y"],
            "new": {"deep": 1}
        }]});
        let changes = check_patch(&before, &after);
        assert_eq!(
            changes.kinds["agents"].modified[0].fields,
            ids(&["/behaviour/temperature", "/old", "/tags/1", "/new"])
        );
        assert_eq!(
            ops(&changes.patch),
            json!([
                {"op": "replace", "path": "/agents/0/behaviour/temperature", "value": 0.7},
                {"op": "remove", "path": "/agents/0/old"},
                {"op": "add", "path": "/agents/0/tags/1", "value": "z"},
                {"op": "add", "path": "/agents/0/new", "value": {"deep": 1}}
            ])
        );
    }

    #[test]
    fn reordering_items_produces_moves_and_counts_them_as_unchanged() {
        let before = json!({"workflows": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]});
        let after = json!({"workflows": [{"id": "d"}, {"id": "a"}, {"id": "c"}, {"id": "b"}]});
        let changes = check_patch(&before, &after);
        assert_eq!(
            ops(&changes.patch),
            json!([
                {"op": "move", "from": "/workflows/3", "path": "/workflows/0"},
                {"op": "move", "from": "/workflows/3", "path": "/workflows/2"}
            ])
        );
        let workflows = &changes.kinds["workflows"];
        assert_eq!(workflows.unchanged, 4);
        assert!(workflows.modified.is_empty() && workflows.added.is_empty());
        assert_eq!(changes.summary.unchanged, 4);
    }

    #[test]
    fn a_moved_and_edited_item_is_moved_then_patched_at_its_new_index() {
        let before = json!({"agents": [{"id": "a"}, {"id": "b", "v": 1}]});
        let after = json!({"agents": [{"id": "new"}, {"id": "b", "v": 2}, {"id": "a"}]});
        let changes = check_patch(&before, &after);
        assert_eq!(
            ops(&changes.patch),
            json!([
                {"op": "add", "path": "/agents/0", "value": {"id": "new"}},
                {"op": "move", "from": "/agents/2", "path": "/agents/1"},
                {"op": "replace", "path": "/agents/1/v", "value": 2}
            ])
        );
        assert_eq!(changes.kinds["agents"].modified[0].fields, ids(&["/v"]));
    }

    #[test]
    fn removed_items_are_removed_from_the_highest_index_down() {
        let before = json!({"channels": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]});
        let after = json!({"channels": [{"id": "b"}, {"id": "d"}]});
        let changes = check_patch(&before, &after);
        assert_eq!(
            ops(&changes.patch),
            json!([
                {"op": "remove", "path": "/channels/2"},
                {"op": "remove", "path": "/channels/0"}
            ])
        );
        assert_eq!(changes.kinds["channels"].removed, ids(&["a", "c"]));
    }

    #[test]
    fn pointer_tokens_escape_tilde_and_slash() {
        let mut out = String::from("/");
        escape_pointer_token("a~b/c~/", &mut out);
        assert_eq!(out, "/a~0b~1c~0~1");
        let mut plain = String::new();
        escape_pointer_token("plain", &mut plain);
        assert_eq!(plain, "plain");

        let before = json!({"agents": [{"id": "x", "a/b": 1, "c~d": {"e/~f": 1}}], "u/k": 1});
        let after = json!({"agents": [{"id": "x", "a/b": 2, "c~d": {"e/~f": 2}}], "u/k": 2});
        let changes = check_patch(&before, &after);
        assert_eq!(changes.kinds["agents"].modified[0].fields, ids(&["/a~1b", "/c~0d/e~1~0f"]));
        assert_eq!(changes.patch.last().unwrap().path(), "/u~1k");
    }

    #[test]
    fn changed_local_kinds_are_reported_in_order_and_unknown_keys_are_only_patched() {
        let before = json!({
            "secrets": [{"name": "S"}],
            "conversations": [1, 2],
            "analytics": {"views": 1},
            "issues": [],
            "mystery": 1
        });
        let after = json!({
            "secrets": [{"name": "S"}, {"name": "T"}],
            "analytics": {"views": 2},
            "issues": [],
            "guardrails": [],
            "other": true
        });
        let changes = check_patch(&before, &after);
        assert_eq!(changes.local, vec!["conversations", "analytics", "guardrails", "secrets"]);
        assert_eq!(changes.summary, Summary::default());
        let paths: Vec<&str> = changes.patch.iter().map(PatchOperation::path).collect();
        assert!(paths.contains(&"/mystery") && paths.contains(&"/other"));
    }

    #[test]
    fn variables_are_keyed_by_name_with_empty_default_lists() {
        let before = json!({"variables": [
            {"name": "CRM_URL", "type": "url", "defaultValue": "https://a.example"},
            {"name": "OLD", "type": "string"}
        ]});
        let after = json!({"variables": [
            {"name": "CRM_URL", "type": "url", "defaultValue": "https://b.example"},
            {"name": "NEW", "type": "number", "id": "ignored"}
        ]});
        let changes = check_patch(&before, &after);
        let variables = &changes.kinds["variables"];
        assert_eq!(variables.added, ids(&["NEW"]));
        assert_eq!(variables.removed, ids(&["OLD"]));
        assert_eq!(variables.modified[0].id, "CRM_URL");
        assert_eq!(variables.modified[0].fields, ids(&["/defaultValue"]));
        assert_eq!(variables.defaults_kept, Some(vec![]));
        assert_eq!(variables.defaults_reset, Some(vec![]));

        let json = serde_json::to_value(&changes).unwrap();
        assert_eq!(json["kinds"]["variables"]["defaultsKept"], json!([]));
        assert_eq!(json["kinds"]["variables"]["defaultsReset"], json!([]));
        for (kind, _) in ITEM_KINDS.iter().filter(|(k, _)| *k != VARIABLES) {
            let entry = json["kinds"][kind].as_object().unwrap();
            assert!(!entry.contains_key("defaultsKept") && !entry.contains_key("defaultsReset"));
        }
    }

    #[test]
    fn change_set_json_matches_the_spec_shape() {
        let before = json!({"agents": [{"id": "a", "x": 1}], "issues": 1});
        let after = json!({"agents": [{"id": "a", "x": 2}, {"id": "b"}], "issues": 2});
        let json = serde_json::to_value(diff_workspaces(&before, &after)).unwrap();
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&json), ["kinds", "local", "patch", "summary"]);
        assert_eq!(json["summary"], json!({"added": 1, "modified": 1, "removed": 0, "unchanged": 0}));
        assert_eq!(
            keys(&json["kinds"]),
            ["agents", "channels", "integrations", "knowledgeBase", "variables", "workflows"]
        );
        assert_eq!(
            json["kinds"]["agents"],
            json!({
                "added": ["b"],
                "modified": [{"id": "a", "fields": ["/x"]}],
                "removed": [],
                "unchanged": 0
            })
        );
        assert_eq!(
            json["kinds"]["variables"],
            json!({"added": [], "modified": [], "removed": [], "unchanged": 0,
                   "defaultsKept": [], "defaultsReset": []})
        );
        assert_eq!(json["local"], json!(["issues"]));
        assert_eq!(
            json["patch"],
            json!([
                {"op": "replace", "path": "/agents/0/x", "value": 2},
                {"op": "add", "path": "/agents/1", "value": {"id": "b"}},
                {"op": "replace", "path": "/issues", "value": 2}
            ])
        );
    }

    #[test]
    fn a_missing_or_non_array_kind_counts_its_items_as_added_or_removed() {
        let before = json!({"agents": "not an array", "workflows": [{"id": "w"}]});
        let after = json!({"agents": [{"id": "a"}, {"id": "a"}, {"no": "id"}], "workflows": {}});
        let changes = check_patch(&before, &after);
        assert_eq!(changes.kinds["agents"].added, ids(&["a"]));
        assert_eq!(changes.kinds["workflows"].removed, ids(&["w"]));
        assert_eq!(
            ops(&changes.patch),
            json!([
                {"op": "replace", "path": "/agents", "value": after["agents"]},
                {"op": "replace", "path": "/workflows", "value": {}}
            ])
        );
    }

    #[test]
    fn a_kind_with_anonymous_or_duplicate_items_is_diffed_generically() {
        let before = json!({"agents": [{"id": "a"}, 7, {"id": "a", "dup": 1}, {"id": 3}]});
        let after = json!({"agents": [{"id": 3}, {"id": "a"}, {"id": "a", "dup": 2}, null]});
        let changes = check_patch(&before, &after);
        let agents = &changes.kinds["agents"];
        assert_eq!(agents.unchanged, 1);
        assert!(agents.added.is_empty() && agents.removed.is_empty() && agents.modified.is_empty());
        let moves = changes.patch.iter().filter(|op| matches!(op, PatchOperation::Move { .. }));
        assert_eq!(moves.count(), 0);
    }

    #[test]
    fn non_object_documents_are_replaced_at_the_root() {
        let after = json!({"agents": [{"id": "a"}], "issues": []});
        let changes = check_patch(&json!(null), &after);
        assert_eq!(ops(&changes.patch), json!([{"op": "replace", "path": "", "value": after}]));
        assert_eq!(changes.kinds["agents"].added, ids(&["a"]));
        assert_eq!(changes.local, vec!["issues"]);
        let back = check_patch(&after, &json!([1]));
        assert_eq!(back.kinds["agents"].removed, ids(&["a"]));
        let same = check_patch(&json!("x"), &json!("x"));
        assert!(same.patch.is_empty());
    }

    #[test]
    fn generic_arrays_trim_the_common_prefix_and_suffix() {
        let before = json!({"issues": [1, 2, 3, 4, 5]});
        let after = json!({"issues": [1, 9, 5]});
        let changes = check_patch(&before, &after);
        assert_eq!(
            ops(&changes.patch),
            json!([
                {"op": "replace", "path": "/issues/1", "value": 9},
                {"op": "remove", "path": "/issues/3"},
                {"op": "remove", "path": "/issues/2"}
            ])
        );
        let grown = check_patch(&after, &before);
        assert_eq!(
            ops(&grown.patch),
            json!([
                {"op": "replace", "path": "/issues/1", "value": 2},
                {"op": "add", "path": "/issues/2", "value": 3},
                {"op": "add", "path": "/issues/3", "value": 4}
            ])
        );
    }

    #[test]
    fn a_workspace_diffed_against_itself_has_no_changes() {
        let doc = json!({
            "agents": [{"id": "a"}, {"id": "b"}],
            "variables": [{"name": "V"}],
            "issues": [1],
            "zz": {}
        });
        let changes = diff_workspaces(&doc, &doc);
        assert!(changes.patch.is_empty() && changes.local.is_empty());
        assert_eq!(changes.summary, Summary { unchanged: 3, ..Summary::default() });
    }

    fn apply_json(doc: Value, patch: Value) -> Result<Value, String> {
        let patch: Vec<PatchOperation> = serde_json::from_value(patch).unwrap();
        let mut doc = doc;
        apply_patch(&mut doc, &patch).map(|()| doc)
    }

    #[test]
    fn apply_patch_follows_the_rfc_6902_examples() {
        let cases = [
            (
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/baz", "value": "qux"}]),
                json!({"baz": "qux", "foo": "bar"}),
            ),
            (
                json!({"foo": ["bar", "baz"]}),
                json!([{"op": "add", "path": "/foo/1", "value": "qux"}]),
                json!({"foo": ["bar", "qux", "baz"]}),
            ),
            (json!({"baz": "qux", "foo": "bar"}), json!([{"op": "remove", "path": "/baz"}]), json!({"foo": "bar"})),
            (
                json!({"foo": ["bar", "qux", "baz"]}),
                json!([{"op": "remove", "path": "/foo/1"}]),
                json!({"foo": ["bar", "baz"]}),
            ),
            (
                json!({"baz": "qux", "foo": "bar"}),
                json!([{"op": "replace", "path": "/baz", "value": "boo"}]),
                json!({"baz": "boo", "foo": "bar"}),
            ),
            (
                json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
                json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
                json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
            ),
            (
                json!({"foo": ["all", "grass", "cows", "eat"]}),
                json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}]),
                json!({"foo": ["all", "cows", "eat", "grass"]}),
            ),
            (
                json!({"baz": "qux", "foo": ["a", 2, "c"]}),
                json!([{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2.0}]),
                json!({"baz": "qux", "foo": ["a", 2, "c"]}),
            ),
            (
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}]),
                json!({"foo": "bar", "child": {"grandchild": {}}}),
            ),
            (
                json!({"/": 9, "~1": 10}),
                json!([{"op": "test", "path": "/~01", "value": 10}]),
                json!({"/": 9, "~1": 10}),
            ),
            (
                json!({"foo": ["bar"]}),
                json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]),
                json!({"foo": ["bar", ["abc", "def"]]}),
            ),
            (
                json!({"a": {"b": 1}}),
                json!([{"op": "copy", "from": "/a", "path": "/c"}]),
                json!({"a": {"b": 1}, "c": {"b": 1}}),
            ),
            (json!({"a": 1}), json!([{"op": "replace", "path": "", "value": [1]}]), json!([1])),
        ];
        for (doc, patch, expected) in cases {
            assert_eq!(apply_json(doc, patch.clone()), Ok(expected), "{patch}");
        }
    }

    #[test]
    fn apply_patch_rejects_failing_operations_atomically_without_panicking() {
        let doc = json!({"foo": "bar", "list": [1, 2], "a": {"b": {}}});
        let failing = [
            json!([{"op": "add", "path": "/baz/bat", "value": "qux"}]),
            json!([{"op": "test", "path": "/foo", "value": "baz"}]),
            json!([{"op": "test", "path": "/list/0", "value": "1"}]),
            json!([{"op": "remove", "path": "/missing"}]),
            json!([{"op": "remove", "path": "/list/2"}]),
            json!([{"op": "remove", "path": "/list/-"}]),
            json!([{"op": "remove", "path": "/list/01"}]),
            json!([{"op": "remove", "path": "/list/+1"}]),
            json!([{"op": "remove", "path": "/list/99999999999999999999999"}]),
            json!([{"op": "remove", "path": ""}]),
            json!([{"op": "add", "path": "/list/3", "value": 0}]),
            json!([{"op": "replace", "path": "/nope", "value": 0}]),
            json!([{"op": "replace", "path": "foo", "value": 0}]),
            json!([{"op": "replace", "path": "/foo/x", "value": 0}]),
            json!([{"op": "add", "path": "/foo/~2", "value": 0}]),
            json!([{"op": "move", "from": "/a", "path": "/a/b/c"}]),
            json!([{"op": "copy", "from": "/none", "path": "/x"}]),
            json!([{"op": "add", "path": "/ok", "value": 1}, {"op": "remove", "path": "/missing"}]),
        ];
        for patch in failing {
            let patch: Vec<PatchOperation> = serde_json::from_value(patch).unwrap();
            let mut work = doc.clone();
            let result = apply_patch(&mut work, &patch);
            assert!(result.is_err(), "{patch:?}");
            assert_eq!(work, doc, "the document is left unchanged");
        }
        let message = apply_json(doc.clone(), json!([{"op": "remove", "path": "/missing"}])).unwrap_err();
        assert!(message.contains("operation 0") && message.contains("/missing"), "{message}");
        assert_eq!(apply_json(doc.clone(), json!([{"op": "move", "from": "/a/b", "path": "/a/b"}])), Ok(doc));
    }

    // ---- properties -------------------------------------------------------

    const IDS: [&str; 6] = ["a", "b", "c", "e~", "f/g", "h"];

    fn key() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["a", "b", "c", "~", "/", "a~1b", "id", "name", ""]).prop_map(str::to_owned)
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-2i64..3).prop_map(Value::from),
            Just(json!(1.5)),
            prop::sample::select(vec!["", "x", "y", "a~b", "c/d"]).prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(key(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn fields() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map(key(), json_value(), 0..3).prop_map(|m| m.into_iter().collect())
    }

    #[derive(Debug, Clone, Copy)]
    enum Shape {
        Items,
        Absent,
        Other,
    }

    fn shape() -> impl Strategy<Value = Shape> {
        prop_oneof![8 => Just(Shape::Items), 1 => Just(Shape::Absent), 1 => Just(Shape::Other)]
    }

    /// One kind's value on both sides (None = absent).
    fn item_kind_pair(id_key: &'static str) -> impl Strategy<Value = (Option<Value>, Option<Value>)> {
        let entry = (any::<bool>(), any::<bool>(), prop::bool::weighted(0.6), fields(), fields());
        let order = Just((0..IDS.len()).collect::<Vec<_>>()).prop_shuffle();
        let extra = || prop::option::weighted(0.15, (json_value(), any::<bool>(), 0usize..8));
        (
            prop::collection::vec(entry, IDS.len()),
            order.clone(),
            order,
            prop::bool::weighted(0.3),
            (shape(), shape()),
            (extra(), extra()),
            (json_value(), json_value()),
        )
            .prop_map(move |(entries, order_before, order_after, keep_order, shapes, extras, others)| {
                let item = |id: &str, fields: &Map<String, Value>| {
                    let mut item = fields.clone();
                    item.insert(id_key.to_owned(), Value::from(id));
                    Value::Object(item)
                };
                let mut before = Vec::new();
                let mut after = Vec::new();
                for &i in &order_before {
                    let (in_before, _, _, fields, _) = &entries[i];
                    if *in_before {
                        before.push(item(IDS[i], fields));
                    }
                }
                let order_after = if keep_order { &order_before } else { &order_after };
                for &i in order_after {
                    let (_, in_after, same, before_fields, after_fields) = &entries[i];
                    if *in_after {
                        after.push(item(IDS[i], if *same { before_fields } else { after_fields }));
                    }
                }
                // Occasionally an anonymous item or a duplicate id.
                for (items, extra) in [(&mut before, extras.0), (&mut after, extras.1)] {
                    if let Some((value, duplicate, at)) = extra {
                        let value = match (duplicate, items.first()) {
                            (true, Some(first)) => first.clone(),
                            _ => value,
                        };
                        items.insert(at.min(items.len()), value);
                    }
                }
                let side = |shape: Shape, items: Vec<Value>, other: Value| match shape {
                    Shape::Items => Some(Value::Array(items)),
                    Shape::Absent => None,
                    Shape::Other => Some(other),
                };
                (side(shapes.0, before, others.0), side(shapes.1, after, others.1))
            })
    }

    fn opaque_pair() -> impl Strategy<Value = (Option<Value>, Option<Value>)> {
        (
            prop::option::weighted(0.7, json_value()),
            prop::option::weighted(0.7, json_value()),
            prop::bool::weighted(0.5),
        )
            .prop_map(|(before, after, same)| {
                let after = if same { before.clone() } else { after };
                (before, after)
            })
    }

    fn workspaces() -> impl Strategy<Value = (Value, Value)> {
        let items: Vec<_> = ITEM_KINDS
            .iter()
            .map(|(kind, id_key)| item_kind_pair(id_key).prop_map(move |pair| (*kind, pair)))
            .collect();
        let opaque_keys = LOCAL_KINDS.iter().chain(&["zz", "x~y", "a/b"]);
        let opaque: Vec<_> = opaque_keys.map(|key| opaque_pair().prop_map(move |pair| (*key, pair))).collect();
        (items, opaque).prop_map(|(items, opaque)| {
            let mut before = Map::new();
            let mut after = Map::new();
            for (key, (b, a)) in items.into_iter().chain(opaque) {
                if let Some(b) = b {
                    before.insert(key.to_owned(), b);
                }
                if let Some(a) = a {
                    after.insert(key.to_owned(), a);
                }
            }
            (Value::Object(before), Value::Object(after))
        })
    }

    /// The first item of each id, in array order.
    fn first_ids<'a>(value: Option<&'a Value>, id_key: &str) -> Vec<(&'a str, &'a Value)> {
        let mut seen: Vec<(&str, &Value)> = Vec::new();
        if let Some(Value::Array(items)) = value {
            for item in items {
                if let Some(id) = item.get(id_key).and_then(Value::as_str) {
                    if item.is_object() && !seen.iter().any(|(s, _)| *s == id) {
                        seen.push((id, item));
                    }
                }
            }
        }
        seen
    }

    proptest! {
        #[test]
        fn applying_the_patch_to_before_always_yields_after_and_self_diffs_are_empty((before, after) in workspaces()) {
            let changes = diff_workspaces(&before, &after);
            let mut doc = before.clone();
            let applied = apply_patch(&mut doc, &changes.patch);
            prop_assert_eq!(applied, Ok(()));
            prop_assert_eq!(&doc, &after);
            for same in [&before, &after] {
                let changes = diff_workspaces(same, same);
                prop_assert!(changes.patch.is_empty() && changes.local.is_empty());
                let summary = changes.summary;
                prop_assert_eq!(summary.added + summary.modified + summary.removed, 0);
            }
        }

        #[test]
        fn item_counts_and_fields_agree_with_an_independent_matching((before, after) in workspaces()) {
            let changes = diff_workspaces(&before, &after);
            prop_assert_eq!(changes.kinds.len(), 6);
            for (kind, id_key) in ITEM_KINDS {
                let old = first_ids(before.get(kind), id_key);
                let new = first_ids(after.get(kind), id_key);
                let found = &changes.kinds[kind];
                let removed: Vec<&str> =
                    old.iter().filter(|(id, _)| !new.iter().any(|(n, _)| n == id)).map(|(id, _)| *id).collect();
                let added: Vec<&str> =
                    new.iter().filter(|(id, _)| !old.iter().any(|(o, _)| o == id)).map(|(id, _)| *id).collect();
                let both_arrays = before.get(kind).is_some_and(Value::is_array)
                    && after.get(kind).is_some_and(Value::is_array);
                let (modified, unchanged): (Vec<_>, Vec<_>) = if both_arrays {
                    new.iter()
                        .filter_map(|(id, v)| old.iter().find(|(o, _)| o == id).map(|(_, w)| (*id, *v != *w)))
                        .partition(|(_, differs)| *differs)
                } else {
                    // Not both arrays: everything on an array side is added/removed.
                    let removed: Vec<&str> = old.iter().map(|(id, _)| *id).collect();
                    let added: Vec<&str> = new.iter().map(|(id, _)| *id).collect();
                    prop_assert_eq!(&found.removed, &removed);
                    prop_assert_eq!(&found.added, &added);
                    (Vec::new(), Vec::new())
                };
                if both_arrays {
                    prop_assert_eq!(&found.removed, &removed);
                    prop_assert_eq!(&found.added, &added);
                }
                let modified_ids: Vec<&str> = modified.iter().map(|(id, _)| *id).collect();
                let found_ids: Vec<&str> = found.modified.iter().map(|m| m.id.as_str()).collect();
                prop_assert_eq!(found_ids, modified_ids);
                prop_assert_eq!(found.unchanged, unchanged.len());
                prop_assert_eq!(found.defaults_kept.is_some(), kind == VARIABLES);
                for item in &found.modified {
                    prop_assert!(!item.fields.is_empty());
                    for (i, field) in item.fields.iter().enumerate() {
                        prop_assert!(field.starts_with('/'), "{}", field);
                        prop_assert!(!item.fields[..i].contains(field), "duplicate {}", field);
                    }
                }
            }
            for kind in &changes.local {
                prop_assert_ne!(before.get(kind), after.get(kind));
            }
            for kind in LOCAL_KINDS {
                if before.get(kind) != after.get(kind) {
                    prop_assert!(changes.local.contains(&kind));
                }
            }
        }

        #[test]
        fn a_pure_reordering_is_only_moves(order in Just((0..IDS.len()).collect::<Vec<_>>()).prop_shuffle()) {
            let before = json!({"agents": IDS.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()});
            let after = json!({"agents": order.iter().map(|&i| json!({"id": IDS[i]})).collect::<Vec<_>>()});
            let changes = diff_workspaces(&before, &after);
            let only_moves = changes.patch.iter().all(|op| matches!(op, PatchOperation::Move { .. }));
            prop_assert!(only_moves);
            prop_assert!(changes.patch.len() < IDS.len());
            prop_assert_eq!(changes.summary.unchanged, IDS.len());
            let mut doc = before.clone();
            prop_assert_eq!(apply_patch(&mut doc, &changes.patch), Ok(()));
            prop_assert_eq!(doc, after);
        }

        #[test]
        fn generic_diffs_of_arbitrary_values_apply(before in json_value(), after in json_value()) {
            let mut ops = Vec::new();
            diff_values(&before, &after, &mut String::new(), &mut ops);
            let mut doc = before.clone();
            prop_assert_eq!(apply_patch(&mut doc, &ops), Ok(()));
            prop_assert_eq!(doc, after);
        }
    }
}
