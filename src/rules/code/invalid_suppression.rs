//! `invalid-suppression`: malformed suppressions, suppressions of unknown or unsuppressible
//! rules, and expired ones.

use std::collections::BTreeSet;

use super::{CodeContext, CodeRule, SuppressionStatus, UNUSED_SUPPRESSION};
use crate::finding::{Finding, Label};
use crate::graph::Format;
use crate::rules::Rule;

/// Its id.
pub const INVALID_SUPPRESSION: &str = "invalid-suppression";

/// The rule.
pub struct InvalidSuppression;

impl CodeRule for InvalidSuppression {
    fn id(&self) -> &'static str {
        INVALID_SUPPRESSION
    }

    /// Suppressions exist in both infrastructure formats.
    fn formats(&self) -> BTreeSet<Format> {
        [Format::Terraform, Format::Cloudformation].into()
    }

    fn run(&self, rule: &Rule, cx: &CodeContext<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for s in cx.suppressions {
            let message = match &s.status {
                SuppressionStatus::Malformed(m) => m.clone(),
                SuppressionStatus::UnknownRule { rule, suggestion } => format!(
                    "the suppression names an unknown rule `{rule}`{}; it suppresses nothing",
                    suggestion
                        .as_ref()
                        .map(|x| format!(" (did you mean `{x}`?)"))
                        .unwrap_or_default()
                ),
                SuppressionStatus::Unsuppressible { rule } => format!(
                    "`{rule}` cannot be suppressed: fix or remove the suppression it reports"
                ),
                SuppressionStatus::Expired { rule, until, today } => format!(
                    "the suppression of `{rule}` expired on {} (today is {today}): fix the \
                     finding, or renew the suppression with a new `until` date; it suppresses \
                     nothing",
                    until.map(|d| d.to_string()).unwrap_or_default(),
                ),
                SuppressionStatus::Unused { .. } | SuppressionStatus::Fine => continue,
            };
            out.push(suppression_finding(rule, s, message));
        }
        out
    }
}

/// A finding pointing at a suppression.
pub(super) fn suppression_finding(
    rule: &Rule,
    s: &super::SuppressionState,
    message: String,
) -> Finding {
    Finding {
        rule_id: rule.spec.id.clone(),
        severity: rule.spec.severity,
        message,
        primary: Label {
            span: s.span,
            message: "this suppression".into(),
        },
        related: Vec::new(),
        resource: s.resource.clone(),
        help: rule.spec.help.trim().to_string(),
        cdk_path: None,
        resource_header: None,
        occurrence: 0,
    }
}

/// Rules about suppressions cannot themselves be suppressed.
pub fn is_unsuppressible(rule: &str) -> bool {
    rule == INVALID_SUPPRESSION || rule == UNUSED_SUPPRESSION
}
