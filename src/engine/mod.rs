//! Runs a rule pack over the resource graph: evaluates every check of every enabled rule on
//! its subjects with [`crate::eval`], turns the checks that fire into findings (`labels`),
//! applies suppressions (`suppressions`) and then runs the code rules
//! ([`crate::rules::code`]).
//!
//! A `require` check fires only on a definite false, a `forbid` check only on a definite true:
//! what iaclint cannot know never produces a finding.

mod labels;
mod suppressions;

use std::collections::HashSet;

use rayon::prelude::*;

use crate::finding::Finding;
use crate::graph::{Format, ResourceGraph};
use crate::policy::PolicyDocument;
use crate::rules::code::CodeContext;
use crate::rules::{Check, Registry, Rule};
use crate::source::{Sources, Span};
use crate::suppress::Date;

pub use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt, is_type};
pub use suppressions::SuppressionRef;

/// A check that could not be decided because it needs a value iaclint cannot know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undecided {
    /// The rule.
    pub rule_id: String,
    /// The resource it was about.
    pub resource: String,
    /// Where the resource (or statement) is.
    pub span: Span,
    /// What could not be known.
    pub reason: String,
}

/// What evaluating one check on one subject gives.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// The check fired.
    Finding(Box<Finding>),
    /// The check needed a value iaclint cannot know; no finding.
    Undecided(Undecided),
    /// The check fired, but a suppression for the rule covers the finding.
    Suppressed(Box<Suppressed>),
    /// The check passed or did not apply.
    Clean,
}

/// A finding that a suppression silenced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// The suppression that silenced it.
    pub by: SuppressionRef,
    /// The silenced finding's rule.
    pub rule_id: String,
    /// The silenced finding's primary span.
    pub span: Span,
}

/// Evaluation context shared by every check of a run.
pub struct Engine<'a> {
    sources: &'a Sources,
    graph: &'a ResourceGraph,
    policies: &'a [PolicyDocument],
    today: Date,
    /// The run's work bounds (`related-labels`, `reference-depth`).
    limits: crate::limits::Limits,
    line_index: suppressions::LineIndex,
}

impl<'a> Engine<'a> {
    /// A context over the run's sources, its graph and its extracted policy documents; `today`
    /// decides which suppressions expired.
    pub fn new(
        sources: &'a Sources,
        graph: &'a ResourceGraph,
        policies: &'a [PolicyDocument],
        today: Date,
        limits: crate::limits::Limits,
    ) -> Self {
        Engine {
            sources,
            graph,
            policies,
            today,
            limits,
            line_index: suppressions::LineIndex::new(sources, graph),
        }
    }

    /// What conditions are evaluated against.
    pub fn cx(&self) -> Ctx<'a> {
        Ctx {
            sources: self.sources,
            graph: self.graph,
            policies: self.policies,
            max_depth: self.limits.reference_depth,
            keep_witnesses: self.limits.related_labels.saturating_add(2),
        }
    }

    /// Runs `rules`: their findings (deduplicated, unsorted), the checks that could not be
    /// decided, and how many findings suppressions silenced.
    pub fn run(
        &self,
        registry: &Registry,
        enabled: &dyn Fn(&Rule) -> bool,
    ) -> (Vec<Finding>, Vec<Undecided>, usize) {
        let jobs: Vec<(&Rule, &Check, Subject)> = registry
            .rules()
            .iter()
            .filter(|r| enabled(r))
            .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
            .flat_map(|(r, c)| self.subjects(c).into_iter().map(move |s| (r, c, s)))
            .collect();
        let verdicts: Vec<Verdict> = jobs
            .par_iter()
            .map(|(r, c, s)| self.check(r, c, *s))
            .collect();
        let mut findings = Vec::new();
        let mut undecided = Vec::new();
        let mut used = HashSet::new();
        let mut silenced = HashSet::new();
        for v in verdicts {
            match v {
                Verdict::Finding(f) => findings.push(*f),
                Verdict::Undecided(u) => undecided.push(u),
                Verdict::Suppressed(s) => {
                    used.insert(s.by);
                    silenced.insert((s.rule_id, s.span));
                }
                Verdict::Clean => {}
            }
        }
        // One finding per (rule, primary span): a policy document inlined in two places is one problem.
        let mut seen = HashSet::new();
        findings.retain(|f| seen.insert((f.rule_id.clone(), f.primary.span)));
        let suppressed = silenced.len();
        let states = self.suppression_states(registry, enabled, &used);
        let cx = CodeContext {
            sources: self.sources,
            graph: self.graph,
            suppressions: &states,
        };
        for rule in registry.rules().iter().filter(|r| enabled(r)) {
            if let Some(code) = rule.code {
                findings.extend(code.run(rule, &cx));
            }
        }
        let mut seen = HashSet::new();
        undecided.retain(|u| seen.insert((u.rule_id.clone(), u.span, u.reason.clone())));
        (findings, undecided, suppressed)
    }

    fn subjects(&self, c: &Check) -> Vec<Subject> {
        let mut out = Vec::new();
        let typed = c
            .terraform
            .iter()
            .map(|t| (Format::Terraform, t))
            .chain(c.cloudformation.iter().map(|t| (Format::Cloudformation, t)))
            .chain(c.workflow.iter().map(|t| (Format::Workflow, t)));
        for (format, t) in typed {
            let native = t.strip_prefix("data.").unwrap_or(t);
            out.extend(
                self.graph
                    .of_type(format, native)
                    .iter()
                    .map(|id| self.graph.node(*id))
                    // Resources that are not created (a false CloudFormation `Condition`) are
                    // never judged.
                    .filter(|n| is_type(n, t) && n.meta.exists != Some(false))
                    .map(|n| Subject::Node(n.id)),
            );
        }
        if !c.policy_statements.is_empty() {
            for (d, doc) in self.policies.iter().enumerate() {
                if c.policy_statements.contains(&doc.kind)
                    && self.graph.node(doc.owner).meta.exists != Some(false)
                {
                    for s in 0..doc.statements().len() {
                        out.push(Subject::Statement { doc: d, stmt: s });
                    }
                }
            }
        }
        out
    }

    /// Evaluates one check on one subject.
    pub fn check(&self, rule: &Rule, check: &Check, subject: Subject) -> Verdict {
        let cx = self.cx();
        let undecided = |o: Outcome| {
            Verdict::Undecided(Undecided {
                rule_id: rule.spec.id.clone(),
                resource: cx.owner(subject).address.clone(),
                span: cx.span_of(&WitnessAt::Route(subject, Vec::new())),
                reason: o
                    .reason
                    .unwrap_or_else(|| "depends on values iaclint cannot know".into()),
            })
        };
        if let Some(w) = &check.when {
            let o = cx.eval(w, subject, 0);
            match o.truth {
                Tri::True => {}
                Tri::False => return Verdict::Clean,
                Tri::Unknown => return undecided(o),
            }
        }
        let out = cx.eval(&check.cond, subject, 0);
        let fires = match (out.truth, check.forbid) {
            (Tri::Unknown, _) => return undecided(out),
            (t, true) => t == Tri::True,
            (t, false) => t == Tri::False,
        };
        if !fires {
            return Verdict::Clean;
        }
        let finding = self.finding(rule, check, subject, out.witnesses, out.omitted);
        if let Some(by) = self.suppression_for(subject, &finding) {
            return Verdict::Suppressed(Box::new(Suppressed {
                by,
                rule_id: finding.rule_id,
                span: finding.primary.span,
            }));
        }
        if cx.owner(subject).meta.exists.is_none() {
            return undecided(Outcome::unknown_because(
                "the resource's `Condition` cannot be evaluated statically, so it may not be created",
            ));
        }
        Verdict::Finding(Box::new(finding))
    }

    fn owner(&self, subject: Subject) -> &'a crate::graph::Node {
        self.cx().owner(subject)
    }

    fn root(&self, subject: Subject) -> &'a crate::value::Spanned {
        self.cx().root(subject)
    }

    /// The source span a witness stands for (see [`Ctx::span_of`]).
    pub fn span_of(&self, at: &WitnessAt) -> Span {
        self.cx().span_of(at)
    }
}
