//! The rule pack: rule files (YAML, one rule per file) loaded, validated and compiled once.
//!
//! The built-in pack is `rules/` at the crate root, embedded in the binary with `include_dir`.
//! Adding a rule is adding one file there: nothing to register anywhere else.

pub mod schema;

use std::collections::BTreeSet;

use include_dir::{Dir, include_dir};
use regex::Regex;

use crate::graph::Format;
use crate::path::JsonPath;
use schema::{CaseKind, CheckSpec, Cond, DocSource, Quantifier, RuleFile};

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// A rule file that failed to load, naming the file and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule file `{file}`: {message}")]
pub struct RuleError {
    /// The rule file.
    pub file: String,
    /// What is wrong and where (`checks[0].require.equals.path: ...`).
    pub message: String,
}

/// A loaded, validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule file as written.
    pub spec: RuleFile,
    /// Compiled checks.
    pub checks: Vec<Check>,
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
        let mut f = BTreeSet::new();
        match self.spec.engine.as_deref() {
            // Suppressions exist in both infrastructure formats.
            Some("suppressions") => {
                f.insert(Format::Terraform);
                f.insert(Format::Cloudformation);
            }
            // Its cases are workflows next to the infrastructure that defines the function.
            Some(_) => {
                f.insert(Format::Workflow);
            }
            None => {}
        }
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
    pub when: Option<CCond>,
    /// The condition.
    pub cond: CCond,
    /// True for `forbid` (finding when true), false for `require` (finding when false).
    pub forbid: bool,
    /// Primary-location paths.
    pub at: Vec<JsonPath>,
    /// Message template.
    pub message: String,
}

/// A compiled condition (see [`schema::Cond`] for the meaning of each variant).
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub enum CCond {
    All(Vec<CCond>),
    Any(Vec<CCond>),
    Not(Box<CCond>),
    Exists(JsonPath),
    Absent(JsonPath),
    Equals {
        path: JsonPath,
        value: serde_json::Value,
        q: Quantifier,
    },
    OneOf {
        path: JsonPath,
        values: Vec<serde_json::Value>,
        q: Quantifier,
    },
    Matches {
        path: JsonPath,
        regex: Regex,
        q: Quantifier,
    },
    Compare {
        path: JsonPath,
        op: CmpOp,
        value: f64,
        q: Quantifier,
    },
    Follow {
        path: JsonPath,
        to: Vec<String>,
        through: Vec<(String, JsonPath)>,
        when: Option<Box<CCond>>,
        require: Box<CCond>,
        label: Option<String>,
    },
    Referrers {
        types: Vec<String>,
        via: JsonPath,
        where_: Option<Box<CCond>>,
        min: usize,
    },
    Some {
        path: JsonPath,
        where_: Box<CCond>,
    },
    PolicyAllows {
        document: Vec<CDocSource>,
        service: Option<String>,
        actions: Vec<String>,
        resource: String,
        name: String,
    },
    ActionsOutside {
        path: JsonPath,
        list: Vec<String>,
    },
    AccountRootPrincipal(bool),
    ConditionKey(Vec<String>),
}

impl CCond {
    /// True when the condition only tests values under paths (no references, no policies), so
    /// it can be evaluated under any root: what `some.where` allows.
    pub fn is_value_condition(&self) -> bool {
        match self {
            CCond::All(v) | CCond::Any(v) => v.iter().all(CCond::is_value_condition),
            CCond::Not(x) => x.is_value_condition(),
            CCond::Exists(_)
            | CCond::Absent(_)
            | CCond::Equals { .. }
            | CCond::OneOf { .. }
            | CCond::Matches { .. }
            | CCond::Compare { .. } => true,
            CCond::Some { where_, .. } => where_.is_value_condition(),
            _ => false,
        }
    }

    /// The same value condition with every path moved under `route` (see
    /// [`JsonPath::under`]); other conditions are returned unchanged.
    pub fn under(&self, route: &[crate::value::Seg]) -> CCond {
        let mut c = self.clone();
        c.rebase(route);
        c
    }

    fn rebase(&mut self, route: &[crate::value::Seg]) {
        match self {
            CCond::All(v) | CCond::Any(v) => v.iter_mut().for_each(|x| x.rebase(route)),
            CCond::Not(x) => x.rebase(route),
            CCond::Exists(p) | CCond::Absent(p) => *p = p.under(route),
            CCond::Equals { path, .. }
            | CCond::OneOf { path, .. }
            | CCond::Matches { path, .. }
            | CCond::Compare { path, .. } => *path = path.under(route),
            // The inner `where` is relative to the inner elements: only its path moves.
            CCond::Some { path, .. } => *path = path.under(route),
            _ => {}
        }
    }
}

/// A compiled document source.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub enum CDocSource {
    Path(JsonPath),
    Referrer {
        type_name: String,
        via: JsonPath,
        path: JsonPath,
    },
    Builtin(Builtin),
}

/// Built-in policy documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// The policy KMS gives a key created without one: only the account root.
    KmsDefaultKeyPolicy,
}

/// Numeric comparison operators.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// The set of loaded rules, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rules: Vec<Rule>,
}

impl Registry {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<Registry, RuleError> {
        Registry::from_sources(builtin_sources()?)
    }

    /// Loads rules from `(file name, text)` pairs.
    pub fn from_sources(files: Vec<(String, String)>) -> Result<Registry, RuleError> {
        let mut rules = Vec::new();
        for (file, text) in files {
            rules.push(load_rule(&file, &text)?);
        }
        rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        for w in rules.windows(2) {
            if w[0].spec.id == w[1].spec.id {
                return Err(RuleError {
                    file: w[1].source.clone(),
                    message: format!(
                        "id: `{}` is also defined in `{}`",
                        w[1].spec.id, w[0].source
                    ),
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
        self.rules
            .iter()
            .map(|r| (edit_distance(id, r.id()), r.id()))
            .filter(|(d, known)| *d <= 3.max(known.len() / 4))
            .min()
            .map(|(_, known)| known)
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
            message: "not UTF-8".into(),
        })?;
        files.push((format!("rules/{name}"), text.to_string()));
    }
    Ok(files)
}

/// Parses, validates and compiles one rule file.
pub fn load_rule(file: &str, text: &str) -> Result<Rule, RuleError> {
    let err = |message: String| RuleError {
        file: file.to_string(),
        message,
    };
    let spec: RuleFile = serde_saphyr::from_str(text).map_err(|e| {
        let loc = e
            .location()
            .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        err(format!("{loc}{e}"))
    })?;
    validate_metadata(&spec).map_err(err)?;
    let mut checks = Vec::new();
    for (i, c) in spec.checks.iter().enumerate() {
        checks.push(compile_check(c, &spec).map_err(|m| err(format!("checks[{i}].{m}")))?);
    }
    let rule = Rule {
        spec,
        checks,
        source: file.to_string(),
    };
    validate_cases(&rule).map_err(err)?;
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
    match &spec.engine {
        Some(engine) => {
            let Some((_, ids)) = schema::ENGINES.iter().find(|(e, _)| e == engine) else {
                return Err(format!(
                    "engine: unknown engine `{engine}` (known: {})",
                    schema::ENGINES
                        .iter()
                        .map(|(e, _)| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            };
            if !ids.contains(&id.as_str()) {
                return Err(format!(
                    "engine: the `{engine}` engine implements {}, not `{id}`",
                    ids.iter()
                        .map(|i| format!("`{i}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ));
            }
            if !spec.checks.is_empty() {
                return Err("checks: a rule built into the engine has no `checks`".into());
            }
        }
        None if spec.checks.is_empty() => {
            return Err("checks: a rule needs at least one check (or `engine:`)".into());
        }
        None => {}
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
    for t in &c.select.workflow {
        if !crate::workflow::TYPES.contains(&t.as_str()) {
            return Err(format!(
                "select.workflow: unknown type `{t}` (expected {})",
                crate::workflow::TYPES.join(", ")
            ));
        }
    }
    let (cond, forbid) = match (&c.require, &c.forbid) {
        (Some(r), None) => (compile(r, spec).map_err(|m| format!("require.{m}"))?, false),
        (None, Some(f)) => (compile(f, spec).map_err(|m| format!("forbid.{m}"))?, true),
        _ => return Err("require/forbid: give exactly one of `require` and `forbid`".into()),
    };
    let when = match &c.when {
        Some(w) => Some(compile(w, spec).map_err(|m| format!("when.{m}"))?),
        None => None,
    };
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

fn path(field: &str, p: &str) -> Result<JsonPath, String> {
    JsonPath::parse(p).map_err(|e| format!("{field}: {e}"))
}

fn compile(c: &Cond, spec: &RuleFile) -> Result<CCond, String> {
    let list = |v: &[Cond], name: &str| -> Result<Vec<CCond>, String> {
        if v.is_empty() {
            return Err(format!("{name}: must list at least one condition"));
        }
        v.iter()
            .enumerate()
            .map(|(i, x)| compile(x, spec).map_err(|m| format!("{name}[{i}].{m}")))
            .collect()
    };
    Ok(match c {
        Cond::All(v) => CCond::All(list(v, "all")?),
        Cond::Any(v) => CCond::Any(list(v, "any")?),
        Cond::Not(x) => CCond::Not(Box::new(compile(x, spec).map_err(|m| format!("not.{m}"))?)),
        Cond::Exists(p) => CCond::Exists(path("exists", p)?),
        Cond::Absent(p) => CCond::Absent(path("absent", p)?),
        Cond::Equals(t) => CCond::Equals {
            path: path("equals.path", &t.path)?,
            value: t.value.clone(),
            q: t.quantifier,
        },
        Cond::OneOf(t) => CCond::OneOf {
            path: path("one_of.path", &t.path)?,
            values: t.values.clone(),
            q: t.quantifier,
        },
        Cond::Matches(t) => CCond::Matches {
            path: path("matches.path", &t.path)?,
            regex: Regex::new(&t.regex).map_err(|e| format!("matches.regex: {e}"))?,
            q: t.quantifier,
        },
        Cond::Compare(t) => CCond::Compare {
            path: path("compare.path", &t.path)?,
            op: match t.op.as_str() {
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Le,
                ">" => CmpOp::Gt,
                ">=" => CmpOp::Ge,
                "==" => CmpOp::Eq,
                "!=" => CmpOp::Ne,
                o => {
                    return Err(format!(
                        "compare.op: unknown operator `{o}` (expected <, <=, >, >=, == or !=)"
                    ));
                }
            },
            value: t.value,
            q: t.quantifier,
        },
        Cond::Follow(f) => CCond::Follow {
            path: path("follow.path", &f.path)?,
            to: nonempty(&f.to, "follow.to")?,
            through: f
                .through
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    Ok((
                        h.type_name.clone(),
                        path(&format!("follow.through[{i}].path"), &h.path)?,
                    ))
                })
                .collect::<Result<_, String>>()?,
            when: match &f.when {
                Some(w) => Some(Box::new(
                    compile(w, spec).map_err(|m| format!("follow.when.{m}"))?,
                )),
                None => None,
            },
            require: Box::new(
                compile(&f.require, spec).map_err(|m| format!("follow.require.{m}"))?,
            ),
            label: f.label.clone(),
        },
        Cond::Referrers(r) => CCond::Referrers {
            types: nonempty(&r.types, "referrers.types")?,
            via: path("referrers.via", &r.via)?,
            where_: match &r.where_ {
                Some(w) => Some(Box::new(
                    compile(w, spec).map_err(|m| format!("referrers.where.{m}"))?,
                )),
                None => None,
            },
            min: r.min,
        },
        Cond::Some(x) => {
            let where_ = compile(&x.where_, spec).map_err(|m| format!("some.where.{m}"))?;
            if !where_.is_value_condition() {
                return Err(
                    "some.where: only value conditions (all, any, not, exists, absent, \
                     equals, one_of, matches, compare, some) are allowed"
                        .into(),
                );
            }
            CCond::Some {
                path: path("some.path", &x.path)?,
                where_: Box::new(where_),
            }
        }
        Cond::PolicyAllows(p) => {
            if p.document.is_empty() {
                return Err("policy_allows.document: list at least one source".into());
            }
            let mut document = Vec::new();
            for (i, d) in p.document.iter().enumerate() {
                let f = format!("policy_allows.document[{i}]");
                document.push(match d {
                    DocSource::Path(x) => CDocSource::Path(path(&f, x)?),
                    DocSource::Referrer(r) => CDocSource::Referrer {
                        type_name: r.type_name.clone(),
                        via: path(&format!("{f}.via"), &r.via)?,
                        path: path(&format!("{f}.path"), &r.path)?,
                    },
                    DocSource::Builtin(b) => CDocSource::Builtin(match b.as_str() {
                        "kms-default-key-policy" => Builtin::KmsDefaultKeyPolicy,
                        other => {
                            return Err(format!(
                                "{f}.builtin: unknown built-in document `{other}` (known: kms-default-key-policy)"
                            ));
                        }
                    }),
                });
            }
            CCond::PolicyAllows {
                document,
                service: p.principal.as_ref().map(|x| x.service.clone()),
                actions: nonempty(&p.actions, "policy_allows.actions")?,
                resource: p.resource.clone(),
                name: p.name.clone(),
            }
        }
        Cond::ActionsOutside(a) => CCond::ActionsOutside {
            path: path("actions_outside.path", &a.path)?,
            list: spec.lists.get(&a.list).cloned().ok_or_else(|| {
                format!(
                    "actions_outside.list: no list named `{}` in `lists`",
                    a.list
                )
            })?,
        },
        Cond::AccountRootPrincipal(b) => CCond::AccountRootPrincipal(*b),
        Cond::ConditionKey(v) => CCond::ConditionKey(nonempty(v, "condition_key")?),
    })
}

fn nonempty(v: &[String], field: &str) -> Result<Vec<String>, String> {
    if v.is_empty() {
        Err(format!("{field}: must not be empty"))
    } else {
        Ok(v.to_vec())
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

/// Levenshtein distance, for rule-id suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
