//! `not: condition`: negation; unknown stays unknown, witnesses are kept.

use serde::Deserialize;

use super::{CompileCx, Cond, Condition, compile_nested};
use crate::eval::{Ctx, Outcome, Subject};
use crate::value::Seg;

/// `not`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Not(pub Box<Cond>);

impl Condition for Not {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        compile_nested(&mut self.0, cx, "not")
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        let o = cx.eval(&self.0, s, depth);
        Outcome {
            truth: !o.truth,
            witnesses: o.witnesses,
            omitted: o.omitted,
            reason: o.reason,
        }
    }
    fn is_value_condition(&self) -> bool {
        self.0.is_value_condition()
    }
    fn rebase(&mut self, route: &[Seg]) {
        self.0.rebase(route);
    }
    fn children(&self) -> Vec<&Cond> {
        vec![&self.0]
    }
}
