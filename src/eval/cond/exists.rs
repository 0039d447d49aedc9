//! `exists: path`: the path reaches a (non-null) value. Shared with [`super::absent`].

use serde::Deserialize;

use super::{CompileCx, Condition, PathField};
use crate::eval::outcome::{missing_message, unknown_reason};
use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt};
use crate::path::JsonPath;
use crate::value::Seg;

/// `exists`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Exists(pub PathField);

impl Condition for Exists {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        self.0.check("exists")
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        match self.0.get() {
            Some(p) => exists(cx, p, s, true),
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

/// Whether `p` reaches a value (`want`), or reaches nothing (`!want`).
pub(super) fn exists(cx: &Ctx<'_>, p: &JsonPath, s: Subject, want: bool) -> Outcome {
    let root = cx.root(s);
    let matches = p.query(root);
    let flip = |t: Tri| match (t, want) {
        (Tri::Unknown, _) => Tri::Unknown,
        (t, true) => t,
        (Tri::True, false) => Tri::False,
        (_, false) => Tri::True,
    };
    if let Some(m) = matches.iter().find(|m| !m.partial) {
        let w = Witness {
            at: WitnessAt::Route(s, m.route.clone()),
            message: format!("`{}` is set", crate::eval::outcome::last_key(&m.route)),
            value_test: true,
        };
        return Outcome::new(flip(Tri::True), vec![w]);
    }
    if let Some(m) = matches.iter().find(|m| m.partial) {
        return Outcome::unknown_because(unknown_reason(m));
    }
    let route = p.deepest_existing(root);
    let w = Witness {
        message: missing_message(p, &route, ""),
        at: WitnessAt::Route(s, route),
        value_test: true,
    };
    Outcome::new(flip(Tri::False), vec![w])
}
