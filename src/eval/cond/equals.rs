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

#[cfg(test)]
mod tests {
    use super::super::probe::{cloudformation, shape, terraform};
    use super::value_eq;
    use crate::value::Spanned;

    /// `Some(false)` when the value is proved not to be `s`, `None` when it may be.
    fn eq(v: &Spanned, s: &str) -> Option<bool> {
        value_eq(v, &serde_json::Value::String(s.into()))
    }

    #[test]
    fn template_shapes_prove_inequality_only_when_sound() {
        let tf = terraform;
        assert_eq!(
            eq(&tf(r#""${aws_s3_bucket.data.arn}/*""#), "*"),
            Some(false)
        );
        assert_eq!(
            eq(&tf(r#""${aws_s3_bucket.data.arn}/*""#), "arn:aws:s3:::b/*"),
            None
        );
        assert_eq!(eq(&tf("aws_ecr_repository.api.arn"), "*"), Some(false));
        // `${aws_dynamodb_table.jobs.arn}` alone in heredoc JSON is the reference itself.
        let heredoc = tf("<<EOF\n{\"R\": \"${aws_dynamodb_table.jobs.arn}\"}\nEOF");
        let r = heredoc.get("R").expect("R");
        assert_eq!(eq(r, "*"), Some(false));
        // An interpolation alone could be anything.
        assert_eq!(eq(&tf(r#""${var.resource}""#), "*"), None);
        assert_eq!(eq(&tf(r#""${var.prefix}*""#), "*"), None);
        // Escaped interpolation is literal text.
        assert_eq!(eq(&tf(r#""$${aws:username}-${var.x}""#), "*"), Some(false));
        // Variables and plain references say nothing.
        for e in ["var.bucket_arn", "aws_s3_bucket.data.bucket", "local.arn"] {
            let v = tf(e);
            assert!(shape(&v).glob().is_none() && !shape(&v).is_arn(), "{e}");
            assert_eq!(eq(&v, "*"), None, "{e}");
        }
        let cfn = cloudformation;
        assert_eq!(eq(&cfn("!GetAtt LogsKey.Arn"), "*"), Some(false));
        assert_eq!(
            eq(&cfn(r#"{ "Fn::GetAtt": [ "JobsTable", "Arn" ] }"#), "*"),
            Some(false)
        );
        assert_eq!(
            eq(&cfn(r#"{ "Fn::GetAtt": [ "Topic", "TopicArn" ] }"#), "*"),
            Some(false)
        );
        assert_eq!(
            eq(&cfn(r#"{ "Fn::GetAtt": [ "Api", "Name" ] }"#), "*"),
            None
        );
    }

    #[test]
    fn a_template_directive_with_an_unknown_condition_may_be_anything() {
        let v = terraform(r#""%{if var.x}*%{endif}${var.resource}""#);
        assert_eq!(eq(&v, "*"), None);
        // Literal text outside the directive still counts.
        let v = terraform(r#""arn:aws:s3:::b/%{if var.x}*%{endif}""#);
        assert_eq!(eq(&v, "*"), Some(false));
        assert_eq!(eq(&v, "arn:aws:s3:::b/*"), None);
        let v = terraform("<<EOT\n%{if var.x}*%{endif}\nEOT");
        assert_eq!(eq(&v, "*\n"), None);
    }
}
