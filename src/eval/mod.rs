//! The three-valued evaluator: conditions over the resource graph answer true, false or
//! *unknown*, with the locations ("witnesses") that explain the answer.
//!
//! - [`outcome`]: [`Tri`], [`Outcome`], [`Witness`] and the `all`/`any` combinators;
//! - [`cond`]: the condition types of the rule language, one module each;
//! - `place`: where a witness points in the source (a route, a document's first line, the part
//!   of a string a regex matched);
//!
//! This module knows nothing of rules, findings or suppressions: [`crate::rules`] compiles
//! conditions, [`crate::engine`] runs them and turns answers into findings.

pub mod cond;
pub mod outcome;
mod place;

pub use outcome::{Outcome, Tri, Witness, WitnessAt};

use crate::graph::{Node, NodeId, NodeKind, ResourceGraph};
use crate::policy::PolicyDocument;
use crate::source::Sources;
use crate::value::Spanned;

/// What a check looks at: a graph node or one statement of a policy document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A node.
    Node(NodeId),
    /// Statement `stmt` of policy document `doc` (index into the run's documents).
    Statement {
        /// Document index.
        doc: usize,
        /// Statement index.
        stmt: usize,
    },
}

/// What conditions are evaluated against: the run's sources, graph and policy documents.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// File texts (for spans).
    pub sources: &'a Sources,
    /// The resource graph.
    pub graph: &'a ResourceGraph,
    /// The extracted policy documents ([`Subject::Statement`] indexes them).
    pub policies: &'a [PolicyDocument],
    /// Maximum depth of nested `follow`/`referrers`/`some` hops (guards against reference
    /// cycles; the `reference-depth` limit).
    pub max_depth: usize,
    /// How many witnesses at distinct locations one answer keeps in full (`related-labels` + 2:
    /// the primary label, the related ones, one to tell that more were left out); the rest are
    /// only counted ([`outcome::Collector`]).
    pub keep_witnesses: usize,
}

impl<'a> Ctx<'a> {
    /// Evaluates `c` on `s`; `depth` counts nested reference hops.
    pub fn eval(&self, c: &cond::Cond, s: Subject, depth: usize) -> Outcome {
        c.eval(self, s, depth)
    }

    /// The node a subject belongs to (a statement's document owner).
    pub fn owner(&self, subject: Subject) -> &'a Node {
        match subject {
            Subject::Node(id) => self.graph.node(id),
            Subject::Statement { doc, .. } => self.graph.node(self.policies[doc].owner),
        }
    }

    /// The value paths of a subject start at.
    pub fn root(&self, subject: Subject) -> &'a Spanned {
        match subject {
            Subject::Node(id) => &self.graph.node(id).attrs,
            Subject::Statement { doc, stmt } => &self.policies[doc].statements()[stmt],
        }
    }

    /// The region of the default `aws` provider of the node's module, when written literally.
    pub fn region_of(&self, id: NodeId) -> Option<String> {
        let node = self.graph.node(id);
        self.graph
            .of_type(node.format, "aws")
            .iter()
            .map(|p| self.graph.node(*p))
            .filter(|p| {
                p.kind == NodeKind::Provider
                    && p.module == node.module
                    && p.attrs.get("alias").is_none()
            })
            .find_map(|p| {
                p.attrs
                    .get("region")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            })
    }
}

/// Whether `node` is of the rule type `t`: `aws_kms_key` names a managed resource, and
/// `data.aws_kms_key` a data source. A data source stands for something that exists outside the
/// configuration, so a rule about `aws_kms_key` must not judge it by attributes it cannot see.
pub fn is_type(node: &Node, t: &str) -> bool {
    match t.strip_prefix("data.") {
        Some(native) => node.kind == NodeKind::Data && node.type_name == native,
        None => node.kind == NodeKind::Resource && node.type_name == t,
    }
}
