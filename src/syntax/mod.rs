//! Spanned readers shared by the front ends: JSON and YAML parsed into one tree of values with
//! their byte ranges ([`Raw`]), YAML aliases expanded.
//!
//! Both parsers are bounded: nesting deeper than the `nesting-depth` limit (at most
//! [`MAX_DEPTH`]), alias expansion beyond the `yaml-alias-values` limit (values) or `eval-bytes`
//! (text), charged before the copy, and more than [`MAX_NODES`] values in all are errors with a
//! location, never a stack overflow or an allocation storm (see [`crate::limits`]). Nothing here
//! knows a format: CloudFormation's short tags (`!Ref`) are a table the caller passes to
//! [`yaml::parse`].

use std::ops::Range;

pub mod json;
pub mod yaml;

/// Deepest nesting either reader accepts (the `nesting-depth` limit cannot go higher).
pub const MAX_DEPTH: usize = crate::limits::MAX_NESTING_DEPTH;

/// Most values (scalars, sequences and mappings, alias copies included) in one file.
pub const MAX_NODES: usize = 1_000_000;

/// A literal value with its byte range in the file.
#[derive(Clone, Debug)]
pub struct Raw {
    /// The value.
    pub v: RawVal,
    /// Its byte range in the file.
    pub span: Range<usize>,
}

/// A mapping key with its byte range.
#[derive(Clone, Debug)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Its byte range in the file.
    pub span: Range<usize>,
}

/// The literal value kinds.
#[derive(Clone, Debug)]
pub enum RawVal {
    /// `null` (and YAML's `~`, an empty plain scalar).
    Null,
    /// A boolean.
    Bool(bool),
    /// A finite number.
    Num(f64),
    /// A string (also numbers too large or not finite, kept as written).
    Str(String),
    /// A sequence.
    Seq(Vec<Raw>),
    /// A mapping in source order (keys may repeat).
    Map(Vec<(Key, Raw)>),
}

impl Raw {
    /// The member `key` of a mapping (the last one when a key is repeated, as CloudFormation).
    pub fn get(&self, key: &str) -> Option<&Raw> {
        match &self.v {
            RawVal::Map(m) => m.iter().rev().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries if this is a mapping.
    pub fn entries(&self) -> Option<&[(Key, Raw)]> {
        match &self.v {
            RawVal::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The string if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            RawVal::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A parse error: a byte range and a message.
#[derive(Debug)]
pub struct RawError {
    /// Where the problem is.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
}

pub(crate) fn err(span: Range<usize>, message: impl Into<String>) -> RawError {
    RawError {
        span,
        message: message.into(),
    }
}
