//! The rule-case harness: runs the inline `bad`/`good` cases of rules (built-in and users') and
//! says which fail. Used by `iaclint test`, by the crate's own rule tests and by the per-case
//! snapshots.

use std::fmt;

use crate::graph::Format;
use crate::lint::{Report, Settings, lint_sources};
use crate::rules::schema::{CaseKind, CaseSpec};
use crate::rules::{Registry, Rule};

/// One case run.
pub struct CaseRun<'a> {
    /// Its rule.
    pub rule: &'a Rule,
    /// Its index in the rule's `cases`.
    pub index: usize,
    /// The case.
    pub case: &'a CaseSpec,
    /// The report, holding only this rule's findings.
    pub report: Report,
    /// Why the case fails, if it does.
    pub failure: Option<CaseFailure>,
}

impl CaseRun<'_> {
    /// `ecs-service-without-rollback case 2 (bad terraform: no circuit breaker)`.
    pub fn label(&self) -> String {
        format!(
            "{} case {} ({} {}: {})",
            self.rule.id(),
            self.index,
            kind_name(self.case.kind),
            self.case.format.as_str(),
            self.case.name
        )
    }
}

/// Why a case fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseFailure {
    /// Its input did not parse.
    InputError(Vec<String>),
    /// It produced another number of findings.
    Count {
        /// Findings expected (0 for a good case).
        expected: usize,
        /// Primary lines of the findings it produced.
        got_lines: Vec<usize>,
        /// Their messages.
        messages: Vec<String>,
    },
    /// Its findings are on other lines than `lines:` says.
    Lines {
        /// `lines:`.
        expected: Vec<usize>,
        /// Primary lines of the findings it produced.
        got: Vec<usize>,
    },
}

impl fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseFailure::InputError(e) => {
                write!(f, "the case's input has errors: {}", e.join("; "))
            }
            CaseFailure::Count {
                expected,
                got_lines,
                messages,
            } => {
                write!(f, "expected {expected} finding(s), got {}", got_lines.len())?;
                for (line, m) in got_lines.iter().zip(messages) {
                    write!(f, "\n      line {line}: {m}")?;
                }
                Ok(())
            }
            CaseFailure::Lines { expected, got } => write!(
                f,
                "expected primary labels on lines {expected:?}, got {got:?}"
            ),
        }
    }
}

fn kind_name(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Bad => "bad",
        CaseKind::Good => "good",
    }
}

/// The file a single-file case is linted as.
pub fn case_file_name(format: Format) -> &'static str {
    match format {
        Format::Terraform => "case/main.tf",
        Format::Cloudformation => "case/template.yaml",
        Format::Workflow => "case/.github/workflows/ci.yml",
    }
}

/// Runs case `index` of `rule` (a rule of `registry`).
pub fn run_case<'a>(registry: &Registry, rule: &'a Rule, index: usize) -> Option<CaseRun<'a>> {
    let case = rule.spec.cases.get(index)?;
    // Code rules look at the other rules' findings: run them all and keep only this rule's.
    let settings = Settings {
        select: if rule.code.is_some() {
            Vec::new()
        } else {
            vec![rule.id().to_string()]
        },
        ..Settings::default()
    };
    let inputs = if case.files.is_empty() {
        vec![(case_file_name(case.format).to_string(), case.code.clone())]
    } else {
        case.files
            .iter()
            .map(|(path, code)| (format!("case/{path}"), code.clone()))
            .collect()
    };
    // The rule is in the registry, so the selection is valid.
    let mut report = lint_sources(inputs, registry, &settings).ok()?;
    report.findings.retain(|f| f.rule_id == rule.id());
    report.rules.retain(|r| r == rule.id());
    let failure = judge(case, &report);
    Some(CaseRun {
        rule,
        index,
        case,
        report,
        failure,
    })
}

fn judge(case: &CaseSpec, report: &Report) -> Option<CaseFailure> {
    if !report.errors.is_empty() {
        return Some(CaseFailure::InputError(
            report
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect(),
        ));
    }
    let lines: Vec<usize> = report
        .findings
        .iter()
        .map(|f| {
            report
                .sources
                .get(f.primary.span.file)
                .position(f.primary.span.start)
                .line
        })
        .collect();
    let expected = match case.kind {
        CaseKind::Bad => case.findings.unwrap_or(1),
        CaseKind::Good => 0,
    };
    if report.findings.len() != expected {
        return Some(CaseFailure::Count {
            expected,
            got_lines: lines,
            messages: report.findings.iter().map(|f| f.message.clone()).collect(),
        });
    }
    if !case.lines.is_empty() && case.lines != lines {
        return Some(CaseFailure::Lines {
            expected: case.lines.clone(),
            got: lines,
        });
    }
    None
}

/// Runs every case of the rules `wanted` selects.
pub fn run_all<'a>(registry: &'a Registry, wanted: &dyn Fn(&Rule) -> bool) -> Vec<CaseRun<'a>> {
    registry
        .rules()
        .iter()
        .filter(|r| wanted(r))
        .flat_map(|r| (0..r.spec.cases.len()).filter_map(move |i| run_case(registry, r, i)))
        .collect()
}
