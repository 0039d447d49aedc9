//! `absent: path`: the path reaches nothing.

use serde::Deserialize;

use super::exists::exists;
use super::{CompileCx, Condition, PathField};
use crate::eval::{Ctx, Outcome, Subject};
use crate::value::Seg;

/// `absent`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Absent(pub PathField);

impl Condition for Absent {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        self.0.check("absent")
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        match self.0.get() {
            Some(p) => exists(cx, p, s, false),
            None => Outcome::unknown(),
        }
    }
    fn is_value_condition(&self) -> bool {
        true
    }
    fn rebase(&mut self, route: &[Seg]) {
        self.0.rebase(route);
    }
}
