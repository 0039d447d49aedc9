//! The rule file format, as read from YAML (`rules/*.yml`). See `rules/README.md` for the
//! user-facing description; every field here is documented there too.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::finding::Severity;

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
    /// The checks; a finding comes from any of them.
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
    /// Instead of `checks`: the rule is built into the engine under this name (see
    /// [`ENGINES`]); it still has docs and cases run by the harness.
    #[serde(default)]
    pub engine: Option<String>,
    /// Named lists referenced from conditions as `{list: name}` (e.g. unscopable actions).
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<String>>,
    /// Inline test cases, run by the rule harness.
    pub cases: Vec<CaseSpec>,
}

/// Engine-implemented rule families a rule file may name in `engine:`, with the rule ids each
/// implements.
pub const ENGINES: &[(&str, &[&str])] = &[
    (
        "suppressions",
        &["invalid-suppression", "unused-suppression"],
    ),
    ("lambda-build-runtime", &["lambda-build-runtime-mismatch"]),
];

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

/// A condition. Every condition evaluates to true, false or unknown, with the locations that
/// explain the answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Cond {
    /// All must hold.
    All(Vec<Cond>),
    /// At least one must hold.
    Any(Vec<Cond>),
    /// Negation.
    Not(Box<Cond>),
    /// The path reaches a (non-null) value.
    Exists(String),
    /// The path reaches nothing.
    Absent(String),
    /// A value at the path equals `value`.
    Equals(ValueTest),
    /// A value at the path is one of `values`.
    OneOf(ValuesTest),
    /// A string at the path matches `regex` (Rust syntax).
    Matches(RegexTest),
    /// A number at the path compares to `value` with `op` (`<`, `<=`, `>`, `>=`, `==`, `!=`).
    Compare(CompareTest),
    /// Follow references from the path to nodes of the given types.
    Follow(Box<FollowSpec>),
    /// Nodes of the given types reference this one.
    Referrers(Box<ReferrersSpec>),
    /// Some value reached by `path` satisfies `where`, evaluated with that value as the root.
    Some(Box<SomeSpec>),
    /// An IAM policy document reachable from this node allows the request.
    PolicyAllows(Box<PolicyAllowsSpec>),
    /// (statements) Some known action in `path` is not covered by any pattern in the list.
    ActionsOutside(ActionsOutsideSpec),
    /// (statements) `Principal` is only AWS account roots (`arn:aws:iam::123456789012:root`).
    AccountRootPrincipal(bool),
    /// (statements) `Condition` uses a key matching one of these patterns (`*` wildcards).
    ConditionKey(Vec<String>),
}

/// How many of the matched values must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Quantifier {
    /// At least one (default).
    #[default]
    Any,
    /// Every matched value (and at least one).
    All,
}

/// `equals`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueTest {
    /// JSONPath.
    pub path: String,
    /// Expected value.
    pub value: serde_json::Value,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

/// `one_of`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuesTest {
    /// JSONPath.
    pub path: String,
    /// Accepted values.
    pub values: Vec<serde_json::Value>,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

/// `matches`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegexTest {
    /// JSONPath.
    pub path: String,
    /// Regular expression.
    pub regex: String,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

/// `compare`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareTest {
    /// JSONPath.
    pub path: String,
    /// Operator.
    pub op: String,
    /// Right-hand side.
    pub value: f64,
    /// Quantifier over matches.
    #[serde(default)]
    pub quantifier: Quantifier,
}

/// `follow`: from references written at `path` to nodes of type `to`, optionally through
/// intermediate hops (a KMS alias to its key).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowSpec {
    /// Where the reference is written in this node.
    pub path: String,
    /// Accepted target types.
    pub to: Vec<String>,
    /// Intermediate hops: a target of this type is followed again from `path`.
    #[serde(default)]
    pub through: Vec<HopSpec>,
    /// Applicability on each target (false → that target passes).
    #[serde(default)]
    pub when: Option<Cond>,
    /// What must hold on each target.
    pub require: Cond,
    /// Message for the secondary label on the reference.
    #[serde(default)]
    pub label: Option<String>,
}

/// One intermediate hop of a `follow`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HopSpec {
    /// Type of the intermediate node.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Where its onward reference is written.
    pub path: String,
}

/// `referrers`: nodes of `types` whose reference at `via` points at this node.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferrersSpec {
    /// Referrer types.
    pub types: Vec<String>,
    /// Where in the referrer the reference must be written.
    pub via: String,
    /// What must hold on a referrer for it to count.
    #[serde(default, rename = "where")]
    pub where_: Option<Cond>,
    /// How many must count (default 1).
    #[serde(default = "one")]
    pub min: usize,
}

/// `some: {path, where}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SomeSpec {
    /// The values to try (e.g. `$.commands[*]`).
    pub path: String,
    /// What one of them must satisfy; its paths start at that value. Only value conditions
    /// (`all`, `any`, `not`, `exists`, `absent`, `equals`, `one_of`, `matches`, `compare`,
    /// `some`) are allowed.
    #[serde(rename = "where")]
    pub where_: Cond,
}

fn one() -> usize {
    1
}

/// `policy_allows`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyAllowsSpec {
    /// Where the document comes from; the first source that exists is used.
    pub document: Vec<DocSource>,
    /// The principal asking (absent for identity policies/boundaries).
    #[serde(default)]
    pub principal: Option<PrincipalSpec>,
    /// Actions that must all be allowed.
    pub actions: Vec<String>,
    /// Resource asked for (default `*`).
    #[serde(default = "star")]
    pub resource: String,
    /// What to call the document in labels (`key policy`, `permissions boundary`).
    #[serde(default = "policy_name")]
    pub name: String,
}

fn policy_name() -> String {
    "policy".into()
}

fn star() -> String {
    "*".into()
}

/// A source of a policy document.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DocSource {
    /// An attribute of this node.
    Path(String),
    /// An attribute of a node that references this one.
    Referrer(ReferrerDoc),
    /// A built-in document (`kms-default-key-policy`).
    Builtin(String),
}

/// A policy document held by a referrer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferrerDoc {
    /// Referrer type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Where its reference to this node is written.
    pub via: String,
    /// Where its document is.
    pub path: String,
}

/// The principal of a `policy_allows` request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalSpec {
    /// A service name (`logs`): accepts `logs.amazonaws.com` and `logs.<region>.amazonaws.com`
    /// (the region of the module's `aws` provider, any region when unknown).
    pub service: String,
}

/// `actions_outside`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsOutsideSpec {
    /// JSONPath to the action list.
    pub path: String,
    /// The name of a list in the rule's `lists`.
    pub list: String,
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
