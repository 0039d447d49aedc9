//! `compare: {path, op, value, quantifier}`: a number at the path compares to `value`.

use std::fmt;

use serde::Deserialize;

use super::{CompileCx, Condition, PathField};
use crate::eval::outcome::{Quantifier, describe, value_test};
use crate::eval::{Ctx, Outcome, Subject};
use crate::value::{Seg, Val};

/// `compare`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    /// JSONPath.
    pub path: PathField,
    /// Operator.
    pub op: CmpOp,
    /// Right-hand side.
    pub value: f64,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

/// Numeric comparison operators, written as in the rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum CmpOp {
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
}

impl CmpOp {
    /// Whether `a op b`.
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        })
    }
}

impl Condition for Compare {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        self.path.check("compare.path")
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        let Some(path) = self.path.get() else {
            return Outcome::unknown();
        };
        value_test(
            cx,
            path,
            s,
            self.quantifier,
            &|v| {
                let n = match &v.val {
                    Val::Number(n) => *n,
                    Val::String(x) => x.parse::<f64>().ok()?,
                    Val::Unknown(_) => return None,
                    _ => return Some((false, describe(v))),
                };
                Some((self.op.holds(n, self.value), describe(v)))
            },
            &format!("{} {}", self.op, self.value),
        )
    }
    fn is_value_condition(&self) -> bool {
        true
    }
    fn rebase(&mut self, route: &[Seg]) {
        self.path.rebase(route);
    }
}
