//! `all: [conditions]`: every one must hold.

use serde::Deserialize;

use super::{CompileCx, Cond, Condition, compile_nested};
use crate::eval::outcome::combine_all;
use crate::eval::{Ctx, Outcome, Subject};
use crate::value::Seg;

/// `all`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct All(pub Vec<Cond>);

/// Compiles a non-empty list of conditions written under `name`.
pub(super) fn compile_list(v: &mut [Cond], cx: &CompileCx<'_>, name: &str) -> Result<(), String> {
    if v.is_empty() {
        return Err(format!("{name}: must list at least one condition"));
    }
    for (i, x) in v.iter_mut().enumerate() {
        compile_nested(x, cx, &format!("{name}[{i}]"))?;
    }
    Ok(())
}

impl Condition for All {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        compile_list(&mut self.0, cx, "all")
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        combine_all(self.0.iter().map(|x| cx.eval(x, s, depth)).collect())
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
