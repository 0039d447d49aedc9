//! The rule pack: rule files (YAML, one rule per file) loaded, validated and compiled once.
//!
//! The built-in pack is `rules/` at the crate root, embedded in the binary with `include_dir`.
//! Adding a rule is adding one file there: nothing to register anywhere else.

pub mod code;
pub mod schema;

use std::collections::BTreeSet;

use include_dir::{Dir, include_dir};

use crate::eval::cond::{CompileCx, Cond};
use crate::graph::Format;
use crate::path::JsonPath;
use code::CodeRule;
use schema::{CaseKind, CheckSpec, RuleFile};

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// A rule file that failed to load, naming the file and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule file `{file}`: {kind}")]
pub struct RuleError {
    /// The rule file.
    pub file: String,
    /// What is wrong and where.
    pub kind: RuleErrorKind,
}

/// What is wrong with a rule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleErrorKind {
    /// Not YAML, or not the rule format (the YAML reader's message).
    #[error("{}{message}", .at.map(|(l, c)| format!("line {l}, column {c}: ")).unwrap_or_default())]
    Syntax {
        /// Line and column, when the reader knows them.
        at: Option<(usize, usize)>,
        /// The reader's message.
        message: String,
    },
    /// A metadata field or a case that is wrong: `field: what is wrong`.
    #[error("{0}")]
    Invalid(String),
    /// A check that does not compile: `checks[index].field: what is wrong`.
    #[error("checks[{index}].{message}")]
    Check {
        /// Which check.
        index: usize,
        /// The field under the check and what is wrong.
        message: String,
    },
    /// Two rule files define one id.
    #[error("id: `{id}` is also defined in `{other}`")]
    DuplicateId {
        /// The id.
        id: String,
        /// The other file defining it.
        other: String,
    },
    /// The file is not UTF-8.
    #[error("not UTF-8")]
    NotUtf8,
    /// A code rule without its rule file (a build defect).
    #[error("missing: every code rule has a rule file with its docs and cases")]
    MissingCodeRuleFile,
}

/// A loaded, validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule file as written.
    pub spec: RuleFile,
    /// Compiled checks (none for a code rule).
    pub checks: Vec<Check>,
    /// The Rust implementation of a rule file without `checks`.
    pub code: Option<&'static dyn CodeRule>,
    /// File it came from.
    pub source: String,
}

impl Rule {
    /// Stable id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Formats this rule supports (from its selectors).
    pub fn formats(&self) -> BTreeSet<Format> {
        let mut f = self.code.map(|c| c.formats()).unwrap_or_default();
        for c in &self.spec.checks {
            // Policy documents are read from Terraform and CloudFormation alike.
            if !c.select.terraform.is_empty() || !c.select.policy_statements.is_empty() {
                f.insert(Format::Terraform);
            }
            if !c.select.cloudformation.is_empty() || !c.select.policy_statements.is_empty() {
                f.insert(Format::Cloudformation);
            }
            if !c.select.workflow.is_empty() {
                f.insert(Format::Workflow);
            }
        }
        f
    }

    /// The rule's documentation as Markdown (for `explain`, and later SARIF help).
    pub fn docs_markdown(&self) -> String {
        let s = &self.spec;
        let mut out = format!(
            "# {} ({})\n\nSeverity: {} · Category: {} · Confidence: {} · Since: {}\n\n## What it does\n\n{}\n\n## Why is this bad?\n\n{}\n\n## How to fix it\n\n{}\n",
            s.title,
            s.id,
            s.severity,
            s.category,
            format!("{:?}", s.confidence).to_lowercase(),
            s.since,
            s.docs.what.trim(),
            s.docs.why.trim(),
            s.docs.fix.trim()
        );
        for (format, snippet) in &s.remediation {
            out.push_str(&format!(
                "\n### {format}\n\n```\n{}\n```\n",
                snippet.trim_end()
            ));
        }
        for case in &s.cases {
            let heading = match case.kind {
                CaseKind::Bad => "Example",
                CaseKind::Good => "Use instead",
            };
            if case.files.is_empty() {
                out.push_str(&format!(
                    "\n## {heading} ({}: {})\n\n```{}\n{}\n```\n",
                    case.format.as_str(),
                    case.name,
                    fence_language(case.format.as_str()),
                    case.code.trim_end()
                ));
            } else {
                out.push_str(&format!("\n## {heading} ({})\n", case.name));
                for (path, code) in &case.files {
                    let lang = if path.ends_with(".tf") { "hcl" } else { "yaml" };
                    out.push_str(&format!(
                        "\n`{path}`:\n\n```{lang}\n{}\n```\n",
                        code.trim_end()
                    ));
                }
            }
        }
        if !s.docs.references.is_empty() {
            out.push_str("\n## References\n\n");
            for r in &s.docs.references {
                out.push_str(&format!("- {r}\n"));
            }
        }
        out
    }
}

/// One compiled check.
#[derive(Debug, Clone)]
pub struct Check {
    /// Terraform types.
    pub terraform: Vec<String>,
    /// CloudFormation types.
    pub cloudformation: Vec<String>,
    /// GitHub Actions node types.
    pub workflow: Vec<String>,
    /// Policy kinds whose statements are subjects.
    pub policy_statements: Vec<crate::policy::PolicyKind>,
    /// Applicability.
    pub when: Option<Cond>,
    /// The condition.
    pub cond: Cond,
    /// True for `forbid` (finding when true), false for `require` (finding when false).
    pub forbid: bool,
    /// Primary-location paths.
    pub at: Vec<JsonPath>,
    /// Message template.
    pub message: String,
}

/// The set of loaded rules, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rules: Vec<Rule>,
}

impl Registry {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<Registry, RuleError> {
        let registry = Registry::from_sources(builtin_sources()?)?;
        match registry.code_rule_without_file() {
            Some(id) => Err(RuleError {
                file: format!("rules/{id}.yml"),
                kind: RuleErrorKind::MissingCodeRuleFile,
            }),
            None => Ok(registry),
        }
    }

    /// A code rule of [`code::CODE_RULES`] that no rule file of this registry documents.
    fn code_rule_without_file(&self) -> Option<&'static str> {
        code::CODE_RULES
            .iter()
            .map(|c| c.id())
            .find(|id| self.get(id).is_none())
    }

    /// Loads rules from `(file name, text)` pairs.
    pub fn from_sources(files: Vec<(String, String)>) -> Result<Registry, RuleError> {
        let mut rules = Vec::new();
        for (file, text) in files {
            rules.push(load_rule(&file, &text)?);
        }
        Registry::default().with_rules(rules)
    }

    /// This registry plus `more` rules; an id defined twice is an error.
    pub fn with_rules(self, more: Vec<Rule>) -> Result<Registry, RuleError> {
        let mut rules = self.rules;
        rules.extend(more);
        // Stable: of two rules with one id, the error names the later one.
        rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        for w in rules.windows(2) {
            if w[0].spec.id == w[1].spec.id {
                return Err(RuleError {
                    file: w[1].source.clone(),
                    kind: RuleErrorKind::DuplicateId {
                        id: w[1].spec.id.clone(),
                        other: w[0].source.clone(),
                    },
                });
            }
        }
        Ok(Registry { rules })
    }

    /// All rules, sorted by id.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.spec.id == id)
    }

    /// The id closest to a mistyped `id` (for "did you mean"), if one is close enough.
    pub fn suggest(&self, id: &str) -> Option<&str> {
        crate::suggest::closest(
            id,
            self.rules.iter().map(Rule::id),
            |known| *known,
            |known| 3.max(known.len() / 4),
            false,
        )
    }
}

/// The built-in rule files as `(file name, text)` pairs, to load with more rules through
/// [`Registry::from_sources`].
pub fn builtin_sources() -> Result<Vec<(String, String)>, RuleError> {
    let mut files: Vec<(String, String)> = Vec::new();
    for f in BUILTIN.files() {
        let name = f.path().display().to_string();
        if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
            continue;
        }
        let text = f.contents_utf8().ok_or_else(|| RuleError {
            file: format!("rules/{name}"),
            kind: RuleErrorKind::NotUtf8,
        })?;
        files.push((format!("rules/{name}"), text.to_string()));
    }
    Ok(files)
}

/// Parses, validates and compiles one rule file.
pub fn load_rule(file: &str, text: &str) -> Result<Rule, RuleError> {
    let err = |kind: RuleErrorKind| RuleError {
        file: file.to_string(),
        kind,
    };
    let spec: RuleFile = serde_saphyr::from_str(text).map_err(|e| {
        err(RuleErrorKind::Syntax {
            at: e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize)),
            message: e.to_string(),
        })
    })?;
    validate_metadata(&spec).map_err(|m| err(RuleErrorKind::Invalid(m)))?;
    let mut checks = Vec::new();
    for (index, c) in spec.checks.iter().enumerate() {
        checks.push(
            compile_check(c, &spec)
                .map_err(|message| err(RuleErrorKind::Check { index, message }))?,
        );
    }
    let rule = Rule {
        code: code::code_rule(&spec.id),
        spec,
        checks,
        source: file.to_string(),
    };
    validate_cases(&rule).map_err(|m| err(RuleErrorKind::Invalid(m)))?;
    Ok(rule)
}

fn validate_metadata(spec: &RuleFile) -> Result<(), String> {
    let id = &spec.id;
    let kebab = !id.is_empty()
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !kebab {
        return Err(format!(
            "id: `{id}` is not kebab-case (lowercase words joined by `-`)"
        ));
    }
    for prefix in ["no-", "avoid-", "use-"] {
        if id.starts_with(prefix) {
            return Err(format!(
                "id: `{id}` starts with `{prefix}`; name the hazard, not the advice"
            ));
        }
    }
    for (field, value) in [
        ("title", &spec.title),
        ("category", &spec.category),
        ("help", &spec.help),
        ("docs.what", &spec.docs.what),
        ("docs.why", &spec.docs.why),
        ("docs.fix", &spec.docs.fix),
    ] {
        if value.trim().is_empty() {
            return Err(format!("{field}: must not be empty"));
        }
    }
    if spec.docs.references.is_empty() {
        return Err("docs.references: list at least one reference".into());
    }
    for key in spec.remediation.keys() {
        if !REMEDIATION_KEYS.contains(&key.as_str()) {
            return Err(format!(
                "remediation: unknown key `{key}` (expected {})",
                REMEDIATION_KEYS.join(", ")
            ));
        }
    }
    match (code::code_rule(id), spec.checks.is_empty()) {
        (Some(_), false) => {
            return Err(format!(
                "checks: `{id}` is implemented in Rust (a code rule): its file has no `checks`"
            ));
        }
        (None, true) => {
            return Err("checks: a rule needs at least one check".into());
        }
        _ => {}
    }
    Ok(())
}

fn validate_cases(rule: &Rule) -> Result<(), String> {
    for (i, c) in rule.spec.cases.iter().enumerate() {
        if c.code.is_empty() == c.files.is_empty() {
            return Err(format!(
                "cases[{i}]: give exactly one of `code` and `files`"
            ));
        }
    }
    for format in rule.formats() {
        for kind in [CaseKind::Bad, CaseKind::Good] {
            if !rule
                .spec
                .cases
                .iter()
                .any(|c| c.kind == kind && c.format == format)
            {
                return Err(format!(
                    "cases: needs at least one `{}` case in {} form",
                    match kind {
                        CaseKind::Bad => "bad",
                        CaseKind::Good => "good",
                    },
                    format.as_str()
                ));
            }
        }
    }
    for (i, c) in rule.spec.cases.iter().enumerate() {
        if c.kind == CaseKind::Good && (c.findings.unwrap_or(0) != 0 || !c.lines.is_empty()) {
            return Err(format!("cases[{i}]: a good case expects no finding"));
        }
        if c.kind == CaseKind::Bad && c.findings == Some(0) {
            return Err(format!(
                "cases[{i}].findings: a bad case expects at least one finding"
            ));
        }
    }
    Ok(())
}

fn compile_check(c: &CheckSpec, spec: &RuleFile) -> Result<Check, String> {
    let mut kinds = Vec::new();
    for k in &c.select.policy_statements {
        kinds.push(parse_policy_kind(k).ok_or_else(|| {
            format!("select.policy_statements: unknown policy kind `{k}` (expected identity, trust, key, resource or boundary)")
        })?);
    }
    if c.select.terraform.is_empty()
        && c.select.cloudformation.is_empty()
        && c.select.workflow.is_empty()
        && kinds.is_empty()
    {
        return Err(
            "select: selects nothing (give terraform, cloudformation, workflow or \
             policy_statements)"
                .into(),
        );
    }
    for t in &c.select.terraform {
        if !is_terraform_type(t) {
            return Err(format!(
                "select.terraform: `{t}` is not a Terraform AWS type (`aws_...` or `data.aws_...`)"
            ));
        }
    }
    for t in &c.select.cloudformation {
        if !is_cloudformation_type(t) {
            return Err(format!(
                "select.cloudformation: `{t}` is not a CloudFormation type (`AWS::Service::Resource`)"
            ));
        }
    }
    for t in &c.select.workflow {
        if !crate::workflow::TYPES.contains(&t.as_str()) {
            return Err(format!(
                "select.workflow: unknown type `{t}` (expected {})",
                crate::workflow::TYPES.join(", ")
            ));
        }
    }
    let cx = CompileCx { lists: &spec.lists };
    let compile = |c: &Cond, field: &str| -> Result<Cond, String> {
        let mut c = c.clone();
        c.compile(&cx).map_err(|m| format!("{field}.{m}"))?;
        Ok(c)
    };
    let (cond, forbid) = match (&c.require, &c.forbid) {
        (Some(r), None) => (compile(r, "require")?, false),
        (None, Some(f)) => (compile(f, "forbid")?, true),
        _ => return Err("require/forbid: give exactly one of `require` and `forbid`".into()),
    };
    let when = match &c.when {
        Some(w) => Some(compile(w, "when")?),
        None => None,
    };
    for (field, c) in [("when", when.as_ref()), ("require/forbid", Some(&cond))] {
        let Some(c) = c else { continue };
        for f in c.follows() {
            for t in f.to.iter().chain(f.through.iter().map(|h| &h.type_name)) {
                check_node_type(t).map_err(|m| format!("{field}: follow: {m}"))?;
            }
        }
        for r in c.referrers() {
            for t in &r.types {
                check_node_type(t).map_err(|m| format!("{field}: referrers.types: {m}"))?;
            }
        }
    }
    let at =
        c.at.iter()
            .map(|p| JsonPath::parse(p).map_err(|e| format!("at: {e}")))
            .collect::<Result<_, _>>()?;
    if c.message.trim().is_empty() {
        return Err("message: must not be empty".into());
    }
    Ok(Check {
        terraform: c.select.terraform.clone(),
        cloudformation: c.select.cloudformation.clone(),
        workflow: c.select.workflow.clone(),
        policy_statements: kinds,
        when,
        cond,
        forbid,
        at,
        message: c.message.clone(),
    })
}

/// The keys of `remediation`: the formats a snippet can be written in.
const REMEDIATION_KEYS: &[&str] = &["terraform", "cloudformation", "cdk", "workflow"];

/// A Terraform type of the AWS provider, as rules name them: `aws_kms_key`, or
/// `data.aws_iam_policy_document` for a data source. A pattern, not a list of the provider's
/// types: it catches a CloudFormation type, a typo in the prefix or the casing, not a
/// misspelled resource name.
fn is_terraform_type(t: &str) -> bool {
    let name = t.strip_prefix("data.").unwrap_or(t);
    name.strip_prefix("aws_").is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('_')
            && !rest.ends_with('_')
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    })
}

/// A CloudFormation resource type: three `::`-separated parts, each starting with an uppercase
/// letter (`AWS::KMS::Key`, a registry type `Org::Service::Resource`), or `Custom::Name`.
fn is_cloudformation_type(t: &str) -> bool {
    let parts: Vec<&str> = t.split("::").collect();
    let word = |p: &&str| {
        p.starts_with(|c: char| c.is_ascii_uppercase())
            && p.chars().all(|c| c.is_ascii_alphanumeric())
    };
    match parts.as_slice() {
        ["Custom", name] => word(name),
        [_, _, _] => parts.iter().all(word),
        _ => false,
    }
}

/// A type `follow` and `referrers` may name: a Terraform, CloudFormation or workflow node type.
fn check_node_type(t: &str) -> Result<(), String> {
    if is_terraform_type(t) || is_cloudformation_type(t) || crate::workflow::TYPES.contains(&t) {
        Ok(())
    } else {
        Err(format!(
            "unknown type `{t}` (expected a Terraform type `aws_...`, a CloudFormation type \
             `AWS::Service::Resource` or one of {})",
            crate::workflow::TYPES.join(", ")
        ))
    }
}

fn parse_policy_kind(k: &str) -> Option<crate::policy::PolicyKind> {
    use crate::policy::PolicyKind::*;
    Some(match k {
        "identity" => Identity,
        "trust" => Trust,
        "key" => Key,
        "resource" => Resource,
        "boundary" => Boundary,
        _ => return None,
    })
}

/// The Markdown code-fence language for a format's snippets.
fn fence_language(format: &str) -> &'static str {
    match format {
        "terraform" => "hcl",
        "cloudformation" | "workflow" => "yaml",
        "cdk" => "typescript",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_errors_say_what_kind() {
        let files = builtin_sources().unwrap();
        let (name, text) = files[0].clone();
        let twice = Registry::from_sources(vec![
            (name.clone(), text.clone()),
            ("extra/copy.yml".into(), text.clone()),
        ])
        .unwrap_err();
        assert_eq!(twice.file, "extra/copy.yml");
        assert!(
            matches!(&twice.kind, RuleErrorKind::DuplicateId { other, .. } if *other == name),
            "{twice:?}"
        );
        let broken = load_rule("x.yml", "id: [").unwrap_err();
        assert!(
            matches!(broken.kind, RuleErrorKind::Syntax { at: Some(_), .. }),
            "{broken:?}"
        );
    }

    #[test]
    fn every_code_rule_needs_its_rule_file() {
        assert_eq!(Registry::builtin().unwrap().code_rule_without_file(), None);
        let without_unused: Vec<(String, String)> = builtin_sources()
            .unwrap()
            .into_iter()
            .filter(|(f, _)| !f.ends_with("unused-suppression.yml"))
            .collect();
        let registry = Registry::from_sources(without_unused).unwrap();
        assert_eq!(
            registry.code_rule_without_file(),
            Some("unused-suppression")
        );
    }
}
