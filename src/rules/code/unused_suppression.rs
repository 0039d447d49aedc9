//! `unused-suppression`: suppressions that silenced nothing although their rule ran.

use std::collections::BTreeSet;

use super::invalid_suppression::suppression_finding;
use super::{CodeContext, CodeRule, SuppressionStatus};
use crate::finding::Finding;
use crate::graph::Format;
use crate::rules::Rule;
use crate::suppress::Placement;

/// Its id.
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

/// The rule.
pub struct UnusedSuppression;

impl CodeRule for UnusedSuppression {
    fn id(&self) -> &'static str {
        UNUSED_SUPPRESSION
    }

    /// Suppressions exist in both infrastructure formats.
    fn formats(&self) -> BTreeSet<Format> {
        [Format::Terraform, Format::Cloudformation].into()
    }

    fn run(&self, rule: &Rule, cx: &CodeContext<'_>) -> Vec<Finding> {
        cx.suppressions
            .iter()
            .filter_map(|s| {
                let SuppressionStatus::Unused {
                    rule: target,
                    placement,
                } = &s.status
                else {
                    return None;
                };
                let message = format!(
                    "the suppression of `{target}` silenced nothing: the rule reports no finding {}; remove it",
                    match placement {
                        Placement::Line => "on this line",
                        Placement::Above | Placement::Metadata => "on this resource",
                    }
                );
                Some(suppression_finding(rule, s, message))
            })
            .collect()
    }
}
