//! Manifests: what a sync put into an environment, as `{kind: {id: fingerprint}}`.
//!
//! A sync answers the manifest of its payload; the caller stores it and sends it back as `base`
//! with the next sync or publish, which is how in-place changes (hotfixes) are recognised.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::fingerprint::{fingerprint, is_fingerprint};
use crate::input::{into_object, type_name};
use crate::json::child;
use crate::variables::structure;
use crate::workspace::{Kind, Workspace};

/// `{kind: {id: fingerprint}}` for the six promoted kinds; variables by structure only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Manifest {
    kinds: BTreeMap<Kind, BTreeMap<String, String>>,
}

impl Manifest {
    /// Reads a `base` manifest; `path` is its pointer in the request.
    pub fn from_value(value: Value, path: &str) -> Result<Manifest> {
        let mut kinds = BTreeMap::new();
        for (key, ids) in into_object(value, path, "a manifest")? {
            let kind_path = child(path, &key);
            let kind = Kind::parse(&key).filter(|kind| kind.is_promoted()).ok_or_else(|| {
                Error::invalid_input(
                    &kind_path,
                    format!("\"{key}\" is not a promoted kind; a manifest lists agents, workflows, knowledgeBase, integrations, channels and variables."),
                )
            })?;
            let mut prints = BTreeMap::new();
            for (id, print) in into_object(ids, &kind_path, "the fingerprints of a kind")? {
                match print {
                    Value::String(print) if is_fingerprint(&print) => {
                        prints.insert(id, print);
                    }
                    other => {
                        return Err(Error::invalid_input(
                            child(&kind_path, &id),
                            format!(
                                "Expected a fingerprint \"sha256:<64 hex digits>\", found {}; send back the manifest a sync answered.",
                                type_name(&other)
                            ),
                        ))
                    }
                }
            }
            kinds.insert(kind, prints);
        }
        Ok(Manifest { kinds })
    }

    /// The fingerprint recorded for an item.
    pub fn get(&self, kind: Kind, id: &str) -> Option<&str> {
        self.kinds.get(&kind).and_then(|ids| ids.get(id)).map(String::as_str)
    }

    /// The ids recorded for a kind, sorted.
    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.kinds.get(&kind).into_iter().flat_map(|ids| ids.keys().map(String::as_str))
    }

    /// The manifest as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
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

    /// The fingerprints of one kind, parallel to `Workspace::items(kind)`.
    pub fn of_kind(&self, kind: Kind) -> &[String] {
        kind.promoted_index().and_then(|i| self.kinds.get(i)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The manifest `{kind: {id: fingerprint}}`, all six kinds present.
    pub fn manifest(&self, workspace: &Workspace) -> Manifest {
        let kinds = Kind::PROMOTED
            .into_iter()
            .map(|kind| {
                let ids = workspace.items(kind).iter().map(|item| item.id.clone());
                (kind, ids.zip(self.of_kind(kind).iter().cloned()).collect())
            })
            .collect();
        Manifest { kinds }
    }
}

/// An item's fingerprint; a variable's is of its structure, so that local defaults never count as drift.
pub fn item_fingerprint(kind: Kind, value: &Value) -> String {
    if kind == Kind::Variables {
        fingerprint(&structure(value))
    } else {
        fingerprint(value)
    }
}
