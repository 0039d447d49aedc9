//! Evaluates compiled rules against the resource graph.
//!
//! Every condition answers true, false or *unknown*, together with the locations ("witnesses")
//! that explain the answer. A `require` check fires only on a definite false, a `forbid` check
//! only on a definite true: what iaclint cannot know never produces a finding.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::finding::{Finding, Label};
use crate::graph::{Format, NodeId, NodeKind, ResourceGraph, route_starts_with};
use crate::path::JsonPath;
use crate::policy::{self, Decision, PolicyDocument, PrincipalQuery, Request};
use crate::rules::schema::Quantifier;
use crate::rules::{Builtin, CCond, CDocSource, Check, CmpOp, Registry, Rule};
use crate::source::{FileId, Sources, Span};
use crate::suppress::{Date, Placement, Suppression};
use crate::value::{Route, Seg, Spanned, Val, route_to_string};

/// Three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// Definitely true.
    True,
    /// Definitely false.
    False,
    /// Cannot be known statically.
    Unknown,
}

/// What a check looks at: a graph node or one statement of a policy document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A node.
    Node(NodeId),
    /// Statement `stmt` of policy document `doc` (index into the run's documents).
    Statement {
        /// Document index.
        doc: usize,
        /// Statement index.
        stmt: usize,
    },
}

/// A location that explains an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Witness {
    /// Where.
    pub at: WitnessAt,
    /// What to say there.
    pub message: String,
    /// True for witnesses of plain value tests (`equals`, `exists`, ...). In a `forbid` check
    /// they only choose the primary label: "`Effect` is Allow" as a label is noise.
    pub value_test: bool,
}

/// Where a witness points.
#[derive(Clone, Debug, PartialEq)]
pub enum WitnessAt {
    /// A route in a subject.
    Route(Subject, Route),
    /// A raw span (a policy document inlined from elsewhere); shown as its first line.
    Span(Span),
    /// Exactly these bytes (the part of a string a regex matched) of the value at a route.
    Exact(Subject, Route, Span),
}

/// The result of a condition.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The answer.
    pub truth: Tri,
    /// Why.
    pub witnesses: Vec<Witness>,
    /// For an unknown answer: what could not be known (shown by `--verbose`).
    pub reason: Option<String>,
}

impl Outcome {
    fn new(truth: Tri, witnesses: Vec<Witness>) -> Self {
        Outcome {
            truth,
            witnesses,
            reason: None,
        }
    }
    fn unknown() -> Self {
        Outcome::new(Tri::Unknown, Vec::new())
    }
    fn unknown_because(reason: impl Into<String>) -> Self {
        Outcome {
            truth: Tri::Unknown,
            witnesses: Vec::new(),
            reason: Some(reason.into()),
        }
    }
}

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

/// Which suppression of the graph: one of a node's, or one of the line suppressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SuppressionRef {
    /// `graph.node(node).meta.suppressions[index]`.
    Node(NodeId, usize),
    /// `graph.line_suppressions[index]`.
    Line(usize),
}

/// The rule reporting malformed, unknown-rule and expired suppressions (implemented here).
pub const INVALID_SUPPRESSION: &str = "invalid-suppression";
/// The engine rule comparing a workflow's Lambda build with the function definitions.
pub const LAMBDA_BUILD_RUNTIME: &str = "lambda-build-runtime-mismatch";
/// The rule reporting suppressions that silenced nothing (implemented here).
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

/// Evaluation context shared by every check of a run.
pub struct Engine<'a> {
    sources: &'a Sources,
    graph: &'a ResourceGraph,
    policies: &'a [PolicyDocument],
    today: Date,
    /// The run's work bounds (`related-labels`, `reference-depth`).
    limits: crate::limits::Limits,
    /// Indices into `graph.line_suppressions` by (file, 1-based line).
    line_index: HashMap<(FileId, usize), Vec<usize>>,
}

impl<'a> Engine<'a> {
    /// A context over the run's sources, its graph and its extracted policy documents.
    pub fn new(
        sources: &'a Sources,
        graph: &'a ResourceGraph,
        policies: &'a [PolicyDocument],
    ) -> Self {
        let mut line_index: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
        for (i, s) in graph.line_suppressions.iter().enumerate() {
            if let Some(span) = s.span {
                let line = sources.get(span.file).position(span.start).line;
                line_index.entry((span.file, line)).or_default().push(i);
            }
        }
        Engine {
            sources,
            graph,
            policies,
            today: Date::today(),
            limits: crate::limits::current(),
            line_index,
        }
    }

    /// The same context with another "today" (for `until=` dates).
    pub fn with_today(mut self, today: Date) -> Self {
        self.today = today;
        self
    }

    fn graph_text(&self, file: crate::source::FileId) -> &str {
        &self.sources.get(file).text
    }

    /// Runs `rules`: their findings (deduplicated, unsorted) and the checks that could not be
    /// decided.
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
        findings.extend(self.suppression_findings(registry, enabled, &used));
        if let Some(rule) = registry.get(LAMBDA_BUILD_RUNTIME).filter(|r| enabled(r)) {
            findings.extend(self.lambda_build_findings(rule));
        }
        let mut seen = HashSet::new();
        undecided.retain(|u| seen.insert((u.rule_id.clone(), u.span, u.reason.clone())));
        (findings, undecided, suppressed)
    }

    /// `lambda-build-runtime-mismatch`: a workflow step builds Python dependencies for a version
    /// or CPU architecture that no Python Lambda function of the repository (Terraform or
    /// CloudFormation) runs. Silent when no Python function is defined, or when a function's
    /// runtime is unknown (the build could be for it).
    fn lambda_build_findings(&self, rule: &Rule) -> Vec<Finding> {
        // (runtime version "3.13" or None, architectures, node) of every Python function.
        let mut functions: Vec<(Option<String>, Vec<String>, &crate::graph::Node)> = Vec::new();
        for node in &self.graph.nodes {
            if node.kind != NodeKind::Resource || node.meta.exists == Some(false) {
                continue;
            }
            let (runtime_key, arch_key) = match (node.format, node.type_name.as_str()) {
                (Format::Terraform, "aws_lambda_function") => ("runtime", "architectures"),
                (Format::Cloudformation, "AWS::Lambda::Function") => ("Runtime", "Architectures"),
                _ => continue,
            };
            let runtime = match node.attrs.get(runtime_key) {
                Some(v) => match &v.val {
                    Val::String(r) => match r.strip_prefix("python") {
                        Some(version) => Some(version.to_string()),
                        None => continue, // not Python
                    },
                    _ => None,
                },
                None => continue, // container-image functions have no runtime
            };
            let archs = match node.attrs.get(arch_key).map(|v| &v.val) {
                Some(Val::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                _ => vec!["x86_64".to_string()],
            };
            functions.push((runtime, archs, node));
        }
        if functions.is_empty() || functions.iter().any(|(r, _, _)| r.is_none()) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for step in self.graph.of_type(Format::Workflow, "gha:step") {
            let step = self.graph.node(*step);
            for (what, value) in build_targets(&step.attrs) {
                let Some(span) = value.span else { continue };
                let Some(text) = value.as_str() else { continue };
                let (matches, wanted) = match what {
                    BuildTarget::Version => {
                        let Some(v) = python_version(text) else {
                            continue;
                        };
                        let ok = functions
                            .iter()
                            .any(|(r, _, _)| r.as_deref() == Some(v.as_str()));
                        (ok, format!("Python {v}"))
                    }
                    BuildTarget::Arch => {
                        let Some(a) = cpu_arch(text) else { continue };
                        let ok = functions
                            .iter()
                            .any(|(_, archs, _)| archs.iter().any(|x| x == a));
                        (ok, a.to_string())
                    }
                };
                if matches {
                    continue;
                }
                let (_, _, f) = &functions[0];
                let key = match (f.format, what) {
                    (Format::Terraform, BuildTarget::Version) => "runtime",
                    (Format::Terraform, BuildTarget::Arch) => "architectures",
                    (_, BuildTarget::Version) => "Runtime",
                    (_, BuildTarget::Arch) => "Architectures",
                };
                let target = f.attrs.get(key).and_then(|v| v.span).unwrap_or(f.header);
                out.push(Finding {
                    rule_id: rule.spec.id.clone(),
                    severity: rule.spec.severity,
                    message: format!(
                        "step `{}` builds for {wanted}, which no Python Lambda function of this repository runs",
                        step.address
                    ),
                    primary: Label {
                        span,
                        message: format!("builds for {wanted}"),
                    },
                    related: vec![Label {
                        span: target,
                        message: format!("`{}` is defined here", f.address),
                    }],
                    resource: step.address.clone(),
                    help: rule.spec.help.trim().to_string(),
                    cdk_path: None,
                    resource_header: Some(step.header),
                    occurrence: 0,
                });
            }
        }
        out
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
        let undecided = |o: Outcome| {
            Verdict::Undecided(Undecided {
                rule_id: rule.spec.id.clone(),
                resource: self.owner(subject).address.clone(),
                span: self.span_of(&WitnessAt::Route(subject, Vec::new())),
                reason: o
                    .reason
                    .unwrap_or_else(|| "depends on values iaclint cannot know".into()),
            })
        };
        if let Some(w) = &check.when {
            let o = self.eval(w, subject, 0);
            match o.truth {
                Tri::True => {}
                Tri::False => return Verdict::Clean,
                Tri::Unknown => return undecided(o),
            }
        }
        let out = self.eval(&check.cond, subject, 0);
        let fires = match (out.truth, check.forbid) {
            (Tri::Unknown, _) => return undecided(out),
            (t, true) => t == Tri::True,
            (t, false) => t == Tri::False,
        };
        if !fires {
            return Verdict::Clean;
        }
        let finding = self.finding(rule, check, subject, out.witnesses);
        if let Some(by) = self.suppression_for(subject, &finding) {
            return Verdict::Suppressed(Box::new(Suppressed {
                by,
                rule_id: finding.rule_id,
                span: finding.primary.span,
            }));
        }
        if self.owner(subject).meta.exists.is_none() {
            return undecided(Outcome::unknown_because(
                "the resource's `Condition` cannot be evaluated statically, so it may not be created",
            ));
        }
        Verdict::Finding(Box::new(finding))
    }

    /// The first usable suppression covering `finding`: one on the subject's resource (Metadata,
    /// comment above), else a comment at the end of the line its primary label starts on.
    fn suppression_for(&self, subject: Subject, finding: &Finding) -> Option<SuppressionRef> {
        let usable = |s: &Suppression| s.rule == finding.rule_id && !s.expired(self.today);
        let owner = self.owner(subject);
        if let Some(i) = owner.meta.suppressions.iter().position(usable) {
            return Some(SuppressionRef::Node(owner.id, i));
        }
        let at = finding.primary.span;
        let line = self.sources.get(at.file).position(at.start).line;
        self.line_index
            .get(&(at.file, line))?
            .iter()
            .copied()
            .find(|i| usable(&self.graph.line_suppressions[*i]))
            .map(SuppressionRef::Line)
    }

    /// `invalid-suppression` and `unused-suppression` findings (when those rules are enabled).
    /// A suppression is unused only when the rule it names ran.
    fn suppression_findings(
        &self,
        registry: &Registry,
        enabled: &dyn Fn(&Rule) -> bool,
        used: &HashSet<SuppressionRef>,
    ) -> Vec<Finding> {
        let invalid_rule = registry.get(INVALID_SUPPRESSION).filter(|r| enabled(r));
        let unused_rule = registry.get(UNUSED_SUPPRESSION).filter(|r| enabled(r));
        let mut out = Vec::new();
        let mut report = |rule: Option<&Rule>, span: Span, message: String, resource: String| {
            if let Some(rule) = rule {
                out.push(Finding {
                    rule_id: rule.spec.id.clone(),
                    severity: rule.spec.severity,
                    message,
                    primary: Label {
                        span,
                        message: "this suppression".into(),
                    },
                    related: Vec::new(),
                    resource,
                    help: rule.spec.help.trim().to_string(),
                    cdk_path: None,
                    resource_header: None,
                    occurrence: 0,
                });
            }
        };
        for inv in &self.graph.invalid_suppressions {
            report(
                invalid_rule,
                inv.span,
                inv.message.clone(),
                inv.resource.clone(),
            );
        }
        // (suppression, where, used, judged, resource). A comment above a `for_each` resource is
        // on every instance: one entry, used when any instance used it.
        let mut all: Vec<(&Suppression, Span, bool, bool, String)> = Vec::new();
        // Index in `all` of each written suppression, by (span, rule).
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
        let mut suggestions: HashMap<&str, String> = HashMap::new();
        for (s, span, is_used, judged, resource) in all {
            let target = registry.get(&s.rule);
            let message = match target {
                None => Some(format!(
                    "the suppression names an unknown rule `{}`{}; it suppresses nothing",
                    s.rule,
                    suggestions.entry(s.rule.as_str()).or_insert_with(|| {
                        registry
                            .suggest(&s.rule)
                            .map(|x| format!(" (did you mean `{x}`?)"))
                            .unwrap_or_default()
                    })
                )),
                Some(_) if s.rule == INVALID_SUPPRESSION || s.rule == UNUSED_SUPPRESSION => {
                    Some(format!(
                        "`{}` cannot be suppressed: fix or remove the suppression it reports",
                        s.rule
                    ))
                }
                Some(_) if s.expired(self.today) => Some(format!(
                    "the suppression of `{}` expired on {} (today is {}): fix the finding, or \
                     renew the suppression with a new `until` date; it suppresses nothing",
                    s.rule,
                    s.until.map(|d| d.to_string()).unwrap_or_default(),
                    self.today
                )),
                Some(_) => None,
            };
            if let Some(message) = message {
                report(invalid_rule, span, message, resource);
                continue;
            }
            let ran = target.is_some_and(enabled);
            if ran && judged && !is_used {
                report(
                    unused_rule,
                    span,
                    format!(
                        "the suppression of `{}` silenced nothing: the rule reports no finding {}; remove it",
                        s.rule,
                        match s.placement {
                            Placement::Line => "on this line",
                            Placement::Above | Placement::Metadata => "on this resource",
                        }
                    ),
                    resource,
                );
            }
        }
        out
    }

    fn finding(
        &self,
        rule: &Rule,
        check: &Check,
        subject: Subject,
        witnesses: Vec<Witness>,
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
            if !inside && !related.iter().any(|l| l.span == attached) {
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

    fn owner(&self, subject: Subject) -> &'a crate::graph::Node {
        match subject {
            Subject::Node(id) => self.graph.node(id),
            Subject::Statement { doc, .. } => self.graph.node(self.policies[doc].owner),
        }
    }

    fn root(&self, subject: Subject) -> &'a Spanned {
        match subject {
            Subject::Node(id) => &self.graph.node(id).attrs,
            Subject::Statement { doc, stmt } => &self.policies[doc].statements()[stmt],
        }
    }

    /// Points a witness of a regex test at the matched text when the string is written as is in
    /// the source (`${{ github.event.pull_request.title }}` inside a long `run:`), so the label
    /// names the culprit rather than the whole value.
    fn narrow_to_match(&self, w: &mut Witness, regex: &regex::Regex) {
        let WitnessAt::Route(subject, route) = &w.at else {
            return;
        };
        let Some(value) = self.root(*subject).at(route) else {
            return;
        };
        let (Some(text), Some(span)) = (value.as_str(), value.span) else {
            return;
        };
        let Some(m) = regex.find(text) else {
            return;
        };
        // A match from the start describes the whole value (`^owner/repo@`); only a match
        // inside the string names a culprit worth pointing at.
        if m.start() == 0 {
            return;
        }
        let source = self.sources.get(span.file).slice(span);
        let found: Vec<usize> = source.match_indices(m.as_str()).map(|(i, _)| i).collect();
        if let [at] = found.as_slice() {
            let start = span.start + at;
            w.at = WitnessAt::Exact(
                *subject,
                route.clone(),
                Span {
                    file: span.file,
                    start,
                    end: start + m.len(),
                },
            );
            w.message = format!("`{}`", m.as_str());
        }
    }

    /// The source span a witness stands for. Raw spans (whole policy documents) are cut to their
    /// first line: the label says which document, the snippet stays short.
    pub fn span_of(&self, at: &WitnessAt) -> Span {
        match at {
            WitnessAt::Span(s) => {
                // The whole line the document starts on, from its first non-blank character:
                // `policy = jsonencode({` or `data "aws_iam_policy_document" "x" {`.
                let text = self.graph_text(s.file);
                let Some(before) = text.get(..s.start) else {
                    return *s;
                };
                let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
                let start = line_start
                    + (before.len() - line_start - before[line_start..].trim_start().len());
                let end = text[s.start..]
                    .find('\n')
                    .map(|i| s.start + i)
                    .unwrap_or(text.len());
                let end = start + text[start..end].trim_end().len();
                Span {
                    file: s.file,
                    start,
                    end: end.max(start),
                }
            }
            WitnessAt::Exact(_, _, s) => *s,
            WitnessAt::Route(Subject::Node(id), route) => self.graph.node(*id).span_at(route),
            WitnessAt::Route(Subject::Statement { doc, stmt }, route) => {
                let d = &self.policies[*doc];
                let st = &d.statements()[*stmt];
                st.span_at(route)
                    .unwrap_or_else(|| self.graph.node(d.owner).span_at(&d.route))
            }
        }
    }

    fn eval(&self, c: &CCond, s: Subject, depth: usize) -> Outcome {
        match c {
            CCond::All(v) => {
                let outs: Vec<Outcome> = v.iter().map(|x| self.eval(x, s, depth)).collect();
                combine_all(outs)
            }
            CCond::Any(v) => {
                let outs: Vec<Outcome> = v.iter().map(|x| self.eval(x, s, depth)).collect();
                combine_any(outs)
            }
            CCond::Not(x) => {
                let o = self.eval(x, s, depth);
                let t = match o.truth {
                    Tri::True => Tri::False,
                    Tri::False => Tri::True,
                    Tri::Unknown => Tri::Unknown,
                };
                Outcome {
                    truth: t,
                    witnesses: o.witnesses,
                    reason: o.reason,
                }
            }
            CCond::Exists(p) => self.exists(p, s, true),
            CCond::Absent(p) => self.exists(p, s, false),
            CCond::Equals { path, value, q } => self.test(
                path,
                s,
                *q,
                &|v| value_eq(v, value).map(|ok| (ok, describe(v))),
                &json_short(value),
            ),
            CCond::OneOf { path, values, q } => self.test(
                path,
                s,
                *q,
                &|v| {
                    let mut any_unknown = false;
                    for x in values {
                        match value_eq(v, x) {
                            Some(true) => return Some((true, describe(v))),
                            None => any_unknown = true,
                            Some(false) => {}
                        }
                    }
                    if any_unknown {
                        None
                    } else {
                        Some((false, describe(v)))
                    }
                },
                &format!(
                    "one of {}",
                    values.iter().map(json_short).collect::<Vec<_>>().join(", ")
                ),
            ),
            CCond::Matches { path, regex, q } => {
                let mut out = self.test(
                    path,
                    s,
                    *q,
                    &|v| match &v.val {
                        Val::String(x) => Some((regex.is_match(x), describe(v))),
                        Val::Unknown(_) => None,
                        _ => Some((false, describe(v))),
                    },
                    &format!("matching `{}`", regex.as_str()),
                );
                if out.truth == Tri::True {
                    for w in &mut out.witnesses {
                        self.narrow_to_match(w, regex);
                    }
                }
                out
            }
            CCond::Compare { path, op, value, q } => self.test(
                path,
                s,
                *q,
                &|v| {
                    let n = match &v.val {
                        Val::Number(n) => *n,
                        Val::String(x) => x.parse::<f64>().ok()?,
                        Val::Unknown(_) => return None,
                        _ => return Some((false, describe(v))),
                    };
                    let ok = match op {
                        CmpOp::Lt => n < *value,
                        CmpOp::Le => n <= *value,
                        CmpOp::Gt => n > *value,
                        CmpOp::Ge => n >= *value,
                        CmpOp::Eq => n == *value,
                        CmpOp::Ne => n != *value,
                    };
                    Some((ok, describe(v)))
                },
                &format!("{op:?} {value}"),
            ),
            CCond::Follow {
                path,
                to,
                through,
                when,
                require,
                label,
            } => self.follow(
                s,
                path,
                to,
                through,
                when.as_deref(),
                require,
                label.as_deref(),
                depth,
            ),
            CCond::Referrers {
                types,
                via,
                where_,
                min,
            } => self.referrers(s, types, via, where_.as_deref(), *min, depth),
            CCond::Some { path, where_ } => self.some(s, path, where_, depth),
            CCond::PolicyAllows {
                document,
                service,
                actions,
                resource,
                name,
            } => self.policy_allows(s, document, service.as_deref(), actions, resource, name),
            CCond::ActionsOutside { path, list } => self.actions_outside(s, path, list),
            CCond::AccountRootPrincipal(expected) => self.account_root(s, *expected),
            CCond::ConditionKey(patterns) => self.condition_key(s, patterns),
        }
    }

    fn exists(&self, p: &JsonPath, s: Subject, want: bool) -> Outcome {
        let root = self.root(s);
        let matches = p.query(root);
        let flip = |t: Tri| match (t, want) {
            (Tri::Unknown, _) => Tri::Unknown,
            (t, true) => t,
            (Tri::True, false) => Tri::False,
            (_, false) => Tri::True,
        };
        if let Some(m) = matches.iter().find(|m| !m.partial) {
            let w = Witness {
                at: WitnessAt::Route(s, m.route.clone()),
                message: format!("`{}` is set", last_key(&m.route)),
                value_test: true,
            };
            return Outcome::new(flip(Tri::True), vec![w]);
        }
        if let Some(m) = matches.iter().find(|m| m.partial) {
            return Outcome::unknown_because(unknown_reason(m));
        }
        let route = p.deepest_existing(root);
        let w = Witness {
            message: missing_message(p, &route, ""),
            at: WitnessAt::Route(s, route),
            value_test: true,
        };
        Outcome::new(flip(Tri::False), vec![w])
    }

    /// Applies a value test to every match of `p`; `f` returns None for "cannot tell".
    fn test(
        &self,
        p: &JsonPath,
        s: Subject,
        q: Quantifier,
        f: &dyn Fn(&Spanned) -> Option<(bool, String)>,
        expected: &str,
    ) -> Outcome {
        let root = self.root(s);
        let matches = p.query(root);
        if matches.is_empty() {
            let route = p.deepest_existing(root);
            return Outcome::new(
                Tri::False,
                vec![Witness {
                    message: missing_message(p, &route, expected),
                    at: WitnessAt::Route(s, route),
                    value_test: true,
                }],
            );
        }
        let mut trues = Vec::new();
        let mut falses = Vec::new();
        let mut unknown: Option<String> = None;
        for m in &matches {
            if m.partial {
                unknown.get_or_insert_with(|| unknown_reason(m));
                continue;
            }
            match f(m.value) {
                None => {
                    unknown.get_or_insert_with(|| unknown_reason(m));
                }
                Some((ok, shown)) => {
                    let key = last_key(&m.route);
                    let w = Witness {
                        at: WitnessAt::Route(s, m.route.clone()),
                        message: if ok {
                            format!("`{key}` is {shown}")
                        } else {
                            format!("`{key}` is {shown}, expected {expected}")
                        },
                        value_test: true,
                    };
                    if ok { trues.push(w) } else { falses.push(w) }
                }
            }
        }
        match q {
            Quantifier::Any => {
                if !trues.is_empty() {
                    Outcome::new(Tri::True, trues)
                } else if let Some(r) = unknown {
                    Outcome::unknown_because(r)
                } else {
                    Outcome::new(Tri::False, falses)
                }
            }
            Quantifier::All => {
                if !falses.is_empty() {
                    Outcome::new(Tri::False, falses)
                } else if let Some(r) = unknown {
                    Outcome::unknown_because(r)
                } else {
                    Outcome::new(Tri::True, trues)
                }
            }
        }
    }

    /// Targets of references written under `p` in node `id`, with the route of the reference.
    fn targets(&self, id: NodeId, p: &JsonPath) -> (Vec<(NodeId, Route)>, bool) {
        let node = self.graph.node(id);
        let matches = p.query(&node.attrs);
        let mut out = Vec::new();
        for m in &matches {
            for e in self.graph.references_from(id, &m.route) {
                if !out.iter().any(|(t, _)| *t == e.to) {
                    out.push((e.to, m.route.clone()));
                }
            }
        }
        (out, !matches.is_empty())
    }

    #[allow(clippy::too_many_arguments)]
    fn follow(
        &self,
        s: Subject,
        p: &JsonPath,
        to: &[String],
        through: &[(String, JsonPath)],
        when: Option<&CCond>,
        require: &CCond,
        label: Option<&str>,
        depth: usize,
    ) -> Outcome {
        let Subject::Node(start) = s else {
            return Outcome::unknown();
        };
        if depth >= self.limits.reference_depth {
            return Outcome::unknown();
        }
        // Breadth-first over hops, remembering the first reference route on the subject.
        let (first, _) = self.targets(start, p);
        let mut frontier: Vec<(NodeId, Route)> = first;
        let mut finals: Vec<(NodeId, Route)> = Vec::new();
        let mut seen: HashSet<NodeId> = HashSet::new();
        let mut hops = 0;
        while let Some((n, route)) = frontier.pop() {
            if !seen.insert(n) {
                continue;
            }
            let node = self.graph.node(n);
            if node.meta.exists == Some(false) {
                continue;
            }
            if to.iter().any(|t| is_type(node, t)) {
                finals.push((n, route));
            } else if let Some((_, hp)) = through.iter().find(|(t, _)| is_type(node, t)) {
                hops += 1;
                if hops > self.limits.reference_depth {
                    return Outcome::unknown();
                }
                let (next, _) = self.targets(n, hp);
                frontier.extend(next.into_iter().map(|(t, _)| (t, route.clone())));
            }
        }
        if finals.is_empty() {
            return Outcome::unknown_because(format!(
                "`{}` does not reference any {} in this configuration",
                display_path(p),
                to.join(" or ")
            ));
        }
        finals.sort();
        let mut outs = Vec::new();
        for (target, route) in finals {
            let ts = Subject::Node(target);
            if let Some(w) = when {
                match self.eval(w, ts, depth + 1).truth {
                    Tri::False => {
                        outs.push(Outcome::new(Tri::True, Vec::new()));
                        continue;
                    }
                    Tri::Unknown => {
                        outs.push(self.eval(w, ts, depth + 1));
                        continue;
                    }
                    Tri::True => {}
                }
            }
            let mut o = self.eval(require, ts, depth + 1);
            let tnode = self.graph.node(target);
            let msg = label
                .map(|l| l.replace("{target}", &tnode.address))
                .unwrap_or_else(|| format!("references `{}`", tnode.address));
            o.witnesses.insert(
                0,
                Witness {
                    at: WitnessAt::Route(s, route),
                    message: msg,
                    value_test: false,
                },
            );
            outs.push(o);
        }
        combine_all(outs)
    }

    fn referrers(
        &self,
        s: Subject,
        types: &[String],
        via: &JsonPath,
        where_: Option<&CCond>,
        min: usize,
        depth: usize,
    ) -> Outcome {
        let Subject::Node(id) = s else {
            return Outcome::unknown();
        };
        if depth >= self.limits.reference_depth {
            return Outcome::unknown();
        }
        let mut counted = Vec::new();
        let mut unknown = false;
        let mut unknown_ref: Option<String> = None;
        let mut seen = HashSet::new();
        for e in self.graph.incoming(id) {
            let from = self.graph.node(e.from);
            if !types.iter().any(|t| is_type(from, t))
                || from.meta.exists == Some(false)
                || !seen.insert(e.from)
            {
                continue;
            }
            let via_routes: Vec<Route> = via
                .query(&from.attrs)
                .into_iter()
                .map(|m| m.route)
                .collect();
            if !via_routes.iter().any(|r| route_starts_with(&e.route, r)) {
                seen.remove(&e.from);
                continue;
            }
            let rs = Subject::Node(e.from);
            let t = match where_ {
                Some(w) => self.eval(w, rs, depth + 1).truth,
                None => Tri::True,
            };
            if t == Tri::Unknown && unknown_ref.is_none() {
                unknown_ref = Some(from.address.clone());
            }
            match t {
                Tri::True => counted.push(Witness {
                    at: WitnessAt::Route(rs, e.route.clone()),
                    message: format!("`{}` refers to it", from.address),
                    value_test: false,
                }),
                Tri::Unknown => unknown = true,
                Tri::False => {}
            }
        }
        if counted.len() >= min {
            return Outcome::new(Tri::True, counted);
        }
        if unknown {
            return Outcome::unknown_because(format!(
                "whether `{}` counts depends on values iaclint cannot know",
                unknown_ref.unwrap_or_default()
            ));
        }
        // A candidate in the same module whose `via` value is unknown and names nothing might
        // still point here: we cannot say "no".
        let node = self.graph.node(id);
        for t in types {
            for cand in self
                .graph
                .of_type(node.format, t.strip_prefix("data.").unwrap_or(t))
            {
                let c = self.graph.node(*cand);
                if c.module != node.module || !is_type(c, t) {
                    continue;
                }
                for m in via.query(&c.attrs) {
                    // Resolved only when it names a resource; a variable or module output
                    // could hold any id.
                    let unresolved = (m.partial || m.value.is_unknown())
                        && !self.graph.references_from(*cand, &m.route).any(|e| {
                            matches!(
                                self.graph.node(e.to).kind,
                                NodeKind::Resource | NodeKind::Data
                            )
                        });
                    if unresolved {
                        return Outcome::unknown_because(format!(
                            "`{}` might refer to it: its `{}` cannot be resolved",
                            c.address,
                            display_path(via)
                        ));
                    }
                }
            }
        }
        Outcome::new(
            Tri::False,
            vec![Witness {
                at: WitnessAt::Route(s, Vec::new()),
                message: format!("no {} refers to `{}`", types.join(" or "), node.address),
                value_test: false,
            }],
        )
    }

    /// `some`: true when one value reached by `p` satisfies `where_` with that value as the
    /// root; unknown when none does but one (or a partial match) is unknown; false otherwise.
    fn some(&self, s: Subject, p: &JsonPath, where_: &CCond, depth: usize) -> Outcome {
        if depth >= self.limits.reference_depth {
            return Outcome::unknown();
        }
        let root = self.root(s);
        let matches = p.query(root);
        let mut unknown: Option<Option<String>> = None;
        let mut falses = Vec::new();
        for m in &matches {
            if m.partial {
                unknown.get_or_insert_with(|| Some(unknown_reason(m)));
                continue;
            }
            let o = self.eval(&where_.under(&m.route), s, depth + 1);
            match o.truth {
                Tri::True => return o,
                Tri::Unknown => {
                    unknown.get_or_insert(o.reason);
                }
                Tri::False => falses.extend(o.witnesses),
            }
        }
        if let Some(reason) = unknown {
            return Outcome {
                truth: Tri::Unknown,
                witnesses: Vec::new(),
                reason,
            };
        }
        if matches.is_empty() {
            let route = p.deepest_existing(root);
            falses.push(Witness {
                message: missing_message(p, &route, ""),
                at: WitnessAt::Route(s, route),
                value_test: true,
            });
        }
        Outcome::new(Tri::False, falses)
    }

    fn region_of(&self, id: NodeId) -> Option<String> {
        let node = self.graph.node(id);
        self.graph
            .of_type(node.format, "aws")
            .iter()
            .map(|p| self.graph.node(*p))
            .filter(|p| {
                p.kind == NodeKind::Provider
                    && p.module == node.module
                    && p.attrs.get("alias").is_none()
            })
            .find_map(|p| {
                p.attrs
                    .get("region")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            })
    }

    fn policy_allows(
        &self,
        s: Subject,
        sources: &[CDocSource],
        service: Option<&str>,
        actions: &[String],
        resource: &str,
        name: &str,
    ) -> Outcome {
        let Subject::Node(id) = s else {
            return Outcome::unknown();
        };
        let node = self.graph.node(id);
        // Find the document: (value, where to point, description).
        let mut found: Option<(Spanned, WitnessAt, String)> = None;
        'sources: for src in sources {
            match src {
                CDocSource::Referrer {
                    type_name,
                    via,
                    path,
                } => {
                    for e in self.graph.incoming(id) {
                        let from = self.graph.node(e.from);
                        if !is_type(from, type_name) {
                            continue;
                        }
                        let via_ok = via
                            .query(&from.attrs)
                            .iter()
                            .any(|m| route_starts_with(&e.route, &m.route));
                        if !via_ok {
                            continue;
                        }
                        if let Some(m) = path.query(&from.attrs).into_iter().next() {
                            let at = m
                                .value
                                .span
                                .map(WitnessAt::Span)
                                .unwrap_or(WitnessAt::Route(
                                    Subject::Node(e.from),
                                    m.route.clone(),
                                ));
                            found = Some((m.value.clone(), at, name.to_string()));
                            break 'sources;
                        }
                    }
                }
                CDocSource::Path(p) => {
                    if let Some(m) = p.query(&node.attrs).into_iter().next() {
                        if m.partial {
                            return Outcome::unknown_because(unknown_reason(&m));
                        }
                        let at = m
                            .value
                            .span
                            .map(WitnessAt::Span)
                            .unwrap_or(WitnessAt::Route(s, m.route.clone()));
                        found = Some((m.value.clone(), at, name.to_string()));
                        break 'sources;
                    }
                }
                CDocSource::Builtin(Builtin::KmsDefaultKeyPolicy) => {
                    found = Some((
                        policy::default_key_policy(),
                        WitnessAt::Route(s, Vec::new()),
                        format!(
                            "the default {name} (none is set; it lets only the account root use the key)"
                        ),
                    ));
                    break 'sources;
                }
            }
        }
        let Some((value, at, what)) = found else {
            return Outcome::unknown_because(format!("no {name} found"));
        };
        let Some(doc) = policy::normalize(&value) else {
            return Outcome::unknown_because(format!(
                "the {name} is not known statically{}",
                match &value.val {
                    Val::Unknown(u) => format!(" (`{}`)", short(&u.expr)),
                    _ => String::new(),
                }
            ));
        };
        let statements = doc
            .get("Statement")
            .and_then(|s| s.as_array())
            .unwrap_or(&[]);
        let principal = service.map(|svc| {
            let mut pats = vec![format!("{svc}.amazonaws.com")];
            match self.region_of(id) {
                Some(r) => pats.push(format!("{svc}.{r}.amazonaws.com")),
                None => pats.push(format!("{svc}.*.amazonaws.com")),
            }
            PrincipalQuery::Service(pats)
        });
        let mut missing = Vec::new();
        let mut unknown = false;
        let mut allowing = Vec::new();
        for a in actions {
            let req = Request {
                action: a,
                resource,
                principal: principal.as_ref(),
            };
            let ev = policy::evaluate(statements, &req);
            match ev.decision {
                Decision::Allow => allowing.extend(ev.statements),
                Decision::Unknown => unknown = true,
                Decision::ImplicitDeny | Decision::ExplicitDeny => missing.push(a.as_str()),
            }
        }
        let who = match &principal {
            Some(PrincipalQuery::Service(p)) => {
                format!("`{}`", p.last().cloned().unwrap_or_default())
            }
            _ => String::new(),
        };
        let who = if who.is_empty() {
            who
        } else {
            format!("{who} ")
        };
        if !missing.is_empty() {
            return Outcome::new(
                Tri::False,
                vec![Witness {
                    at,
                    message: format!("{what} does not allow {who}{}", missing.join(", ")),
                    value_test: false,
                }],
            );
        }
        if unknown {
            return Outcome::unknown_because(format!(
                "whether the {name} allows {} depends on values iaclint cannot know",
                actions.join(", ")
            ));
        }
        allowing.sort();
        allowing.dedup();
        Outcome::new(
            Tri::True,
            vec![Witness {
                at,
                message: format!("{what} allows {who}{}", actions.join(", ")),
                value_test: false,
            }],
        )
    }

    fn actions_outside(&self, s: Subject, p: &JsonPath, list: &[String]) -> Outcome {
        let root = self.root(s);
        let mut outside = Vec::new();
        let mut unknown = false;
        for m in p.query(root) {
            match &m.value.val {
                Val::String(a) => {
                    if !list.iter().any(|l| policy::pattern_covered_by(a, l)) {
                        outside.push(Witness {
                            at: WitnessAt::Route(s, m.route.clone()),
                            message: format!("`{a}` supports resource-level permissions"),
                            value_test: false,
                        });
                    }
                }
                _ => unknown = true,
            }
        }
        if !outside.is_empty() {
            Outcome::new(Tri::True, outside)
        } else if unknown {
            Outcome::unknown()
        } else {
            Outcome::new(Tri::False, Vec::new())
        }
    }

    fn account_root(&self, s: Subject, expected: bool) -> Outcome {
        let root = self.root(s);
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
                        Val::String(x) if is_account_root(x) => {}
                        Val::Unknown(u) if is_account_root(&u.expr) => {}
                        // The ARN attribute of a role or user resource is never an account root.
                        Val::Unknown(u) if is_principal_resource_arn(&u.expr) => t = Tri::False,
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
        let t = match (t, expected) {
            (Tri::Unknown, _) => Tri::Unknown,
            (t, true) => t,
            (Tri::True, false) => Tri::False,
            (_, false) => Tri::True,
        };
        Outcome::new(t, Vec::new())
    }

    fn condition_key(&self, s: Subject, patterns: &[String]) -> Outcome {
        let root = self.root(s);
        let Some(cond) = root.get("Condition") else {
            return Outcome::new(Tri::False, Vec::new());
        };
        let Val::Object(ops) = &cond.val else {
            return Outcome::unknown();
        };
        for (op, keys) in ops.iter() {
            if let Val::Object(keys) = &keys.val {
                for k in keys.keys() {
                    if patterns.iter().any(|p| policy::action_matches(p, k)) {
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

/// What a build step targets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BuildTarget {
    /// A Python version.
    Version,
    /// A CPU architecture.
    Arch,
}

/// The build targets a workflow step names: pip's `--python-version` and `--platform`, the
/// `python-version` of `actions/setup-python`, and the tag of a Lambda Python build image.
fn build_targets(step: &Spanned) -> Vec<(BuildTarget, &Spanned)> {
    let mut out = Vec::new();
    if let Some(commands) = step.get("commands").and_then(Spanned::as_array) {
        for c in commands {
            if let Some(options) = c.get("pip").and_then(|p| p.get("options")) {
                for (key, what) in [
                    ("--python-version", BuildTarget::Version),
                    ("--platform", BuildTarget::Arch),
                ] {
                    if let Some(values) = options.get(key).and_then(Spanned::as_array) {
                        out.extend(values.iter().map(|v| (what, v)));
                    }
                }
            }
            if let Some(image) = c.get("docker").and_then(|d| d.get("image"))
                && image.as_str().is_some_and(is_lambda_python_image)
            {
                out.push((BuildTarget::Version, image));
            }
        }
    }
    if step
        .get("uses")
        .and_then(Spanned::as_str)
        .is_some_and(|u| u.starts_with("actions/setup-python@"))
        && let Some(v) = step.get("with").and_then(|w| w.get("python-version"))
    {
        out.push((BuildTarget::Version, v));
    }
    out
}

/// `public.ecr.aws/lambda/python:3.13…`, `amazon/aws-lambda-python:3.12…`.
fn is_lambda_python_image(image: &str) -> bool {
    image.contains("lambda/python:") || image.contains("aws-lambda-python:")
}

/// "3.13" from "3.13", "3.13.1", "313", "python3.13" or an image tag `…python:3.13@sha256:…`.
fn python_version(text: &str) -> Option<String> {
    let t = text
        .rsplit(':')
        .find(|p| p.starts_with('3'))
        .unwrap_or(text);
    let t = t.trim_start_matches("python").split(['@', '-']).next()?;
    let mut parts = t.split('.');
    let major = parts.next()?;
    if let Some(minor) = parts.next() {
        let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
        return (major == "3" && !minor.is_empty()).then(|| format!("3.{minor}"));
    }
    // pip's compact form: "313" → 3.13
    (major.len() >= 2 && major.starts_with('3') && major.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("3.{}", &major[1..]))
}

/// "x86_64" or "arm64" from a pip platform tag (`manylinux2014_x86_64`, `manylinux_2_17_aarch64`).
fn cpu_arch(platform: &str) -> Option<&'static str> {
    if platform.ends_with("x86_64") {
        Some("x86_64")
    } else if platform.ends_with("aarch64") || platform.ends_with("arm64") {
        Some("arm64")
    } else {
        None
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

/// Whether `node` is of the rule type `t`: `aws_kms_key` names a managed resource, and
/// `data.aws_kms_key` a data source. A data source stands for something that exists outside the
/// configuration, so a rule about `aws_kms_key` must not judge it by attributes it cannot see.
fn is_type(node: &crate::graph::Node, t: &str) -> bool {
    match t.strip_prefix("data.") {
        Some(native) => node.kind == NodeKind::Data && node.type_name == native,
        None => node.kind == NodeKind::Resource && node.type_name == t,
    }
}

/// A regex every value of the unknown expression `expr` matches, when its shape says something:
/// a quoted template (`"${x}/reports/*"` → `^.*/reports/\*$`), or a reference to an ARN
/// attribute (`aws_s3_bucket.data.arn` → `^arn:`). `None` when nothing is known.
fn template_shape(expr: &str) -> Option<regex::Regex> {
    let expr = expr.trim();
    // `${aws_x.y.arn}` alone (heredoc JSON) is the reference itself.
    if let Some(inner) = expr.strip_prefix("${").and_then(|e| e.strip_suffix('}'))
        && !inner.contains('{')
    {
        return template_shape(inner);
    }
    if let Some(inner) = expr
        .strip_prefix('"')
        .and_then(|e| e.strip_suffix('"'))
        .or_else(|| (!expr.starts_with('"') && expr.contains("${")).then_some(expr))
    {
        let mut pattern = String::from("^");
        let mut literal = String::new();
        let mut rest = inner;
        while let Some(i) = rest.find("${").or_else(|| rest.find("%{")) {
            if rest[..i].ends_with('$') || rest[..i].ends_with('%') {
                // `$${` / `%%{` are escapes for a literal `${` / `%{`.
                literal.push_str(&rest[..i - 1]);
                literal.push_str(&rest[i..i + 2]);
                rest = &rest[i + 2..];
                continue;
            }
            literal.push_str(&rest[..i]);
            pattern.push_str(&regex::escape(&unescape(&literal)));
            literal.clear();
            pattern.push_str(".*");
            // Skip to the matching `}`.
            let mut depth = 0usize;
            let mut end = None;
            for (j, c) in rest[i + 1..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1 + j + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &rest[end?..];
        }
        literal.push_str(rest);
        pattern.push_str(&regex::escape(&unescape(&literal)));
        pattern.push('$');
        return regex::RegexBuilder::new(&pattern)
            .dot_matches_new_line(true)
            .build()
            .ok();
    }
    // CloudFormation `!GetAtt X.Arn` / `{"Fn::GetAtt": ["X", "Arn"]}`: an ARN attribute.
    if expr.contains("GetAtt") {
        let attr = expr
            .trim_end_matches(|c: char| c == '}' || c == ']' || c.is_whitespace() || c == '"')
            .rsplit(['.', '"', ' ', '['])
            .next()
            .unwrap_or("");
        if attr == "Arn" || attr.ends_with("Arn") {
            return regex::Regex::new("^arn:").ok();
        }
        return None;
    }
    let is_reference = expr
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-[]\"*".contains(c));
    let last = expr.rsplit('.').next().unwrap_or("");
    if is_reference
        && !expr.starts_with("var.")
        && !expr.starts_with("local.")
        && (last == "arn" || last.ends_with("_arn"))
    {
        return regex::Regex::new("^arn:").ok();
    }
    None
}

/// HCL string escapes that can appear in template literals.
fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// `aws_iam_role.app.arn`, `!GetAtt AppRole.Arn`, `{"Fn::GetAtt": ["AppRole", "Arn"]}`: the ARN
/// of a resource in the configuration (never an account root, unlike
/// `data.aws_caller_identity.current.account_id`).
fn is_principal_resource_arn(expr: &str) -> bool {
    let e = expr.trim().trim_matches('"');
    if e.contains("GetAtt") {
        return e.contains("Arn");
    }
    let parts: Vec<&str> = e.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("aws_")
        && parts[2] == "arn"
        && e.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-[]\"".contains(c))
}

fn is_account_root(s: &str) -> bool {
    let s = s.trim().trim_matches('"');
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // `arn:aws:iam::123456789012:root`, or a template whose partition/account parts are
    // expressions: `arn:aws:iam::${data.aws_caller_identity.current.account_id}:root`,
    // `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`. Interpolations may contain `:`, so
    // they are replaced by a placeholder before splitting.
    let mut flat = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        flat.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            return false;
        };
        flat.push('\u{0}');
        rest = &rest[i + j + 1..];
    }
    flat.push_str(rest);
    let Some(rest) = flat.strip_prefix("arn:") else {
        return false;
    };
    let mut parts = rest.splitn(5, ':');
    let (Some(partition), Some(svc), Some(region), Some(account), Some(res)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    (partition.starts_with("aws") || partition == "\u{0}")
        && svc == "iam"
        && region.is_empty()
        && (account.chars().all(|c| c.is_ascii_digit()) && account.len() == 12
            || account == "\u{0}")
        && res == "root"
}

/// "`kms_key_id` is `var.key_arn`, which cannot be known statically".
fn unknown_reason(m: &crate::path::Match<'_>) -> String {
    let key = last_key(&m.route);
    match &m.value.val {
        Val::Unknown(u) => format!(
            "`{key}` is `{}`, which iaclint cannot know statically",
            short(&u.expr)
        ),
        _ => format!("`{key}` cannot be read statically"),
    }
}

/// An expression shortened for messages.
fn short(expr: &str) -> String {
    let one_line: String = expr.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(59).collect::<String>())
    } else {
        one_line
    }
}

fn combine_all(outs: Vec<Outcome>) -> Outcome {
    if outs.iter().any(|o| o.truth == Tri::False) {
        let w = outs
            .into_iter()
            .filter(|o| o.truth == Tri::False)
            .flat_map(|o| o.witnesses)
            .collect();
        Outcome::new(Tri::False, w)
    } else if outs.iter().any(|o| o.truth == Tri::Unknown) {
        first_unknown(outs)
    } else {
        Outcome::new(
            Tri::True,
            outs.into_iter().flat_map(|o| o.witnesses).collect(),
        )
    }
}

fn first_unknown(outs: Vec<Outcome>) -> Outcome {
    let reason = outs
        .into_iter()
        .filter(|o| o.truth == Tri::Unknown)
        .find_map(|o| o.reason);
    Outcome {
        truth: Tri::Unknown,
        witnesses: Vec::new(),
        reason,
    }
}

fn combine_any(outs: Vec<Outcome>) -> Outcome {
    if outs.iter().any(|o| o.truth == Tri::True) {
        let w = outs
            .into_iter()
            .filter(|o| o.truth == Tri::True)
            .flat_map(|o| o.witnesses)
            .collect();
        Outcome::new(Tri::True, w)
    } else if outs.iter().any(|o| o.truth == Tri::Unknown) {
        first_unknown(outs)
    } else {
        Outcome::new(
            Tri::False,
            outs.into_iter().flat_map(|o| o.witnesses).collect(),
        )
    }
}

/// Compares a value with an expected JSON value; None when that cannot be known.
fn value_eq(v: &Spanned, expected: &serde_json::Value) -> Option<bool> {
    use serde_json::Value as J;
    Some(match (&v.val, expected) {
        // An unknown string can still be proved different: `"${aws_s3_bucket.b.arn}/*"` is never
        // `"*"`, because its literal parts are not in it.
        (Val::Unknown(u), J::String(e)) => {
            if template_shape(&u.expr).is_some_and(|re| !re.is_match(e)) {
                false
            } else {
                return None;
            }
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

fn describe(v: &Spanned) -> String {
    match &v.val {
        Val::String(s) => format!("\"{s}\""),
        Val::Bool(b) => b.to_string(),
        Val::Number(n) => n.to_string(),
        Val::Null => "null".into(),
        Val::Array(_) => "a list".into(),
        Val::Object(_) => "a block".into(),
        Val::Unknown(u) => format!("`{}`", u.expr),
    }
}

fn json_short(v: &serde_json::Value) -> String {
    v.to_string()
}

fn last_key(route: &[Seg]) -> String {
    route
        .iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        })
        .unwrap_or_else(|| route_to_string(route))
}

/// "`deployment_circuit_breaker` is not set": names the first missing step of the path.
fn missing_message(p: &JsonPath, existing: &[Seg], expected: &str) -> String {
    let prefix = p.static_prefix();
    let keys_existing = existing.iter().filter(|s| matches!(s, Seg::Key(_))).count();
    let missing = prefix
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .nth(keys_existing);
    let is_last = prefix.iter().filter(|s| matches!(s, Seg::Key(_))).count() == keys_existing + 1;
    match missing {
        Some(k) if is_last && !expected.is_empty() => {
            format!("`{k}` is not set (expected {expected})")
        }
        Some(k) => format!("`{k}` is not set"),
        None => format!("`{}` is not set", display_path(p)),
    }
}

fn display_path(p: &JsonPath) -> String {
    p.as_str()
        .trim_start_matches("$.")
        .replace("[*]", "")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_shapes_prove_inequality_only_when_sound() {
        let shape = |e: &str| template_shape(e).map(|r| r.as_str().to_string());
        let re = |e: &str| template_shape(e).expect("a shape");
        assert!(!re(r#""${aws_s3_bucket.data.arn}/*""#).is_match("*"));
        assert!(re(r#""${aws_s3_bucket.data.arn}/*""#).is_match("arn:aws:s3:::b/*"));
        assert!(!re("aws_ecr_repository.api.arn").is_match("*"));
        assert!(!re("${aws_dynamodb_table.jobs.arn}").is_match("*"));
        // An interpolation alone could be anything.
        assert!(re(r#""${var.resource}""#).is_match("*"));
        assert!(re(r#""${var.prefix}*""#).is_match("*"));
        // Escaped interpolation is literal text.
        assert!(!re(r#""$${aws:username}-${var.x}""#).is_match("*"));
        // Variables and plain references say nothing.
        assert_eq!(shape("var.bucket_arn"), None);
        assert_eq!(shape("aws_s3_bucket.data.bucket"), None);
        assert_eq!(shape("local.arn"), None);
        assert!(!re("!GetAtt LogsKey.Arn").is_match("*"));
        assert!(!re(r#"{ "Fn::GetAtt": [ "JobsTable", "Arn" ] }"#).is_match("*"));
        assert!(!re(r#"{ "Fn::GetAtt": [ "Topic", "TopicArn" ] }"#).is_match("*"));
        assert_eq!(shape(r#"{ "Fn::GetAtt": [ "Api", "Name" ] }"#), None);
    }

    #[test]
    fn account_roots() {
        assert!(is_account_root("arn:aws:iam::111122223333:root"));
        assert!(is_account_root(
            r#""arn:aws:iam::${data.aws_caller_identity.current.account_id}:root""#
        ));
        assert!(is_account_root("111122223333"));
        assert!(!is_account_root("arn:aws:iam::111122223333:role/admin"));
        assert!(!is_account_root("*"));
        assert!(is_account_root(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
        ));
        assert!(is_account_root("arn:aws:iam::${AWS::AccountId}:root"));
        assert!(!is_account_root(
            "arn:aws:iam::${AWS::AccountId}:role/admin"
        ));
        assert!(!is_account_root("arn:aws:iam::${AWS::AccountId}"));
        assert!(is_principal_resource_arn("aws_iam_role.app.arn"));
        assert!(is_principal_resource_arn("!GetAtt AppRole.Arn"));
        assert!(is_principal_resource_arn(
            r#"{ "Fn::GetAtt": [ "AppRole", "Arn" ] }"#
        ));
        assert!(!is_principal_resource_arn(
            "data.aws_caller_identity.current.account_id"
        ));
        assert!(!is_principal_resource_arn("var.admin_arn"));
    }
}
