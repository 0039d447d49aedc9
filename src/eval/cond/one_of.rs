//! `one_of: {path, values, quantifier}`: a value at the path is one of `values`.

use serde::Deserialize;

use super::equals::value_eq;
use super::{CompileCx, Condition, PathField};
use crate::eval::outcome::{Quantifier, describe, value_test};
use crate::eval::{Ctx, Outcome, Subject};
use crate::value::Seg;

/// `one_of`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOf {
    /// JSONPath.
    pub path: PathField,
    /// Accepted values.
    pub values: Vec<serde_json::Value>,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

impl Condition for OneOf {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        self.path.check("one_of.path")
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
                let mut any_unknown = false;
                for x in &self.values {
                    match value_eq(v, x) {
                        Some(true) => return Some((true, describe(v))),
                        None => any_unknown = true,
                        Some(false) => {}
                    }
                }
                if any_unknown {
                    None
                } else {
                    Some((false, describe(v)))
                }
            },
            &format!(
                "one of {}",
                self.values
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    }
    fn is_value_condition(&self) -> bool {
        true
    }
    fn rebase(&mut self, route: &[Seg]) {
        self.path.rebase(route);
    }
}
