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

#[cfg(test)]
mod tests {
    use super::super::probe::{cloudformation, shape, terraform};
    use super::is_account_root_text;

    #[test]
    fn account_roots() {
        assert!(is_account_root_text("arn:aws:iam::111122223333:root"));
        assert!(
            shape(&terraform(
                r#""arn:aws:iam::${data.aws_caller_identity.current.account_id}:root""#
            ))
            .is_account_root()
        );
        assert!(is_account_root_text("111122223333"));
        assert!(!is_account_root_text(
            "arn:aws:iam::111122223333:role/admin"
        ));
        assert!(!is_account_root_text("*"));
        let sub = |s: &str| shape(&cloudformation(&format!("!Sub '{s}'"))).clone();
        assert!(sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root").is_account_root());
        assert!(sub("arn:aws:iam::${AWS::AccountId}:root").is_account_root());
        assert!(!sub("arn:aws:iam::${AWS::AccountId}:role/admin").is_account_root());
        assert!(!sub("arn:aws:iam::${AWS::AccountId}").is_account_root());
        assert!(shape(&terraform("aws_iam_role.app.arn")).is_resource_arn());
        assert!(shape(&cloudformation("!GetAtt AppRole.Arn")).is_resource_arn());
        assert!(
            shape(&cloudformation(r#"{ "Fn::GetAtt": [ "AppRole", "Arn" ] }"#)).is_resource_arn()
        );
        assert!(
            !shape(&terraform("data.aws_caller_identity.current.account_id")).is_resource_arn()
        );
        assert!(!shape(&terraform("var.admin_arn")).is_resource_arn());
    }

    #[test]
    fn account_roots_are_known_in_every_form() {
        let join = cloudformation(
            r#"{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}"#,
        );
        assert!(shape(&join).is_account_root());
        let join_role = cloudformation(
            r#"{"Fn::Join": [":", ["arn:aws:iam:", {"Ref": "AWS::AccountId"}, "role/x"]]}"#,
        );
        assert!(!shape(&join_role).is_account_root());
        let heredoc = terraform(
            "<<EOF\n{\"AWS\": \"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\"}\nEOF",
        );
        assert!(shape(heredoc.get("AWS").expect("AWS")).is_account_root());
        // A hole that is only part of the account field says nothing.
        assert!(!shape(&terraform(r#""arn:aws:iam::1${var.x}:root""#)).is_account_root());
        // An ARN attribute of a data source or a module output is not a resource's ARN.
        assert!(!shape(&terraform("data.aws_caller_identity.current.arn")).is_resource_arn());
    }
}
