//! `actions_outside: {path, list}` (statements): some known action at `path` is not covered by
//! any pattern of the rule's named list.

use serde::Deserialize;

use super::{CompileCx, Condition, PathField};
use crate::eval::outcome::Collector;
use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt};
use crate::policy;
use crate::value::Val;

/// `actions_outside`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsOutside {
    /// JSONPath to the action list.
    pub path: PathField,
    /// The name of a list in the rule's `lists`.
    pub list: String,
    /// The list's patterns, resolved by `compile`.
    #[serde(skip)]
    patterns: Vec<String>,
}

impl Condition for ActionsOutside {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        self.path.check("actions_outside.path")?;
        self.patterns = cx.lists.get(&self.list).cloned().ok_or_else(|| {
            format!(
                "actions_outside.list: no list named `{}` in `lists`",
                self.list
            )
        })?;
        Ok(())
    }

    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        let Some(p) = self.path.get() else {
            return Outcome::unknown();
        };
        let root = cx.root(s);
        let mut outside = Collector::new(cx);
        let mut unknown = false;
        p.visit(root, &mut |route, value, _| match &value.val {
            Val::String(a) => {
                if !self
                    .patterns
                    .iter()
                    .any(|l| policy::pattern_covered_by(a, l))
                    && outside.wants(cx.span_of_route(s, route), false)
                {
                    outside.push(Witness {
                        at: WitnessAt::Route(s, route.to_vec()),
                        message: format!("`{a}` supports resource-level permissions"),
                        value_test: false,
                    });
                }
            }
            _ => unknown = true,
        });
        if !outside.is_empty() {
            outside.finish(Tri::True)
        } else if unknown {
            Outcome::unknown()
        } else {
            Outcome::new(Tri::False, Vec::new())
        }
    }
}
