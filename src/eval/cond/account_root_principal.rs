//! `account_root_principal: bool` (statements): `Principal` is only AWS account roots
//! (`arn:aws:iam::123456789012:root`), or (with `false`) is not.

use serde::Deserialize;

use super::{CompileCx, Condition};
use crate::eval::{Ctx, Outcome, Subject, Tri};
use crate::value::{Part, Spanned, Val, is_account_root};

/// `account_root_principal`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct AccountRootPrincipal(pub bool);

impl Condition for AccountRootPrincipal {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        Ok(())
    }

    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        let root = cx.root(s);
        let t = match root.get("Principal").map(|p| &p.val) {
            Some(Val::Object(m)) if m.len() == 1 && m.contains_key("AWS") => {
                let items: Vec<&Spanned> = match m.get("AWS").map(|v| &v.val) {
                    Some(Val::Array(a)) => a.iter().collect(),
                    Some(_) => m.get("AWS").into_iter().collect(),
                    None => Vec::new(),
                };
                let mut t = if items.is_empty() {
                    Tri::False
                } else {
                    Tri::True
                };
                for it in items {
                    match &it.val {
                        Val::String(x) if is_account_root_text(x) => {}
                        Val::Unknown(u) if u.shape().is_account_root() => {}
                        // The ARN attribute of a role or user resource is never an account root.
                        Val::Unknown(u) if u.shape().is_resource_arn() => t = Tri::False,
                        Val::Unknown(_) => {
                            if t == Tri::True {
                                t = Tri::Unknown
                            }
                        }
                        _ => t = Tri::False,
                    }
                }
                t
            }
            Some(Val::Unknown(_)) => Tri::Unknown,
            _ => Tri::False,
        };
        let t = match (t, self.0) {
            (Tri::Unknown, _) => Tri::Unknown,
            (t, true) => t,
            (Tri::True, false) => Tri::False,
            (_, false) => Tri::True,
        };
        Outcome::new(t, Vec::new())
    }
}

/// A known principal that is an account root: `arn:aws:iam::123456789012:root`, or a bare
/// 12-digit account id.
fn is_account_root_text(s: &str) -> bool {
    (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
        || is_account_root(&[Part::Lit(s.to_string())])
}
