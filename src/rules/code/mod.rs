//! Code rules: the few rules the declarative language cannot express, one module each behind
//! [`CodeRule`], registered in [`CODE_RULES`].
//!
//! A code rule still has a rule file in `rules/` with the same metadata, docs and cases as a
//! YAML rule, only without `checks`: the loader pairs the file with the code rule of the same
//! id (a rule file without `checks` and without a code rule is an error, as is a code rule
//! without its file). The harness and `iaclint test` run its cases like any other rule's.
//!
//! The context a code rule sees is plain data (the graph, the sources, the suppressions with
//! what became of them), so this module depends on nothing of the engine that runs it.

mod invalid_suppression;
mod lambda_build_runtime_mismatch;
mod unused_suppression;

use std::collections::BTreeSet;

use crate::finding::Finding;
use crate::graph::{Format, ResourceGraph};
use crate::source::{Sources, Span};
use crate::suppress::{Date, Placement};

use super::Rule;

pub use invalid_suppression::{INVALID_SUPPRESSION, is_unsuppressible};
pub use unused_suppression::UNUSED_SUPPRESSION;

/// A rule implemented in Rust.
pub trait CodeRule: Sync {
    /// The id of the rule file it implements.
    fn id(&self) -> &'static str;
    /// The formats its cases must cover.
    fn formats(&self) -> BTreeSet<Format>;
    /// Its findings over a whole run. `rule` is its loaded rule file (severity, help).
    fn run(&self, rule: &Rule, cx: &CodeContext<'_>) -> Vec<Finding>;
}

impl std::fmt::Debug for dyn CodeRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CodeRule({})", self.id())
    }
}

/// The typed list of code rules.
pub static CODE_RULES: &[&dyn CodeRule] = &[
    &invalid_suppression::InvalidSuppression,
    &lambda_build_runtime_mismatch::LambdaBuildRuntimeMismatch,
    &unused_suppression::UnusedSuppression,
];

/// The code rule implementing `id`.
pub fn code_rule(id: &str) -> Option<&'static dyn CodeRule> {
    CODE_RULES.iter().copied().find(|c| c.id() == id)
}

/// What a code rule looks at.
pub struct CodeContext<'a> {
    /// File texts.
    pub sources: &'a Sources,
    /// The resource graph of the run.
    pub graph: &'a ResourceGraph,
    /// Every suppression of the run and what became of it, once the other rules ran.
    pub suppressions: &'a [SuppressionState],
}

/// One suppression (or malformed suppression comment) and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionState {
    /// Where it is written.
    pub span: Span,
    /// The resource it is on (or the nearest one).
    pub resource: String,
    /// What became of it.
    pub status: SuppressionStatus,
}

/// What became of a suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuppressionStatus {
    /// It could not be read (the message says why).
    Malformed(String),
    /// It names no known rule.
    UnknownRule {
        /// The rule it names.
        rule: String,
        /// The closest known id.
        suggestion: Option<String>,
    },
    /// It names a rule about suppressions, which cannot be suppressed.
    Unsuppressible {
        /// The rule it names.
        rule: String,
    },
    /// Its `until` date has passed.
    Expired {
        /// The rule it names.
        rule: String,
        /// The date it expired on.
        until: Option<Date>,
        /// Today.
        today: Date,
    },
    /// The rule it names ran on it and reported nothing it could silence.
    Unused {
        /// The rule it names.
        rule: String,
        /// Where it is written (a line, above a resource, Metadata).
        placement: Placement,
    },
    /// It silenced a finding, or the rule it names did not run on it.
    Fine,
}
