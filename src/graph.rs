//! The resource graph: one node per resource-like thing of any format, edges from references,
//! and a reverse index so "who points at me" never scans every node.
//!
//! Front ends (Terraform, CloudFormation, GitHub Actions workflows) produce [`Fragment`]s, one per
//! Terraform module, template or workflow file, in parallel; [`GraphBuilder`] merges them.

use std::collections::HashMap;

use crate::source::{FileId, Span};
use crate::value::{Route, Seg, Spanned};

/// Index of a node in [`ResourceGraph::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// The input language a node comes from.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Terraform HCL.
    Terraform,
    /// CloudFormation JSON/YAML (and CDK output).
    Cloudformation,
    /// GitHub Actions workflows.
    Workflow,
}

impl Format {
    /// The lowercase name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::Cloudformation => "cloudformation",
            Format::Workflow => "workflow",
        }
    }
}

/// What kind of block a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A managed resource (`resource "t" "n"`, a CloudFormation resource).
    Resource,
    /// A data source (`data "t" "n"`).
    Data,
    /// A module call.
    Module,
    /// An input variable / template parameter.
    Variable,
    /// An output.
    Output,
    /// A provider configuration (`provider "aws"`); `type_name` is the provider name.
    Provider,
    /// A state backend (`terraform { backend "s3" {} }`); `type_name` is the backend type.
    Backend,
}

/// Per-node facts that are not attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeMeta {
    /// The block has `count`.
    pub count: bool,
    /// The block has `for_each`.
    pub for_each: bool,
    /// CDK construct path (`aws:cdk:path`), when known.
    pub cdk_path: Option<String>,
    /// Findings the user silenced on this node, with a reason.
    pub suppressions: Vec<crate::suppression::Suppression>,
    /// Suppressions as the front end found them in the resource's own data (CloudFormation
    /// `Metadata.iaclint`), not yet read: [`crate::suppress`] turns them into `suppressions`.
    pub suppression_spec: Option<Spanned>,
    /// Whether the resource is created: `Some(false)` when a CloudFormation `Condition` is known
    /// to be false, `None` when it cannot be evaluated. Rules never judge a resource that is not
    /// created, and report a resource that may not be created as undecided.
    pub exists: Option<bool>,
}

impl Default for NodeMeta {
    fn default() -> Self {
        NodeMeta {
            count: false,
            for_each: false,
            cdk_path: None,
            suppressions: Vec::new(),
            suppression_spec: None,
            exists: Some(true),
        }
    }
}

/// One resource-like thing.
#[derive(Clone, Debug)]
pub struct Node {
    /// Its index.
    pub id: NodeId,
    /// Source language.
    pub format: Format,
    /// Block kind.
    pub kind: NodeKind,
    /// Provider-native type: `aws_ecs_service`, `AWS::ECS::Service`.
    pub type_name: String,
    /// The block's name label (`api` in `resource "aws_ecs_service" "api"`).
    pub name: String,
    /// Address as users write it: `aws_ecs_service.api`, `data.aws_iam_policy_document.x`, `var.region`.
    pub address: String,
    /// The module (Terraform: the directory as displayed) or template the node belongs to.
    pub module: String,
    /// File the block is in.
    pub file: FileId,
    /// The whole block.
    pub span: Span,
    /// The block header (type and labels), where findings about missing attributes point.
    pub header: Span,
    /// Attributes and nested blocks (nested blocks as arrays of objects).
    pub attrs: Spanned,
    /// Non-attribute facts.
    pub meta: NodeMeta,
}

impl Node {
    /// The span of the value at `route`, falling back to the nearest ancestor, then the header.
    pub fn span_at(&self, route: &[Seg]) -> Span {
        if route.is_empty() {
            return self.header;
        }
        match self.attrs.at(route) {
            Some(v) => v
                .span
                .or_else(|| self.attrs.span_at(route))
                .unwrap_or(self.header),
            None => {
                // A missing attribute: the deepest existing ancestor, but never the whole top-level
                // body; the header says "this resource" better.
                let mut parent = route.to_vec();
                while parent.pop().is_some() {
                    if parent.is_empty() {
                        break;
                    }
                    if let Some(s) = self.attrs.at(&parent).and_then(|v| v.span) {
                        return s;
                    }
                }
                self.header
            }
        }
    }
}

/// A reference from one node's attribute to another node.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The referring node.
    pub from: NodeId,
    /// The attribute of `from` whose value contains the reference.
    pub route: Route,
    /// The referenced node.
    pub to: NodeId,
    /// The attribute of `to` named by the reference (`arn` in `aws_kms_key.k.arn`), if any.
    pub attr: Option<String>,
    /// Where the reference is written.
    pub span: Option<Span>,
}

/// Nodes and edges produced by one front end for one module/template, with local indices.
#[derive(Debug, Default)]
pub struct Fragment {
    /// Nodes; their `id` fields are ignored and reassigned on merge.
    pub nodes: Vec<Node>,
    /// Edges whose `from`/`to` are indices into `nodes`.
    pub edges: Vec<Edge>,
    /// Problems that did not stop the front end (a malformed suppression): reported as input
    /// errors while the rest of the file is linted.
    pub diagnostics: Vec<crate::finding::InputError>,
}

/// The merged graph of one run.
#[derive(Debug, Default)]
pub struct ResourceGraph {
    /// All nodes, indexed by [`NodeId`].
    pub nodes: Vec<Node>,
    /// All edges.
    pub edges: Vec<Edge>,
    /// Suppression comments at the end of a line: they cover findings whose primary label starts
    /// on that line. (Suppressions of a whole resource are in its [`NodeMeta::suppressions`].)
    pub line_suppressions: Vec<crate::suppression::Suppression>,
    /// Suppressions that cannot be used as written (reported as `invalid-suppression`).
    pub invalid_suppressions: Vec<crate::suppression::Invalid>,
    outgoing: Vec<Vec<usize>>,
    incoming: Vec<Vec<usize>>,
    by_type: HashMap<(Format, String), Vec<NodeId>>,
}

impl ResourceGraph {
    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// Nodes of a native type in a format, in insertion order.
    pub fn of_type(&self, format: Format, type_name: &str) -> &[NodeId] {
        self.by_type
            .get(&(format, type_name.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Edges leaving `id`.
    pub fn outgoing(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.outgoing[id.0 as usize].iter().map(|&e| &self.edges[e])
    }

    /// Edges arriving at `id` (the reverse index).
    pub fn incoming(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.incoming[id.0 as usize].iter().map(|&e| &self.edges[e])
    }

    /// Edges leaving `id` from attributes at or below `route`.
    pub fn references_from<'a>(
        &'a self,
        id: NodeId,
        route: &'a [Seg],
    ) -> impl Iterator<Item = &'a Edge> + 'a {
        self.outgoing(id)
            .filter(move |e| route_starts_with(&e.route, route))
    }
}

/// True when `route` equals `prefix` or lies below it. Array indices in `prefix` match any index
/// only when they are equal; use the JSONPath layer for wildcards.
pub fn route_starts_with(route: &[Seg], prefix: &[Seg]) -> bool {
    route.len() >= prefix.len() && route[..prefix.len()] == *prefix
}

/// Merges fragments into a [`ResourceGraph`].
#[derive(Debug, Default)]
pub struct GraphBuilder {
    graph: ResourceGraph,
}

impl GraphBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a fragment, renumbering its nodes and edges.
    pub fn add(&mut self, fragment: Fragment) {
        let base = self.graph.nodes.len() as u32;
        for (i, mut node) in fragment.nodes.into_iter().enumerate() {
            node.id = NodeId(base + i as u32);
            self.graph.nodes.push(node);
        }
        for mut edge in fragment.edges {
            edge.from = NodeId(base + edge.from.0);
            edge.to = NodeId(base + edge.to.0);
            self.graph.edges.push(edge);
        }
    }

    /// Builds the indices and returns the graph.
    pub fn finish(mut self) -> ResourceGraph {
        let g = &mut self.graph;
        // Identical references written twice in one attribute are one edge.
        g.edges.sort_by(|a, b| {
            (a.from, &a.route, a.to, &a.attr).cmp(&(b.from, &b.route, b.to, &b.attr))
        });
        g.edges.dedup_by(|a, b| {
            a.from == b.from && a.route == b.route && a.to == b.to && a.attr == b.attr
        });
        g.outgoing = vec![Vec::new(); g.nodes.len()];
        g.incoming = vec![Vec::new(); g.nodes.len()];
        for (i, e) in g.edges.iter().enumerate() {
            g.outgoing[e.from.0 as usize].push(i);
            g.incoming[e.to.0 as usize].push(i);
        }
        for n in &g.nodes {
            g.by_type
                .entry((n.format, n.type_name.clone()))
                .or_default()
                .push(n.id);
        }
        self.graph
    }
}
