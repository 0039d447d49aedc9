//! `iaclint debug graph`: the resource graph as text — each node with its location, evaluated
//! attributes (unknowns shown as `{"$unknown": "<expression>"}`) and outgoing edges, then the IAM
//! policy documents found. Deterministic, so it can be diffed.

use std::io::{self, Write};

use crate::graph::ResourceGraph;
use crate::policy::PolicyDocument;
use crate::source::Sources;
use crate::value::route_to_string;

/// What `debug graph` shows: the sources, the graph built from them and its policy documents.
pub struct GraphView<'a> {
    /// Every file read.
    pub sources: &'a Sources,
    /// The resource graph.
    pub graph: &'a ResourceGraph,
    /// The normalized IAM policy documents.
    pub policies: &'a [PolicyDocument],
}

/// Writes the graph of `model`, made inert ([`super::inert`]): no control or bidi character
/// and no line starting a workflow command.
pub fn render(model: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut raw = Vec::new();
    render_raw(model, &mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    out.write_all(super::inert::guard_lines(&super::inert::text(&text)).as_bytes())
}

fn render_raw(model: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
    let g = model.graph;
    let s = model.sources;
    let mut nodes: Vec<_> = g.nodes.iter().collect();
    nodes.sort_by(|a, b| {
        (&s.get(a.file).path, a.span.start).cmp(&(&s.get(b.file).path, b.span.start))
    });
    for n in nodes {
        let f = s.get(n.file);
        let p = f.position(n.span.start);
        writeln!(
            out,
            "{} ({:?} {}) {}:{}:{}",
            super::inert::line(&n.address),
            n.kind,
            super::inert::line(&n.type_name),
            super::inert::path(&f.path),
            p.line,
            p.column
        )?;
        let mut meta = Vec::new();
        if n.meta.count {
            meta.push("count".to_string());
        }
        if n.meta.for_each {
            meta.push("for_each".to_string());
        }
        if let Some(c) = &n.meta.cdk_path {
            meta.push(format!("cdk_path={c}"));
        }
        if !meta.is_empty() {
            writeln!(out, "  meta: {}", meta.join(", "))?;
        }
        let attrs = serde_json::to_string(&n.attrs.to_json()).map_err(io::Error::other)?;
        writeln!(out, "  attrs: {attrs}")?;
        for e in g.outgoing(n.id) {
            let to = g.node(e.to);
            let attr = e
                .attr
                .as_deref()
                .map(|a| format!(".{a}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} -> {}{attr}",
                route_to_string(&e.route),
                to.address
            )?;
        }
        let referrers: Vec<String> = {
            let mut v: Vec<String> = g
                .incoming(n.id)
                .map(|e| g.node(e.from).address.clone())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        if !referrers.is_empty() {
            writeln!(out, "  referenced by: {}", referrers.join(", "))?;
        }
    }
    if !model.policies.is_empty() {
        writeln!(out, "\npolicy documents:")?;
        for d in model.policies {
            let owner = g.node(d.owner);
            writeln!(
                out,
                "  {} {} ({}, {} statement{})",
                owner.address,
                route_to_string(&d.route),
                d.kind.as_str(),
                d.statements().len(),
                if d.statements().len() == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}
