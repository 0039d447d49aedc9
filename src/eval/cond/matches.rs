//! `matches: {path, regex, quantifier}`: a string at the path matches `regex` (Rust syntax).
//! A matching witness is narrowed to the matched text when it can be found in the source.

use serde::Deserialize;

use super::{CompileCx, Condition, PathField, RegexField};
use crate::eval::outcome::{Quantifier, describe, value_test};
use crate::eval::{Ctx, Outcome, Subject, Tri};
use crate::value::{Seg, Val};

/// `matches`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matches {
    /// JSONPath.
    pub path: PathField,
    /// Regular expression.
    pub regex: RegexField,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

impl Condition for Matches {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        self.path.check("matches.path")?;
        self.regex.check("matches.regex")
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        let (Some(path), RegexField::Ok(regex)) = (self.path.get(), &self.regex) else {
            return Outcome::unknown();
        };
        let mut out = value_test(
            cx,
            path,
            s,
            self.quantifier,
            &|v| match &v.val {
                Val::String(x) => Some((regex.is_match(x), describe(v))),
                Val::Unknown(_) => None,
                _ => Some((false, describe(v))),
            },
            &format!("matching `{}`", regex.as_str()),
        );
        if out.truth == Tri::True {
            for w in &mut out.witnesses {
                cx.narrow_to_match(w, regex);
            }
        }
        out
    }
    fn is_value_condition(&self) -> bool {
        true
    }
    fn rebase(&mut self, route: &[Seg]) {
        self.path.rebase(route);
    }
}
