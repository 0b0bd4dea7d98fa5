//! The documented limits of every argument: what the reader refuses, and what a workspace may hold.

use crate::json::ReadLimits;

/// The limits applied to every argument, before any deep recursion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nesting of arrays and objects, counted from the argument's root (the root object is 1).
    pub max_depth: usize,
    /// Bytes of JSON text (UTF-8), or total bytes of string content of a JS object.
    pub max_input_bytes: usize,
    /// Items of one workspace, all promoted kinds together (variables included).
    pub max_items: usize,
}

impl Limits {
    /// The documented defaults: depth 128, 256 MiB, one million items per workspace.
    pub const DEFAULT: Limits = Limits {
        max_depth: ReadLimits::DEFAULT.max_depth,
        max_input_bytes: ReadLimits::DEFAULT.max_input_bytes,
        max_items: 1_000_000,
    };

    /// What the JSON reader applies.
    pub fn reading(&self) -> ReadLimits {
        ReadLimits { max_depth: self.max_depth, max_input_bytes: self.max_input_bytes }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

impl From<&Limits> for ReadLimits {
    fn from(limits: &Limits) -> Self {
        limits.reading()
    }
}
