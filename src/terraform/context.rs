//! What the built-in functions and the policy-document synthesizer need from the evaluator, and
//! the value helpers they share with it: [`eval`](super::eval) implements [`Context`], so
//! [`functions`](super::functions) and [`policy_document`](super::policy_document) depend on this
//! module, not on the evaluator (no import cycle).

use std::ops::Range;

use hcl_edit::expr::Expression;

use crate::source::Span;
use crate::value::{Spanned, Val};

/// The evaluator as a function call or a synthesized document sees it.
pub(super) trait Context {
    /// Evaluates `e` in the current scope.
    fn eval(&mut self, e: &Expression) -> Spanned;
    /// A span in the current file.
    fn span(&self, r: Option<Range<usize>>) -> Option<Span>;
    /// An unknown value for the source range `r`, with its text and span.
    fn unknown_of(&self, r: Option<Range<usize>>) -> Spanned;
    /// Walks `e` without evaluating it, recording the references inside.
    fn record_refs(&mut self, e: &Expression);
    /// Records that the limit `key` was exceeded at `span`.
    fn exceeded(&mut self, key: &'static str, span: Option<Span>);
    /// Evaluation errors so far (`try` and `can` compare and roll back).
    fn errors(&self) -> usize;
    /// Sets the evaluation error count.
    fn set_errors(&mut self, n: usize);
    /// The `string-bytes` limit.
    fn max_string(&self) -> usize;
}

/// True when `v` or anything inside it is unknown.
pub(super) fn contains_unknown(v: &Spanned) -> bool {
    match &v.val {
        Val::Unknown(_) => true,
        Val::Array(a) => a.iter().any(contains_unknown),
        Val::Object(m) => m.values().any(contains_unknown),
        _ => false,
    }
}

/// Formats a number as Terraform does (integers without a fraction).
pub(super) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A known scalar as a string (for templates and keys).
pub(super) fn scalar_string(v: &Spanned) -> Option<String> {
    match &v.val {
        Val::String(s) => Some(s.clone()),
        Val::Number(n) => Some(fmt_num(*n)),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A known number, converting numeric strings as Terraform does.
pub(super) fn as_number(v: &Spanned) -> Option<f64> {
    match &v.val {
        Val::Number(n) => Some(*n),
        Val::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Structural equality ignoring spans (both sides known).
pub(super) fn val_eq(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Number(x), Val::Number(y)) => x == y,
        (Val::String(x), Val::String(y)) => x == y,
        (Val::Array(x), Val::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| val_eq(&p.val, &q.val))
        }
        (Val::Object(x), Val::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| val_eq(&v.val, &w.val)))
        }
        _ => false,
    }
}
