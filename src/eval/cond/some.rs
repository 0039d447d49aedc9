//! `some: {path, where}`: one value reached by `path` satisfies `where`, evaluated with that
//! value as the root. Only value conditions may appear in `where`.

use serde::Deserialize;

use super::{CompileCx, Cond, Condition, PathField, compile_nested};
use crate::eval::outcome::{Omitted, missing_message, unknown_reason};
use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt};
use crate::value::Seg;

/// `some`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Some {
    /// The values to try (e.g. `$.commands[*]`).
    pub path: PathField,
    /// What one of them must satisfy; its paths start at that value.
    #[serde(rename = "where")]
    pub where_: Cond,
}

impl Condition for Some {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        compile_nested(&mut self.where_, cx, "some.where")?;
        if !self.where_.is_value_condition() {
            return Err(
                "some.where: only value conditions (all, any, not, exists, absent, \
                 equals, one_of, matches, compare, some) are allowed"
                    .into(),
            );
        }
        self.path.check("some.path")
    }

    /// True when one value satisfies `where`; unknown when none does but one (or a partial
    /// match) is unknown; false otherwise.
    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        let Option::Some(p) = self.path.get() else {
            return Outcome::unknown();
        };
        if depth >= cx.max_depth {
            return Outcome::depth_reached(cx.max_depth);
        }
        let root = cx.root(s);
        let matches = p.query(root);
        let mut unknown: Option<Option<String>> = None;
        let mut falses = Vec::new();
        let mut omitted = Omitted::default();
        for m in &matches {
            if m.partial {
                unknown.get_or_insert_with(|| Option::Some(unknown_reason(m)));
                continue;
            }
            let o = cx.eval(&self.where_.under(&m.route), s, depth + 1);
            match o.truth {
                Tri::True => return o,
                Tri::Unknown => {
                    unknown.get_or_insert(o.reason);
                }
                Tri::False => {
                    falses.extend(o.witnesses);
                    omitted += o.omitted;
                }
            }
        }
        if let Option::Some(reason) = unknown {
            return Outcome {
                truth: Tri::Unknown,
                witnesses: Vec::new(),
                omitted: Omitted::default(),
                reason,
            };
        }
        if matches.is_empty() {
            let route = p.deepest_existing(root);
            falses.push(Witness {
                message: missing_message(p, &route, ""),
                at: WitnessAt::Route(s, route),
                value_test: true,
            });
        }
        let mut out = Outcome::new(Tri::False, falses);
        out.omitted = omitted;
        out
    }

    fn is_value_condition(&self) -> bool {
        self.where_.is_value_condition()
    }

    /// The inner `where` is relative to the inner elements: only the path moves.
    fn rebase(&mut self, route: &[Seg]) {
        self.path.rebase(route);
    }

    fn children(&self) -> Vec<&Cond> {
        vec![&self.where_]
    }
}
