//! `condition_key: [patterns]` (statements): the statement's `Condition` uses a key matching
//! one of the patterns (`*` wildcards).

use serde::Deserialize;

use super::{CompileCx, Condition, nonempty};
use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt};
use crate::policy;
use crate::value::{Seg, Val};

/// `condition_key`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct ConditionKey(pub Vec<String>);

impl Condition for ConditionKey {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        nonempty(&self.0, "condition_key")
    }

    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        let root = cx.root(s);
        let Some(cond) = root.get("Condition") else {
            return Outcome::new(Tri::False, Vec::new());
        };
        let Val::Object(ops) = &cond.val else {
            return Outcome::unknown();
        };
        for (op, keys) in ops.iter() {
            if let Val::Object(keys) = &keys.val {
                for k in keys.keys() {
                    if self.0.iter().any(|p| policy::action_matches(p, k)) {
                        let route = vec![
                            Seg::Key("Condition".into()),
                            Seg::Key(op.clone()),
                            Seg::Key(k.clone()),
                        ];
                        return Outcome::new(
                            Tri::True,
                            vec![Witness {
                                at: WitnessAt::Route(s, route),
                                message: format!("scoped by condition `{k}`"),
                                value_test: false,
                            }],
                        );
                    }
                }
            } else {
                return Outcome::unknown();
            }
        }
        Outcome::new(Tri::False, Vec::new())
    }
}
