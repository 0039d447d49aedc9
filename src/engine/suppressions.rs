//! Suppression accounting: which suppression silences a finding, and, once every rule ran,
//! what became of each suppression (used, unused, unknown rule, expired, malformed). The
//! `invalid-suppression` and `unused-suppression` code rules report from that account.

use std::collections::{HashMap, HashSet};

use crate::finding::Finding;
use crate::graph::{NodeId, ResourceGraph};
use crate::rules::code::{SuppressionState, SuppressionStatus, is_unsuppressible};
use crate::rules::{Registry, Rule};
use crate::source::{FileId, Sources, Span};
use crate::suppress::Suppression;

use super::Subject;

/// Which suppression of the graph: one of a node's, or one of the line suppressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SuppressionRef {
    /// `graph.node(node).meta.suppressions[index]`.
    Node(NodeId, usize),
    /// `graph.line_suppressions[index]`.
    Line(usize),
}

/// The line suppressions of a run by (file, 1-based line).
pub(super) struct LineIndex(HashMap<(FileId, usize), Vec<usize>>);

impl LineIndex {
    pub(super) fn new(sources: &Sources, graph: &ResourceGraph) -> Self {
        let mut line_index: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
        for (i, s) in graph.line_suppressions.iter().enumerate() {
            if let Some(span) = s.span {
                let line = sources.get(span.file).position(span.start).line;
                line_index.entry((span.file, line)).or_default().push(i);
            }
        }
        LineIndex(line_index)
    }
}

impl super::Engine<'_> {
    /// The first usable suppression covering `finding`: one on the subject's resource (Metadata,
    /// comment above), else a comment at the end of the line its primary label starts on.
    pub(super) fn suppression_for(
        &self,
        subject: Subject,
        finding: &Finding,
    ) -> Option<SuppressionRef> {
        let usable = |s: &Suppression| s.rule == finding.rule_id && !s.expired(self.today);
        let owner = self.cx().owner(subject);
        if let Some(i) = owner.meta.suppressions.iter().position(usable) {
            return Some(SuppressionRef::Node(owner.id, i));
        }
        let at = finding.primary.span;
        let line = self.sources.get(at.file).position(at.start).line;
        self.line_index
            .0
            .get(&(at.file, line))?
            .iter()
            .copied()
            .find(|i| usable(&self.graph.line_suppressions[*i]))
            .map(SuppressionRef::Line)
    }

    /// What became of every suppression, given the ones that silenced a finding (`used`). A
    /// suppression is unused only when the rule it names ran.
    pub(super) fn suppression_states(
        &self,
        registry: &Registry,
        enabled: &dyn Fn(&Rule) -> bool,
        used: &HashSet<SuppressionRef>,
    ) -> Vec<SuppressionState> {
        let mut out: Vec<SuppressionState> = self
            .graph
            .invalid_suppressions
            .iter()
            .map(|inv| SuppressionState {
                span: inv.span,
                resource: inv.resource.clone(),
                status: SuppressionStatus::Malformed(inv.message.clone()),
            })
            .collect();
        // (suppression, where, used, judged, resource). A comment above a `for_each` resource is
        // on every instance: one entry, used when any instance used it.
        let mut all: Vec<(&Suppression, Span, bool, bool, String)> = Vec::new();
        // Index in `all` of each written suppression, by (span, rule): linear in the number of
        // suppressions (tens of thousands of stacked comments must not take quadratic time).
        let mut written: HashMap<(Span, &str), usize> = HashMap::new();
        for n in &self.graph.nodes {
            // A resource that is not (surely) created is never judged: its suppressions cannot be
            // shown unused.
            let judged = n.meta.exists == Some(true);
            for (i, s) in n.meta.suppressions.iter().enumerate() {
                let is_used = used.contains(&SuppressionRef::Node(n.id, i));
                if let Some(at) = s.span {
                    if let Some(&e) = written.get(&(at, s.rule.as_str())) {
                        all[e].2 |= is_used;
                        all[e].3 |= judged;
                        continue;
                    }
                    written.insert((at, s.rule.as_str()), all.len());
                }
                let span = s.span.unwrap_or(n.header);
                all.push((s, span, is_used, judged, n.address.clone()));
            }
        }
        for (i, s) in self.graph.line_suppressions.iter().enumerate() {
            let Some(span) = s.span else { continue };
            let resource =
                crate::suppress::enclosing_resource(self.graph, self.sources.get(span.file), span);
            all.push((
                s,
                span,
                used.contains(&SuppressionRef::Line(i)),
                true,
                resource,
            ));
        }
        // "Did you mean" per unknown rule name, computed once (thousands of comments may name it).
        let mut suggestions: HashMap<&str, Option<String>> = HashMap::new();
        for (s, span, is_used, judged, resource) in all {
            let target = registry.get(&s.rule);
            let status = match target {
                None => SuppressionStatus::UnknownRule {
                    rule: s.rule.clone(),
                    suggestion: suggestions
                        .entry(s.rule.as_str())
                        .or_insert_with(|| registry.suggest(&s.rule).map(str::to_string))
                        .clone(),
                },
                Some(_) if is_unsuppressible(&s.rule) => SuppressionStatus::Unsuppressible {
                    rule: s.rule.clone(),
                },
                Some(_) if s.expired(self.today) => SuppressionStatus::Expired {
                    rule: s.rule.clone(),
                    until: s.until,
                    today: self.today,
                },
                Some(t) if enabled(t) && judged && !is_used => SuppressionStatus::Unused {
                    rule: s.rule.clone(),
                    placement: s.placement,
                },
                Some(_) => SuppressionStatus::Fine,
            };
            out.push(SuppressionState {
                span,
                resource,
                status,
            });
        }
        out
    }
}
