//! The content kinds of a workspace and the allow-list filter.
//!
//! Fail closed: only the six promoted kinds ever travel; environment-local kinds stay where they
//! are, and any key this crate does not know is excluded and reported.

use std::fmt;

use crate::error::{Error, Result};
use crate::input::{into_object, type_name};
use crate::issue::{Issue, IssueCode};
use crate::json::Echoes;
use crate::limits::Limits;
use crate::pointer::{child, index};
use crate::value::{Map, Value};
use crate::variables::VariableInfo;

/// A top-level key of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Agents: instructions, behaviour, fallback, tone.
    Agents,
    /// Workflows.
    Workflows,
    /// Knowledge base documents.
    KnowledgeBase,
    /// API configurations and integrations.
    Integrations,
    /// Widget and channel configurations.
    Channels,
    /// Variables: structure promoted, default value local.
    Variables,
    /// Conversation history (local).
    Conversations,
    /// Analytics (local).
    Analytics,
    /// Evaluators (local).
    Evaluators,
    /// Guardrails (local).
    Guardrails,
    /// Issues (local).
    Issues,
    /// Secret names (local; values never come here).
    Secrets,
}

impl Kind {
    /// The twelve kinds, promoted ones first.
    pub const ALL: [Kind; 12] = [
        Kind::Agents,
        Kind::Workflows,
        Kind::KnowledgeBase,
        Kind::Integrations,
        Kind::Channels,
        Kind::Variables,
        Kind::Conversations,
        Kind::Analytics,
        Kind::Evaluators,
        Kind::Guardrails,
        Kind::Issues,
        Kind::Secrets,
    ];

    /// The kinds a sync or publish carries: five content kinds and variables.
    pub const PROMOTED: [Kind; 6] =
        [Kind::Agents, Kind::Workflows, Kind::KnowledgeBase, Kind::Integrations, Kind::Channels, Kind::Variables];

    /// The five kinds of promoted content (variables aside).
    pub const CONTENT: [Kind; 5] =
        [Kind::Agents, Kind::Workflows, Kind::KnowledgeBase, Kind::Integrations, Kind::Channels];

    /// The environment-local kinds, never promoted.
    pub const LOCAL: [Kind; 6] =
        [Kind::Conversations, Kind::Analytics, Kind::Evaluators, Kind::Guardrails, Kind::Issues, Kind::Secrets];

    /// The JSON key, e.g. `knowledgeBase`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Agents => "agents",
            Kind::Workflows => "workflows",
            Kind::KnowledgeBase => "knowledgeBase",
            Kind::Integrations => "integrations",
            Kind::Channels => "channels",
            Kind::Variables => "variables",
            Kind::Conversations => "conversations",
            Kind::Analytics => "analytics",
            Kind::Evaluators => "evaluators",
            Kind::Guardrails => "guardrails",
            Kind::Issues => "issues",
            Kind::Secrets => "secrets",
        }
    }

    /// Reads a JSON key; keys are exact (`knowledgeBase`).
    pub fn parse(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == key)
    }

    /// Whether sync and publish carry this kind.
    pub fn is_promoted(self) -> bool {
        (self as usize) < Kind::PROMOTED.len()
    }

    /// The member that identifies an item: `name` for variables and secrets, `id` otherwise.
    pub fn id_key(self) -> &'static str {
        match self {
            Kind::Variables | Kind::Secrets => "name",
            _ => "id",
        }
    }

    /// Index among the promoted kinds (`None` for local kinds).
    pub fn promoted_index(self) -> Option<usize> {
        self.is_promoted().then_some(self as usize)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dependency of an item: `{ "kind": "...", "id": "..." }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// A promoted kind, `variables`, `secrets`, `guardrails` or `evaluators`.
    pub kind: Kind,
    /// The id (the name for variables and secrets).
    pub id: String,
}

/// Ids of a list, sorted for lookup: id → position in the list.
///
/// A sorted vector rather than a hash map: lookups are a binary search, and the WebAssembly build
/// carries no hash table code at all.
#[derive(Debug, Clone, Default)]
pub struct IdIndex<'a> {
    entries: Vec<(&'a str, usize)>,
}

impl<'a> IdIndex<'a> {
    /// Indexes ids given in list order.
    pub fn new(ids: impl Iterator<Item = &'a str>) -> IdIndex<'a> {
        let mut entries: Vec<(&str, usize)> = ids.enumerate().map(|(i, id)| (id, i)).collect();
        crate::sorting::sort_by(&mut entries, |(a, i), (b, j)| crate::scan::id_order(a, b).then(i.cmp(j)).is_lt());
        IdIndex { entries }
    }

    /// Indexes the ids of the items of a promoted kind of a workspace (sorted once, when read).
    pub fn of(workspace: &'a Workspace, kind: Kind) -> IdIndex<'a> {
        let items = workspace.items(kind);
        match workspace.order.get(kind as usize).filter(|order| order.len() == items.len()) {
            Some(order) => {
                IdIndex { entries: order.iter().filter_map(|&i| Some((items.get(i)?.id.as_str(), i))).collect() }
            }
            None => IdIndex::new(items.iter().map(|item| item.id.as_str())),
        }
    }

    /// The positions in the order of their ids.
    fn positions(&self) -> Vec<usize> {
        self.entries.iter().map(|(_, position)| *position).collect()
    }

    /// The position of `id` (its first position, should it repeat).
    pub fn get(&self, id: &str) -> Option<usize> {
        let start = self.entries.partition_point(|(entry, _)| crate::scan::id_order(entry, id).is_lt());
        self.entries.get(start).filter(|(entry, _)| *entry == id).map(|(_, position)| *position)
    }

    /// [`IdIndex::get`] in an index of a workspace's `items` (whose ids are unique), looking at
    /// `at` first: the two sides of a sync mostly hold their items in the same order.
    pub(crate) fn get_at(&self, id: &str, items: &[Item], at: usize) -> Option<usize> {
        if items.get(at).is_some_and(|item| item.id == id) {
            return Some(at);
        }
        self.get(id)
    }

    /// Whether `id` is in the list.
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// The first repetition in list order: its id and position.
    pub fn first_repeat(&self) -> Option<(&'a str, usize)> {
        self.entries
            .windows(2)
            .filter_map(|pair| match pair {
                [(a, _), (b, later)] if a == b => Some((*b, *later)),
                _ => None,
            })
            .min_by_key(|(_, position)| *position)
    }
}

/// What the rules read of an item of a promoted kind; its JSON stays in [`Workspace::payload`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's `id` (a variable's `name`).
    pub id: String,
    /// Actor id of the last editor, when given.
    pub updated_by: Option<String>,
    /// What the item depends on.
    pub uses: Vec<Reference>,
}

/// A workspace read and validated.
///
/// The promoted content stays as JSON in one object (`payload`, all six keys present), so that a
/// sync moves it into its answer instead of copying it; `items` holds what the rules read of each.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    payload: Map,
    /// Which promoted kinds the workspace was given with (the payload holds all six).
    given: [bool; 6],
    items: [Vec<Item>; 6],
    /// Per promoted kind, the positions of the items in the order of their ids (see [`IdIndex`]).
    order: [Vec<usize>; 6],
    variables: Vec<VariableInfo>,
    local: Vec<(Kind, Value)>,
    unknown: Vec<(String, Value)>,
    /// Per promoted kind, the items read as stubs that repeat a source's items, as `(index,
    /// index in the source)` (see [`Workspace::from_value_repeating`]): their values hold their
    /// id alone until [`Workspace::fill_repeats`]; their [`Item`]s are whole.
    repeats: [Vec<(usize, usize)>; 6],
}

/// What the allow-list filter keeps and what it leaves behind.
#[derive(Debug, Clone, PartialEq)]
pub struct Filtered {
    /// The promoted kinds, all six keys present.
    pub payload: Value,
    /// Count of what stays behind, by kind (array length, or 1 for any other value).
    pub excluded: Map,
    /// `UNKNOWN_CONTENT_KIND` for every key that is no kind.
    pub warnings: Vec<Issue>,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace {
            payload: {
                let mut payload = Map::new();
                for kind in Kind::PROMOTED {
                    payload.insert(kind.as_str().to_owned(), Value::Array(Vec::new()));
                }
                payload
            },
            given: [false; 6],
            items: Default::default(),
            order: Default::default(),
            variables: Vec::new(),
            local: Vec::new(),
            unknown: Vec::new(),
            repeats: Default::default(),
        }
    }
}

impl Workspace {
    /// Reads the required member `key` of a request, at `/key`; `what` names it when missing.
    pub(crate) fn take(map: &mut Map, key: &str, what: &str, limits: &Limits) -> Result<Workspace> {
        Workspace::from_value(crate::input::take_required(map, key, "", what)?, &child("", key), limits)
    }

    /// Reads the optional member `key` of a request, at `/key`; `repeating`, when its items that
    /// repeat the items of a source workspace were read as stubs (see [`crate::json::Echo`]).
    pub(crate) fn take_optional(
        map: &mut Map,
        key: &str,
        limits: &Limits,
        repeating: Option<(&Workspace, &Echoes)>,
    ) -> Result<Option<Workspace>> {
        crate::input::take_optional(map, key)
            .map(|value| Workspace::from_value_repeating(value, &child("", key), limits, repeating))
            .transpose()
    }

    /// Reads a workspace object; `path` is its JSON Pointer in the request (for errors and issues).
    pub fn from_value(value: Value, path: &str, limits: &Limits) -> Result<Workspace> {
        Workspace::from_value_repeating(value, path, limits, None)
    }

    /// [`Workspace::from_value`] of a workspace whose items that repeat the items of a `source`
    /// workspace were read as stubs (`echoes`): those take their [`Item`] from the source's, which
    /// the same value reads as, and are kept as [`Workspace::repeats`].
    fn from_value_repeating(
        value: Value,
        path: &str,
        limits: &Limits,
        repeating: Option<(&Workspace, &Echoes)>,
    ) -> Result<Workspace> {
        let map = into_object(value, path, "a workspace")?;
        let mut workspace = Workspace::default();
        let mut item_count = 0usize;
        for (key, value) in map {
            let kind_path = child(path, &key);
            match Kind::parse(&key) {
                Some(kind) if kind.is_promoted() => {
                    let repeats = repeating.map(|(source, echoes)| (echoes.of(&key), source.items(kind)));
                    let (items, infos, order) =
                        read_kind(kind, &value, &kind_path, &mut item_count, limits, repeats.unwrap_or_default())?;
                    if let (Some(slot), Some((pairs, _))) = (workspace.repeats.get_mut(kind as usize), repeats) {
                        *slot = pairs.to_vec();
                    }
                    if let Some(slot) = workspace.order.get_mut(kind as usize) {
                        *slot = order;
                    }
                    if kind == Kind::Variables {
                        workspace.variables = infos;
                    }
                    if let Some(slot) = workspace.items.get_mut(kind as usize) {
                        *slot = items;
                    }
                    if let Some(given) = workspace.given.get_mut(kind as usize) {
                        *given = true;
                    }
                    workspace.payload.insert(key, value);
                }
                Some(kind) => workspace.local.push((kind, value)),
                None => workspace.unknown.push((key, value)),
            }
        }
        crate::sorting::sort_in_place_by(&mut workspace.local, |(a, _), (b, _)| a < b);
        Ok(workspace)
    }

    /// Checks a workspace as [`Workspace::from_value`] reads it, with the same errors, without
    /// taking it apart (nor copying it).
    pub(crate) fn check(value: &Value, path: &str, limits: &Limits) -> Result<()> {
        let Value::Object(map) = value else {
            return into_object(value.clone(), path, "a workspace").map(drop);
        };
        let mut item_count = 0usize;
        for (key, value) in map {
            if let Some(kind) = Kind::parse(key).filter(|kind| kind.is_promoted()) {
                read_kind(kind, value, &child(path, key), &mut item_count, limits, (&[], &[]))?;
            }
        }
        Ok(())
    }

    /// What the rules read of the items of a promoted kind (empty for local kinds).
    pub fn items(&self, kind: Kind) -> &[Item] {
        self.items.get(kind as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The JSON of the items of a promoted kind, parallel to [`Workspace::items`].
    pub fn values(&self, kind: Kind) -> &[Value] {
        match self.payload.get(kind.as_str()) {
            Some(Value::Array(values)) => values,
            _ => &[],
        }
    }

    /// Mutable JSON of the items of a promoted kind.
    pub(crate) fn values_mut(&mut self, kind: Kind) -> Option<&mut Vec<Value>> {
        match self.payload.get_mut(kind.as_str()) {
            Some(Value::Array(values)) => Some(values),
            _ => None,
        }
    }

    /// After a redaction of the JSON of `kind`: takes again from it the identifiers the rules
    /// read (ids, `uses` ids, a variable's `usage`), and adds to `replaced` those that changed,
    /// so that no later rule, message or manifest repeats a redacted identifier. A redaction
    /// replaces a string with a string, so every identifier reads as before.
    pub(crate) fn reread_identifiers(&mut self, kind: Kind, replaced: &mut Vec<String>) {
        let Workspace { payload, items, order, variables, .. } = self;
        let (Some(Value::Array(values)), Some(items), Some(order)) =
            (payload.get(kind.as_str()), items.get_mut(kind as usize), order.get_mut(kind as usize))
        else {
            return;
        };
        let mut update = |old: &mut String, new: &str| {
            if old != new {
                replaced.push(std::mem::replace(old, new.to_owned()));
            }
        };
        for (i, (value, item)) in values.iter().zip(items.iter_mut()).enumerate() {
            if let Some(Value::String(id)) = value.get(kind.id_key()) {
                update(&mut item.id, id);
            }
            let uses = value.get("uses").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for (reference, entry) in item.uses.iter_mut().zip(uses) {
                if let Some(Value::String(id)) = entry.get("id") {
                    update(&mut reference.id, id);
                }
            }
            if let (Some(info), Some(usage)) =
                (variables.get_mut(i).filter(|_| kind == Kind::Variables), value.get("usage").and_then(Value::as_array))
            {
                for (workflow, entry) in info.usage.iter_mut().zip(usage) {
                    if let Value::String(id) = entry {
                        update(workflow, id);
                    }
                }
            }
        }
        *order = IdIndex::new(items.iter().map(|item| item.id.as_str())).positions();
    }

    /// Replaces the content of a promoted kind: its JSON, what the rules read of each item, and
    /// (for variables) their types and usage, all index-aligned.
    pub(crate) fn replace_kind(
        &mut self,
        kind: Kind,
        values: Vec<Value>,
        items: Vec<Item>,
        variables: Vec<VariableInfo>,
    ) {
        if let Some(slot) = self.items.get_mut(kind as usize).filter(|_| kind.is_promoted()) {
            // The id order of the new items: a stale one would mislead every lookup by id.
            if let Some(order) = self.order.get_mut(kind as usize) {
                *order = IdIndex::new(items.iter().map(|item| item.id.as_str())).positions();
            }
            *slot = items;
            self.payload.insert(kind.as_str().to_owned(), Value::Array(values));
            if kind == Kind::Variables {
                self.variables = variables;
            }
        }
    }

    /// The items of `kind` read as stubs that repeat the source's, as `(index, index in the
    /// source)` (see [`Workspace::from_value_repeating`]).
    pub(crate) fn repeats(&self, kind: Kind) -> &[(usize, usize)] {
        self.repeats.get(kind as usize).map(Vec::as_slice).unwrap_or_default()
    }

    /// Replaces the stubs of the items that repeat `source`'s (see [`Workspace::repeats`]) with
    /// copies of those items, as they are in `source` now: before anything reads their values
    /// but their ids, and before `source` changes them.
    pub(crate) fn fill_repeats(&mut self, source: &Workspace) {
        for kind in Kind::PROMOTED {
            let pairs = self.repeats.get_mut(kind as usize).map(std::mem::take).unwrap_or_default();
            let (Some(values), from) = (self.values_mut(kind), source.values(kind)) else { continue };
            for (index, of) in pairs {
                if let (Some(slot), Some(item)) = (values.get_mut(index), from.get(of)) {
                    *slot = item.clone();
                }
            }
        }
    }

    /// Per promoted kind ([`Kind::PROMOTED`] order), the positions of the items in the order of
    /// their ids ([`IdIndex`]'s order), taken as the workspace is consumed.
    pub(crate) fn id_orders(&mut self) -> [Vec<usize>; 6] {
        std::mem::take(&mut self.order)
    }

    /// Types and usage of the variables, parallel to `items(Kind::Variables)`.
    pub fn variables(&self) -> &[VariableInfo] {
        &self.variables
    }

    /// The promoted content: one object with all six keys.
    pub fn payload(&self) -> &Map {
        &self.payload
    }

    /// Fingerprint of the promoted content (`filterContent(workspace).payload`), without copying it.
    pub fn payload_fingerprint(&self) -> String {
        crate::fingerprint::fingerprint_object(&self.payload)
    }

    /// Consumes the workspace, keeping the promoted content only.
    pub fn into_payload(self) -> Value {
        Value::Object(self.payload)
    }

    /// A local kind's value, when present.
    pub fn local(&self, kind: Kind) -> Option<&Value> {
        self.local.iter().find(|(k, _)| *k == kind).map(|(_, v)| v)
    }

    /// The ids (for secrets: names) of the items of a local kind held as an array.
    pub fn local_ids(&self, kind: Kind) -> IdIndex<'_> {
        match self.local(kind) {
            Some(Value::Array(items)) => {
                IdIndex::new(items.iter().filter_map(|item| item.get(kind.id_key()).and_then(Value::as_str)))
            }
            _ => IdIndex::default(),
        }
    }

    /// Counts of what stays behind, `{kind: count}`: local kinds and unknown keys.
    pub fn excluded(&self) -> Map {
        let mut excluded = Map::new();
        for (kind, value) in &self.local {
            excluded.insert(kind.as_str().to_owned(), count(value).into());
        }
        for (key, value) in &self.unknown {
            excluded.insert(key.clone(), count(value).into());
        }
        excluded
    }

    /// `UNKNOWN_CONTENT_KIND` warnings, one per unknown key; `path` is the workspace's pointer.
    pub fn unknown_kind_warnings(&self, path: &str) -> Vec<Issue> {
        self.unknown
            .iter()
            .map(|(key, _)| {
                Issue::new(
                    IssueCode::UnknownContentKind,
                    format!("\"{key}\" is not a content kind, so it stays behind; rename it to a kind of the spec if it must travel."),
                    Some(child(path, key)),
                )
            })
            .collect()
    }

    /// The whole workspace as JSON again, as it was given: the promoted kinds it was given
    /// with, its local kinds and its unknown keys.
    pub fn to_value(&self) -> Value {
        let mut map = self.payload.clone();
        for (kind, given) in Kind::PROMOTED.iter().zip(self.given) {
            if !given {
                map.remove(kind.as_str());
            }
        }
        for (kind, value) in &self.local {
            map.insert(kind.as_str().to_owned(), value.clone());
        }
        for (key, value) in &self.unknown {
            map.insert(key.clone(), value.clone());
        }
        Value::Object(map)
    }

    /// The allow-list filter of `filterContent`; `path` is the workspace's pointer, for warnings.
    pub fn filter(self, path: &str) -> Filtered {
        let excluded = self.excluded();
        let warnings = self.unknown_kind_warnings(path);
        Filtered { payload: self.into_payload(), excluded, warnings }
    }
}

/// `filterContent` of a workspace given as a JSON value (values built in code are held to the
/// same depth limit as text).
pub fn filter_content(workspace: Value, limits: &Limits) -> Result<Filtered> {
    crate::json::check_depth(&workspace, limits)?;
    Ok(Workspace::from_value(workspace, "", limits)?.filter(""))
}

/// The [`crate::json::Skip`] of a workspace for `filterContent` and `manifest`: every kind that
/// is not promoted is only counted.
pub fn counted_in_workspace(parent: Option<&str>, key: &str) -> bool {
    parent.is_none() && !Kind::parse(key).is_some_and(Kind::is_promoted)
}

fn count(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.len(),
        _ => 1,
    }
}

/// Reads the value of a promoted kind at `path`: an array, within the item limit (`item_count`
/// counts the items of the workspace so far), of valid items.
fn read_kind(
    kind: Kind,
    value: &Value,
    path: &str,
    item_count: &mut usize,
    limits: &Limits,
    repeats: Repeats<'_>,
) -> Result<(Vec<Item>, Vec<VariableInfo>, Vec<usize>)> {
    let Value::Array(values) = value else {
        return Err(Error::invalid_input(path, format!("{kind} must be an array, found {}.", type_name(value))));
    };
    *item_count += values.len();
    if *item_count > limits.max_items {
        return Err(Error::limit_exceeded(
            path,
            format!("The workspace holds more than {} items; split it.", limits.max_items),
        ));
    }
    read_items(kind, values, path, repeats)
}

/// The items of a kind read as stubs, `(index, index in the source)`, and the source's items.
type Repeats<'a> = (&'a [(usize, usize)], &'a [Item]);

/// Reads the items of a promoted kind (with the type and usage of each variable, and the
/// positions in the order of the ids); ids unique.
fn read_items(
    kind: Kind,
    values: &[Value],
    path: &str,
    (repeats, source_items): Repeats<'_>,
) -> Result<(Vec<Item>, Vec<VariableInfo>, Vec<usize>)> {
    let id_key = kind.id_key();
    let mut items = Vec::with_capacity(values.len());
    let mut infos = Vec::new();
    let mut repeats = repeats.iter().peekable();
    for (i, value) in values.iter().enumerate() {
        // A stub repeats a source item, which was read and checked: its item is that one's.
        let repeated = repeats.next_if(|(index, _)| *index == i).and_then(|(_, of)| source_items.get(*of));
        if let Some(item) = repeated {
            items.push(item.clone());
            continue;
        }
        // Paths are written only for an error: most items have none.
        let item_path = || index(path, i);
        let Value::Object(map) = value else {
            return Err(Error::invalid_input(
                item_path(),
                format!("An item of {kind} must be an object with a string {id_key}, found {}.", type_name(value)),
            ));
        };
        let fields = ItemFields::of(map, id_key);
        let id = read_id(fields.id, id_key, &item_path)?;
        if kind == Kind::Variables {
            infos.push(VariableInfo::read(map, &item_path())?);
        }
        let (updated_by, uses) = read_conventions(fields.updated_by, fields.uses, &item_path)?;
        items.push(Item { id: id.to_owned(), updated_by, uses });
    }
    let ids = IdIndex::new(items.iter().map(|item| item.id.as_str()));
    if let Some((id, i)) = ids.first_repeat() {
        return Err(Error::invalid_input(
            child(&index(path, i), id_key),
            format!("The {id_key} \"{id}\" appears twice in {kind}; each {id_key} must be unique within its kind."),
        ));
    }
    let order = ids.positions();
    Ok((items, infos, order))
}

/// The members of an item that reading it looks at, found in one walk of its members rather than
/// one search of the map each.
struct ItemFields<'a> {
    id: Option<&'a Value>,
    updated_by: Option<&'a Value>,
    uses: Option<&'a Value>,
}

impl<'a> ItemFields<'a> {
    fn of(map: &'a Map, id_key: &str) -> ItemFields<'a> {
        let mut fields = ItemFields { id: None, updated_by: None, uses: None };
        for (key, value) in map {
            let slot = match key.as_str() {
                key if key == id_key => &mut fields.id,
                "updatedBy" => &mut fields.updated_by,
                "uses" => &mut fields.uses,
                _ => continue,
            };
            *slot = Some(value);
        }
        fields
    }
}

fn read_id<'a>(found: Option<&'a Value>, key: &str, path: &dyn Fn() -> String) -> Result<&'a str> {
    match found {
        Some(Value::String(id)) if !id.is_empty() => Ok(id),
        Some(Value::String(_)) => {
            Err(Error::invalid_input(child(&path(), key), format!("The {key} is empty; give a unique {key}.")))
        }
        Some(other) => Err(Error::invalid_input(
            child(&path(), key),
            format!("The {key} must be a string, found {}.", type_name(other)),
        )),
        None => Err(Error::invalid_input(
            child(&path(), key),
            format!("The {key} is missing; give a string {key} unique within its kind."),
        )),
    }
}

/// Reads the optional `updatedBy` and `uses` conventions shared by items and variables, given
/// their values (absent: `None`) and the item's path.
fn read_conventions(
    updated_by: Option<&Value>,
    uses: Option<&Value>,
    path: &dyn Fn() -> String,
) -> Result<(Option<String>, Vec<Reference>)> {
    let updated_by = match updated_by {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(Error::invalid_input(
                child(&path(), "updatedBy"),
                format!("updatedBy must be the actor id of the last editor, a string; found {}.", type_name(other)),
            ))
        }
    };
    let uses = match uses {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(entries)) => entries
            .iter()
            .enumerate()
            .map(|(i, entry)| read_reference(entry, &|| index(&child(&path(), "uses"), i)))
            .collect::<Result<_>>()?,
        Some(other) => {
            return Err(Error::invalid_input(
                child(&path(), "uses"),
                format!("uses must be a list of {{\"kind\", \"id\"}} references, found {}.", type_name(other)),
            ))
        }
    };
    Ok((updated_by, uses))
}

fn read_reference(entry: &Value, path: &dyn Fn() -> String) -> Result<Reference> {
    let kind = match entry.get("kind") {
        Some(Value::String(name)) => match Kind::parse(name) {
            Some(kind) if kind.is_promoted() || matches!(kind, Kind::Secrets | Kind::Guardrails | Kind::Evaluators) => kind,
            _ => {
                return Err(Error::invalid_input(
                    child(&path(), "kind"),
                    format!("\"{name}\" cannot be referenced; use a promoted kind, variables, secrets, guardrails or evaluators."),
                ))
            }
        },
        _ => return Err(Error::invalid_input(path(), "A reference must be an object {\"kind\": string, \"id\": string}.")),
    };
    let id = match entry.get("id") {
        Some(Value::String(id)) => id.clone(),
        _ => {
            return Err(Error::invalid_input(
                child(&path(), "id"),
                "A reference needs a string id (the name for variables and secrets).",
            ))
        }
    };
    Ok(Reference { kind, id })
}
