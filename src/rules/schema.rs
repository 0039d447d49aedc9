//! The rule file format, as read from YAML (`rules/*.yml`). See `rules/README.md` for the
//! user-facing description; every field here is documented there too.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::finding::Severity;

pub use crate::eval::cond::Cond;
pub use crate::eval::outcome::Quantifier;

/// One rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Stable kebab-case id, public API.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Default severity.
    pub severity: Severity,
    /// How sure a finding is (`high` when the rule has no known false-positive pattern).
    #[serde(default = "default_confidence")]
    pub confidence: Confidence,
    /// Grouping for listings (`iam`, `encryption`, `reliability`, ...).
    pub category: String,
    /// `stable` or `preview`.
    #[serde(default = "default_status")]
    pub status: Status,
    /// Version that introduced the rule.
    pub since: String,
    /// Documentation sections.
    pub docs: Docs,
    /// Remediation snippet per format (`terraform`, `cloudformation`, `cdk`, `workflow`).
    #[serde(default)]
    pub remediation: BTreeMap<String, String>,
    /// Short fix advice shown under every finding.
    pub help: String,
    /// The checks; a finding comes from any of them. Empty for a code rule (see
    /// [`crate::rules::code`]).
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
    /// Named lists referenced from conditions as `{list: name}` (e.g. unscopable actions).
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<String>>,
    /// Inline test cases, run by the rule harness.
    pub cases: Vec<CaseSpec>,
}

fn default_confidence() -> Confidence {
    Confidence::High
}

fn default_status() -> Status {
    Status::Stable
}

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// Rule maturity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Behaviour may change.
    Preview,
    /// Behaviour is settled.
    Stable,
}

/// The documentation sections every rule must have.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What it finds.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// Links.
    pub references: Vec<String>,
}

/// One check: which subjects it applies to and what must (not) hold for them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// What the check looks at.
    pub select: SelectSpec,
    /// Applicability: the check is skipped unless this is definitely true.
    #[serde(default)]
    pub when: Option<Cond>,
    /// A finding when this is definitely false.
    #[serde(default)]
    pub require: Option<Cond>,
    /// A finding when this is definitely true.
    #[serde(default)]
    pub forbid: Option<Cond>,
    /// Paths that name the primary location (the first explaining witness under one of them wins).
    #[serde(default)]
    pub at: Vec<String>,
    /// Finding message; `{resource}` and `{detail}` are replaced.
    pub message: String,
}

/// Subjects of a check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectSpec {
    /// Terraform resource/data types (`aws_ecs_service`, `data.aws_iam_policy_document`).
    #[serde(default)]
    pub terraform: Vec<String>,
    /// CloudFormation types (`AWS::ECS::Service`).
    #[serde(default)]
    pub cloudformation: Vec<String>,
    /// GitHub Actions node types (`gha:workflow`, `gha:job`, `gha:step`, `gha:action`).
    #[serde(default)]
    pub workflow: Vec<String>,
    /// Statements of normalized IAM policy documents of these kinds
    /// (`identity`, `trust`, `key`, `resource`, `boundary`).
    #[serde(default)]
    pub policy_statements: Vec<String>,
}

/// One inline test case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    /// `bad` (must produce findings) or `good` (must produce none).
    pub kind: CaseKind,
    /// Input format.
    pub format: crate::graph::Format,
    /// What the case shows.
    pub name: String,
    /// The source.
    #[serde(default)]
    pub code: String,
    /// Several files instead of `code` (paths relative to the case directory), for rules that
    /// look across formats (a workflow and the Terraform it deploys).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Findings expected from a bad case (default 1).
    #[serde(default)]
    pub findings: Option<usize>,
    /// 1-based lines where the primary labels must be, in order.
    #[serde(default)]
    pub lines: Vec<usize>,
}

/// Kind of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseKind {
    /// Must produce findings.
    Bad,
    /// Must produce none.
    Good,
}
