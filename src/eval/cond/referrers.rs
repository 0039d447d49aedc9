//! `referrers: {types, via, where, min}`: at least `min` nodes of `types` whose reference at
//! `via` points at this node (and that satisfy `where`).

use std::collections::HashSet;

use serde::Deserialize;

use super::{CompileCx, Cond, Condition, PathField, compile_nested, nonempty};
use crate::eval::outcome::display_path;
use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt, is_type};
use crate::graph::{NodeKind, route_starts_with};
use crate::value::Route;

/// `referrers`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referrers {
    /// Referrer types.
    pub types: Vec<String>,
    /// Where in the referrer the reference must be written.
    pub via: PathField,
    /// What must hold on a referrer for it to count.
    #[serde(default, rename = "where")]
    pub where_: Option<Cond>,
    /// How many must count (default 1).
    #[serde(default = "one")]
    pub min: usize,
}

fn one() -> usize {
    1
}

impl Condition for Referrers {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        nonempty(&self.types, "referrers.types")?;
        self.via.check("referrers.via")?;
        if let Some(w) = &mut self.where_ {
            compile_nested(w, cx, "referrers.where")?;
        }
        Ok(())
    }

    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        let Subject::Node(id) = s else {
            return Outcome::unknown();
        };
        let Some(via) = self.via.get() else {
            return Outcome::unknown();
        };
        if depth >= cx.max_depth {
            return Outcome::depth_reached(cx.max_depth);
        }
        let types = &self.types;
        let mut counted = Vec::new();
        let mut unknown = false;
        let mut unknown_ref: Option<String> = None;
        // An exceeded limit below (`reference-depth`) is said as is, not as "cannot know".
        let mut limit_reason: Option<String> = None;
        let mut seen = HashSet::new();
        for e in cx.graph.incoming(id) {
            let from = cx.graph.node(e.from);
            if !types.iter().any(|t| is_type(from, t))
                || from.meta.exists == Some(false)
                || !seen.insert(e.from)
            {
                continue;
            }
            let via_routes: Vec<Route> = via
                .query(&from.attrs)
                .into_iter()
                .map(|m| m.route)
                .collect();
            if !via_routes.iter().any(|r| route_starts_with(&e.route, r)) {
                seen.remove(&e.from);
                continue;
            }
            let rs = Subject::Node(e.from);
            let t = match &self.where_ {
                Some(w) => {
                    let o = cx.eval(w, rs, depth + 1);
                    if let Some(r) = o.reason.filter(|r| r.contains("under `[limits]`")) {
                        limit_reason.get_or_insert(r);
                    }
                    o.truth
                }
                None => Tri::True,
            };
            if t == Tri::Unknown && unknown_ref.is_none() {
                unknown_ref = Some(from.address.clone());
            }
            match t {
                Tri::True => counted.push(Witness {
                    at: WitnessAt::Route(rs, e.route.clone()),
                    message: format!("`{}` refers to it", from.address),
                    value_test: false,
                }),
                Tri::Unknown => unknown = true,
                Tri::False => {}
            }
        }
        if counted.len() >= self.min {
            return Outcome::new(Tri::True, counted);
        }
        if let (true, Some(r)) = (unknown, limit_reason) {
            return Outcome::unknown_because(r);
        }
        if unknown {
            return Outcome::unknown_because(format!(
                "whether `{}` counts depends on values iaclint cannot know",
                unknown_ref.unwrap_or_default()
            ));
        }
        // A candidate in the same module whose `via` value is unknown and names nothing might
        // still point here: we cannot say "no".
        let node = cx.graph.node(id);
        for t in types {
            for cand in cx
                .graph
                .of_type(node.format, t.strip_prefix("data.").unwrap_or(t))
            {
                let c = cx.graph.node(*cand);
                if c.module != node.module || !is_type(c, t) {
                    continue;
                }
                for m in via.query(&c.attrs) {
                    // Resolved only when it names a resource; a variable or module output
                    // could hold any id.
                    let unresolved = (m.partial || m.value.is_unknown())
                        && !cx.graph.references_from(*cand, &m.route).any(|e| {
                            matches!(
                                cx.graph.node(e.to).kind,
                                NodeKind::Resource | NodeKind::Data
                            )
                        });
                    if unresolved {
                        return Outcome::unknown_because(format!(
                            "`{}` might refer to it: its `{}` cannot be resolved",
                            c.address,
                            display_path(via)
                        ));
                    }
                }
            }
        }
        Outcome::new(
            Tri::False,
            vec![Witness {
                at: WitnessAt::Route(s, Vec::new()),
                message: format!("no {} refers to `{}`", types.join(" or "), node.address),
                value_test: false,
            }],
        )
    }

    fn children(&self) -> Vec<&Cond> {
        self.where_.iter().collect()
    }
}
