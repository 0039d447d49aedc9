//! `any: [conditions]`: at least one must hold.

use serde::Deserialize;

use super::all::compile_list;
use super::{CompileCx, Cond, Condition};
use crate::eval::outcome::combine_any;
use crate::eval::{Ctx, Outcome, Subject};
use crate::value::Seg;

/// `any`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Any(pub Vec<Cond>);

impl Condition for Any {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        compile_list(&mut self.0, cx, "any")
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        combine_any(self.0.iter().map(|x| cx.eval(x, s, depth)).collect())
    }
    fn is_value_condition(&self) -> bool {
        self.0.iter().all(Cond::is_value_condition)
    }
    fn rebase(&mut self, route: &[Seg]) {
        self.0.iter_mut().for_each(|x| x.rebase(route));
    }
    fn children(&self) -> Vec<&Cond> {
        self.0.iter().collect()
    }
}
