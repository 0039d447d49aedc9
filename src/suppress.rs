//! Suppressions: one type for every way a user says "not here, and here is why".
//!
//! Today they come from CloudFormation `Metadata` (JSON has no comments; CDK users set it with
//! `node.addMetadata` / `cfnOptions.metadata`):
//!
//! ```json
//! "Metadata": { "iaclint": { "ignore": [ { "rule": "iam-wildcard-resource", "reason": "..." } ] } }
//! ```
//!
//! Inline comments in HCL and YAML will produce the same [`Suppression`]. The engine applies them
//! (rules know nothing of suppressions): a finding whose resource carries a suppression for its
//! rule is not reported, and the run's summary counts it.

use crate::source::Span;
use crate::value::{Spanned, Val};

/// "Do not report `rule` on this resource, because `reason`."
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The rule id it silences.
    pub rule: String,
    /// Why (required).
    pub reason: String,
    /// Where it is written.
    pub span: Option<Span>,
}

/// Reads `Metadata.iaclint` of a CloudFormation resource. Returns the suppressions and, for each
/// malformed entry, a message and the span to point at.
pub fn from_metadata(iaclint: &Spanned) -> (Vec<Suppression>, Vec<(Option<Span>, String)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let Some(obj) = iaclint.as_object() else {
        errors.push((
            iaclint.span,
            "`Metadata.iaclint` must be an object like {\"ignore\": [{\"rule\": \"...\", \"reason\": \"...\"}]}".into(),
        ));
        return (out, errors);
    };
    for (key, value) in obj {
        if key != "ignore" {
            errors.push((
                value.span,
                format!("unknown key `{key}` in `Metadata.iaclint` (expected `ignore`)"),
            ));
            continue;
        }
        let Some(items) = value.as_array() else {
            errors.push((
                value.span,
                "`Metadata.iaclint.ignore` must be a list".into(),
            ));
            continue;
        };
        for item in items {
            let Some(entry) = item.as_object() else {
                errors.push((
                    item.span,
                    "each `ignore` entry must be an object with `rule` and `reason`".into(),
                ));
                continue;
            };
            let rule = entry.get("rule").and_then(Spanned::as_str);
            let reason = entry
                .get("reason")
                .and_then(Spanned::as_str)
                .map(str::trim)
                .filter(|r| !r.is_empty());
            if let Some(k) = entry.keys().find(|k| *k != "rule" && *k != "reason") {
                errors.push((
                    item.span,
                    format!(
                        "unknown key `{k}` in an `ignore` entry (expected `rule` and `reason`)"
                    ),
                ));
                continue;
            }
            match (rule, reason) {
                (Some(rule), Some(reason)) => out.push(Suppression {
                    rule: rule.to_string(),
                    reason: reason.to_string(),
                    span: item.span,
                }),
                (None, _) => errors.push((item.span, "an `ignore` entry needs a `rule` (a rule id)".into())),
                (Some(rule), None) => errors.push((
                    item.span,
                    format!("the suppression of `{rule}` needs a `reason`: say why the finding does not apply"),
                )),
            }
        }
    }
    if matches!(iaclint.val, Val::Object(_)) && out.is_empty() && errors.is_empty() {
        errors.push((
            iaclint.span,
            "`Metadata.iaclint` suppresses nothing (no `ignore` entries)".into(),
        ));
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn metadata_suppressions() {
        let v = Spanned::from_json(
            &json!({"ignore": [{"rule": "iam-wildcard-resource", "reason": "X-Ray only"}]}),
        );
        let (s, e) = from_metadata(&v);
        assert!(e.is_empty());
        assert_eq!(s[0].rule, "iam-wildcard-resource");
        assert_eq!(s[0].reason, "X-Ray only");

        let v = Spanned::from_json(
            &json!({"ignore": [{"rule": "x"}, {"reason": "r"}, {"rule": "y", "reason": " ", "why": 1}], "skip": []}),
        );
        let (s, e) = from_metadata(&v);
        assert!(s.is_empty());
        assert_eq!(e.len(), 4, "{e:?}");
        let (_, e) = from_metadata(&Spanned::from_json(&json!("all")));
        assert_eq!(e.len(), 1);
    }
}
