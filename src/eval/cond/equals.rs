//! `equals: {path, value, quantifier}`: a value at the path equals `value`.

use serde::Deserialize;

use super::{CompileCx, Condition, PathField};
use crate::eval::outcome::{Quantifier, describe, value_test};
use crate::eval::{Ctx, Outcome, Subject};
use crate::value::{Seg, Spanned, Val};

/// `equals`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equals {
    /// JSONPath.
    pub path: PathField,
    /// Expected value.
    pub value: serde_json::Value,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

impl Condition for Equals {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        self.path.check("equals.path")
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
            &|v| value_eq(v, &self.value).map(|ok| (ok, describe(v))),
            &self.value.to_string(),
        )
    }
    fn is_value_condition(&self) -> bool {
        true
    }
    fn rebase(&mut self, route: &[Seg]) {
        self.path.rebase(route);
    }
}

/// Compares a value with an expected JSON value; None when that cannot be known.
pub(super) fn value_eq(v: &Spanned, expected: &serde_json::Value) -> Option<bool> {
    use serde_json::Value as J;
    Some(match (&v.val, expected) {
        // An unknown string can still be proved different: `"${aws_s3_bucket.b.arn}/*"` is never
        // `"*"`, because its literal parts are not in it.
        (Val::Unknown(u), J::String(e)) => {
            if u.shape().may_be(e) {
                return None;
            }
            false
        }
        (Val::Unknown(_), _) => return None,
        (_, J::Bool(b)) => v.as_bool() == Some(*b),
        (Val::String(s), J::String(e)) => s == e,
        (Val::Number(n), J::Number(e)) => e.as_f64() == Some(*n),
        (Val::String(s), J::Number(e)) => s.parse::<f64>().ok() == e.as_f64(),
        (Val::Null, J::Null) => true,
        _ => v.to_json() == *expected,
    })
}
