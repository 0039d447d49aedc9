//! `follow: {path, to, through, when, require, label}`: from the references written at `path`
//! to nodes of type `to` (optionally through intermediate hops, a KMS alias to its key), and
//! `require` on each target.

use std::collections::HashSet;

use serde::Deserialize;

use super::{CompileCx, Cond, Condition, PathField, compile_nested, nonempty};
use crate::eval::outcome::{combine_all, display_path};
use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt, is_type};
use crate::graph::NodeId;
use crate::path::JsonPath;
use crate::value::Route;

/// `follow`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Follow {
    /// Where the reference is written in this node.
    pub path: PathField,
    /// Accepted target types.
    pub to: Vec<String>,
    /// Intermediate hops: a target of this type is followed again from `path`.
    #[serde(default)]
    pub through: Vec<Hop>,
    /// Applicability on each target (false → that target passes).
    #[serde(default)]
    pub when: Option<Cond>,
    /// What must hold on each target.
    pub require: Cond,
    /// Message for the secondary label on the reference (`{target}` is replaced).
    #[serde(default)]
    pub label: Option<String>,
}

/// One intermediate hop of a `follow`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hop {
    /// Type of the intermediate node.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Where its onward reference is written.
    pub path: PathField,
}

impl Condition for Follow {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        self.path.check("follow.path")?;
        nonempty(&self.to, "follow.to")?;
        for (i, h) in self.through.iter().enumerate() {
            h.path.check(&format!("follow.through[{i}].path"))?;
        }
        if let Some(w) = &mut self.when {
            compile_nested(w, cx, "follow.when")?;
        }
        compile_nested(&mut self.require, cx, "follow.require")
    }

    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        let Subject::Node(start) = s else {
            return Outcome::unknown();
        };
        let Some(p) = self.path.get() else {
            return Outcome::unknown();
        };
        if depth >= cx.max_depth {
            return Outcome::depth_reached(cx.max_depth);
        }
        // Breadth-first over hops, remembering the first reference route on the subject.
        let (first, _) = targets(cx, start, p);
        let mut frontier: Vec<(NodeId, Route)> = first;
        let mut finals: Vec<(NodeId, Route)> = Vec::new();
        let mut seen: HashSet<NodeId> = HashSet::new();
        let mut hops = 0;
        while let Some((n, route)) = frontier.pop() {
            if !seen.insert(n) {
                continue;
            }
            let node = cx.graph.node(n);
            if node.meta.exists == Some(false) {
                continue;
            }
            if self.to.iter().any(|t| is_type(node, t)) {
                finals.push((n, route));
            } else if let Some(hp) = self
                .through
                .iter()
                .find(|h| is_type(node, &h.type_name))
                .and_then(|h| h.path.get())
            {
                hops += 1;
                if hops > cx.max_depth {
                    return Outcome::depth_reached(cx.max_depth);
                }
                let (next, _) = targets(cx, n, hp);
                frontier.extend(next.into_iter().map(|(t, _)| (t, route.clone())));
            }
        }
        if finals.is_empty() {
            return Outcome::unknown_because(format!(
                "`{}` does not reference any {} in this configuration",
                display_path(p),
                self.to.join(" or ")
            ));
        }
        finals.sort();
        let mut outs = Vec::new();
        for (target, route) in finals {
            let ts = Subject::Node(target);
            if let Some(w) = &self.when {
                let o = cx.eval(w, ts, depth + 1);
                match o.truth {
                    Tri::False => {
                        outs.push(Outcome::new(Tri::True, Vec::new()));
                        continue;
                    }
                    Tri::Unknown => {
                        outs.push(o);
                        continue;
                    }
                    Tri::True => {}
                }
            }
            let mut o = cx.eval(&self.require, ts, depth + 1);
            let tnode = cx.graph.node(target);
            let msg = self
                .label
                .as_deref()
                .map(|l| l.replace("{target}", &tnode.address))
                .unwrap_or_else(|| format!("references `{}`", tnode.address));
            o.witnesses.insert(
                0,
                Witness {
                    at: WitnessAt::Route(s, route),
                    message: msg,
                    value_test: false,
                },
            );
            outs.push(o);
        }
        combine_all(outs)
    }

    fn children(&self) -> Vec<&Cond> {
        self.when.iter().chain([&self.require]).collect()
    }
}

/// Targets of references written under `p` in node `id`, with the route of the reference.
fn targets(cx: &Ctx<'_>, id: NodeId, p: &JsonPath) -> (Vec<(NodeId, Route)>, bool) {
    let node = cx.graph.node(id);
    let matches = p.query(&node.attrs);
    let mut out = Vec::new();
    for m in &matches {
        for e in cx.graph.references_from(id, &m.route) {
            if !out.iter().any(|(t, _)| *t == e.to) {
                out.push((e.to, m.route.clone()));
            }
        }
    }
    (out, !matches.is_empty())
}
