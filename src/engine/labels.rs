//! Finding labels: choosing the primary label among a check's witnesses (the first under the
//! check's `at` paths, else the first on the subject, else its header), the related labels,
//! and the label on where a policy written elsewhere is attached. (Where a witness points in the
//! source is [`crate::eval`]'s placement.)

use std::collections::HashSet;

use crate::finding::{Finding, Label};
use crate::graph::route_starts_with;
use crate::rules::{Check, Rule};
use crate::source::Span;
use crate::value::Route;

use super::{Engine, Subject, Witness, WitnessAt};
use crate::eval::outcome::Omitted;

impl Engine<'_> {
    /// The finding of a check that fired on `subject`, explained by `witnesses`.
    pub(super) fn finding(
        &self,
        rule: &Rule,
        check: &Check,
        subject: Subject,
        witnesses: Vec<Witness>,
        omitted: Omitted,
    ) -> Finding {
        let root = self.root(subject);
        let at_routes: Vec<Route> = check
            .at
            .iter()
            .flat_map(|p| p.query(root).into_iter().map(|m| m.route))
            .collect();
        let on_subject = |w: &Witness| matches!(&w.at, WitnessAt::Route(s, _) | WitnessAt::Exact(s, _, _) if *s == subject);
        let under_at = |w: &Witness| match &w.at {
            WitnessAt::Route(s, r) | WitnessAt::Exact(s, r, _) => {
                *s == subject && at_routes.iter().any(|a| route_starts_with(r, a))
            }
            WitnessAt::Span(_) => false,
        };
        // The primary label: a witness under `at`, else the `at` location itself, else the first
        // witness on the subject, else the subject's header.
        let primary_idx = witnesses.iter().position(under_at).or_else(|| {
            if at_routes.is_empty() {
                witnesses.iter().position(on_subject)
            } else {
                None
            }
        });
        let first_detail = witnesses
            .first()
            .map(|w| w.message.clone())
            .unwrap_or_default();
        let (primary, detail, primary_message) = match primary_idx {
            Some(i) => {
                let m = witnesses[i].message.clone();
                (self.span_of(&witnesses[i].at), m.clone(), m)
            }
            None => {
                let route = at_routes.first().cloned().unwrap_or_default();
                let span = self.span_of(&WitnessAt::Route(subject, route));
                (span, first_detail, rule.spec.title.clone())
            }
        };
        // Distinct locations, at most `related-labels` of them (a statement with 100k actions is
        // one finding, not 100k labels); the last label says how many were left out.
        let cap = self.limits.related_labels;
        let mut related: Vec<Label> = Vec::new();
        let mut seen: HashSet<Span> = HashSet::from([primary]);
        let mut left_out = 0usize;
        for (i, w) in witnesses.iter().enumerate() {
            if Some(i) == primary_idx || (check.forbid && w.value_test) {
                continue;
            }
            let span = self.span_of(&w.at);
            if !seen.insert(span) {
                continue;
            }
            if related.len() >= cap {
                left_out += 1;
                continue;
            }
            related.push(Label {
                span,
                message: w.message.clone(),
            });
        }
        // The witnesses the conditions only counted (each at a location of its own).
        left_out = left_out.saturating_add(omitted.plain);
        if !check.forbid {
            left_out = left_out.saturating_add(omitted.value_tests);
        }
        if left_out > 0
            && let Some(last) = related.last_mut()
        {
            last.message = format!(
                "{}; and {left_out} more locations, not shown {}",
                last.message,
                crate::limits::hint("related-labels")
            );
        }
        let node = self.owner(subject);
        // A statement written elsewhere (a `data "aws_iam_policy_document"`, a local): also
        // point at where the policy is attached.
        if let Subject::Statement { doc, .. } = subject {
            let route = &self.policies[doc].route;
            // The reference (`data.aws_iam_policy_document.x.json`) written in the resource.
            let attached = self
                .graph
                .references_from(node.id, route)
                .filter_map(|e| e.span)
                .find(|sp| {
                    sp.file == node.span.file
                        && sp.start >= node.span.start
                        && sp.end <= node.span.end
                })
                .unwrap_or_else(|| node.span_at(route));
            let inside = primary.file == node.span.file
                && primary.start >= node.span.start
                && primary.end <= node.span.end;
            if !inside && seen.insert(attached) {
                related.push(Label {
                    span: attached,
                    message: format!("the policy of `{}`", node.address),
                });
            }
        }
        let resource = node.address.clone();
        let message = check
            .message
            .replace("{resource}", &resource)
            .replace("{detail}", &detail);
        let primary_message = if primary_message.is_empty() {
            rule.spec.title.clone()
        } else {
            primary_message
        };
        Finding {
            rule_id: rule.spec.id.clone(),
            severity: rule.spec.severity,
            message,
            primary: Label {
                span: primary,
                message: primary_message,
            },
            related,
            resource,
            help: help_for(rule, node),
            cdk_path: node.meta.cdk_path.clone(),
            resource_header: Some(node.header),
            occurrence: 0,
        }
    }
}

/// The rule's help; for a resource synthesized by the CDK, followed by the fix in CDK terms, since
/// that is the code the user will change.
fn help_for(rule: &Rule, node: &crate::graph::Node) -> String {
    let help = rule.spec.help.trim();
    match (&node.meta.cdk_path, rule.spec.remediation.get("cdk")) {
        (Some(_), Some(cdk)) => format!("{help}\nIn the CDK app:\n{}", cdk.trim_end()),
        _ => help.to_string(),
    }
}
