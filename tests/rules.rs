//! The rule harness: runs every rule's inline `bad`/`good` cases, in every format the rule
//! supports, and checks the pack's invariants. A rule cannot land untested.

use iaclint::graph::Format;
use iaclint::harness;
use iaclint::lint::{Settings, lint_sources};
use iaclint::report::{self, OutputFormat, RenderContext, RenderOptions};
use iaclint::rules::Registry;
use iaclint::rules::schema::CaseKind;

#[test]
fn every_case_of_every_rule() {
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    let runs = harness::run_all(&registry, &|_| true);
    assert_eq!(
        runs.len(),
        registry
            .rules()
            .iter()
            .map(|r| r.spec.cases.len())
            .sum::<usize>(),
        "every case runs"
    );
    let mut failures = Vec::new();
    for run in &runs {
        if let Some(f) = &run.failure {
            failures.push(format!("{}: {f}", run.label()));
        }
        for f in &run.report.findings {
            let file = run.report.sources.get(f.primary.span.file);
            assert!(
                f.primary.span.end <= file.text.len(),
                "{}: span outside the file",
                run.label()
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every case's findings, as `human` (no colour) and `concise` render them, one snapshot per
/// case (`snapshots/rules/<rule>__<format>__<kind>_<n>.snap`): a changed message or label
/// points at its rule.
#[test]
fn every_case_renders_as_its_snapshot() {
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    let opts = RenderOptions {
        color: false,
        quiet: false,
        verbose: false,
        width: 100,
    };
    let ctx = RenderContext {
        registry: &registry,
        src_root: std::path::Path::new("/"),
    };
    // Expiry messages name today's date.
    let today = regex::Regex::new(r"today is \d{4}-\d{2}-\d{2}").unwrap();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for run in harness::run_all(&registry, &|_| true) {
        let kind = match run.case.kind {
            CaseKind::Bad => "bad",
            CaseKind::Good => "good",
        };
        let stem = format!("{}__{}__{kind}", run.rule.id(), run.case.format.as_str());
        let n = counts.entry(stem.clone()).or_default();
        *n += 1;
        let name = format!("{stem}_{n}");
        let mut out = Vec::new();
        report::render(OutputFormat::Human, &run.report, &opts, &ctx, &mut out).unwrap();
        out.extend_from_slice(b"\n--- concise ---\n");
        report::render(OutputFormat::Concise, &run.report, &opts, &ctx, &mut out).unwrap();
        let text = today
            .replace_all(&String::from_utf8(out).unwrap(), "today is [today]")
            .into_owned();
        insta::with_settings!({
            snapshot_path => "snapshots/rules",
            prepend_module_to_snapshot => false,
            description => run.label(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn the_seed_rules_exist_with_their_contracted_ids() {
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    for (id, severity) in [
        ("iam-wildcard-action", "high"),
        ("iam-wildcard-resource", "medium"),
        ("kms-key-missing-service-principal", "high"),
        ("lambda-vpc-boundary-blocks-eni", "high"),
        ("ecs-service-without-rollback", "high"),
        ("ecs-service-without-autoscaling", "medium"),
    ] {
        let rule = registry
            .get(id)
            .unwrap_or_else(|| panic!("rule {id} is missing"));
        assert_eq!(rule.spec.severity.as_str(), severity, "{id}");
        assert!(
            rule.formats().contains(&Format::Terraform),
            "{id} supports terraform"
        );
    }
}

#[test]
fn docs_render_every_section() {
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    for rule in registry.rules() {
        let md = rule.docs_markdown();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## How to fix it",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(md.contains(section), "{}: docs lack `{section}`", rule.id());
        }
    }
}

#[test]
fn malformed_rule_files_are_clear_errors() {
    let load =
        |text: &str| iaclint::rules::load_rule("rules/x.yml", text).expect_err("must be rejected");
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/ecs-service-without-rollback.yml"
    ))
    .unwrap();

    let e = load(&base.replace("severity: high", "severity: severe"));
    assert!(e.to_string().contains("rules/x.yml"), "{e}");
    assert!(e.to_string().contains("line"), "names the line: {e}");

    let e = load(&base.replace("id: ecs-service-without-rollback", "id: EcsRollback"));
    assert!(e.kind.to_string().starts_with("id:"), "{e}");

    let e = load(&base.replace(
        "$.deployment_circuit_breaker.enable",
        "deployment_circuit_breaker.enable",
    ));
    assert!(
        e.kind
            .to_string()
            .contains("checks[0].require.all[0].equals.path"),
        "{e}"
    );

    let e = load(&base.replace("title:", "titel:"));
    assert!(e.to_string().contains("titel"), "unknown field named: {e}");

    // Code rules: a rule file without checks must name a code rule, and a code rule's file
    // has no checks.
    let checks_start = base.find("checks:").unwrap();
    let cases_start = base.find("cases:").unwrap();
    let without_checks = |id: &str| {
        format!("{}{}", &base[..checks_start], &base[cases_start..])
            .replace("id: ecs-service-without-rollback", &format!("id: {id}"))
    };
    let ok = iaclint::rules::load_rule("rules/x.yml", &without_checks("invalid-suppression"))
        .expect("a code rule's file loads");
    assert!(ok.checks.is_empty());
    assert!(ok.code.is_some());
    assert!(ok.formats().contains(&Format::Cloudformation));
    let e = load(&without_checks("ecs-service-without-rollback"));
    assert!(e.kind.to_string().starts_with("checks:"), "{e}");
    let e = load(&base.replace(
        "id: ecs-service-without-rollback",
        "id: invalid-suppression",
    ));
    assert!(e.kind.to_string().contains("code rule"), "{e}");
    let e = load(&base.replace("checks:", "engine: suppressions\nchecks:"));
    assert!(
        e.to_string().contains("engine"),
        "`engine:` is no field: {e}"
    );

    let no_good: String = base.split("  - kind: good").next().unwrap().to_string();
    let e = load(&no_good);
    assert!(e.kind.to_string().contains("good"), "{e}");
}

/// `some: {path, where}` correlates values within one element and is three-valued.
#[test]
fn some_correlates_within_one_element() {
    let rule = r#"
id: ssh-open
title: SSH open to the world
severity: low
category: test
since: 0.2.0
docs: { what: x, why: x, fix: x, references: [https://example.com] }
help: x
checks:
  - select: { terraform: [aws_security_group] }
    forbid:
      some:
        path: $.ingress[*]
        where:
          all:
            - equals: { path: $.from_port, value: 22 }
            - equals: { path: $.cidr, value: 0.0.0.0/0 }
    at: [$.ingress]
    message: "{resource}: {detail}"
cases:
  - kind: bad
    format: terraform
    name: open
    code: |
      resource "aws_security_group" "a" {
        ingress {
          from_port = 22
          cidr      = "0.0.0.0/0"
        }
      }
  - kind: good
    format: terraform
    name: closed
    code: |
      resource "aws_security_group" "a" {}
"#;
    let registry =
        iaclint::rules::Registry::from_sources(vec![("rules/ssh-open.yml".into(), rule.into())])
            .expect("the rule loads");
    let run = |code: &str| {
        let settings = Settings::default();
        lint_sources(
            vec![("case/main.tf".to_string(), code.to_string())],
            &registry,
            &settings,
        )
        .expect("lint runs")
    };
    let open = run(
        "resource \"aws_security_group\" \"a\" {\n  ingress {\n    from_port = 443\n    cidr = \"0.0.0.0/0\"\n  }\n  ingress {\n    from_port = 22\n    cidr = \"0.0.0.0/0\"\n  }\n}\n",
    );
    assert_eq!(open.findings.len(), 1, "{:?}", open.findings);
    let line = open
        .sources
        .get(open.findings[0].primary.span.file)
        .position(open.findings[0].primary.span.start)
        .line;
    assert_eq!(line, 7, "the label is on the matching element");
    // Port 22 and 0.0.0.0/0 appear, but never in the same block.
    let split = run(
        "resource \"aws_security_group\" \"a\" {\n  ingress {\n    from_port = 443\n    cidr = \"0.0.0.0/0\"\n  }\n  ingress {\n    from_port = 22\n    cidr = \"10.0.0.0/8\"\n  }\n}\n",
    );
    assert!(split.findings.is_empty(), "{:?}", split.findings);
    // An unknown CIDR on the port-22 block: undecided, never a finding.
    let unknown = run(
        "variable \"cidr\" {}\nresource \"aws_security_group\" \"a\" {\n  ingress {\n    from_port = 22\n    cidr = var.cidr\n  }\n}\n",
    );
    assert!(unknown.findings.is_empty(), "{:?}", unknown.findings);
    assert_eq!(unknown.undecided.len(), 1, "{:?}", unknown.undecided);
    // `where` takes only value conditions.
    let bad = rule.replace(
        "- equals: { path: $.from_port, value: 22 }",
        "- referrers: { types: [aws_instance], via: $.vpc_security_group_ids }",
    );
    let err = iaclint::rules::Registry::from_sources(vec![("rules/ssh-open.yml".into(), bad)])
        .err()
        .unwrap_or_else(|| panic!("a referrers condition under some.where is refused"));
    assert!(err.to_string().contains("some.where"), "{err}");
}

fn lint_one(path: &str, code: &str) -> iaclint::lint::Report {
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    lint_sources(
        vec![(path.to_string(), code.to_string())],
        &registry,
        &Settings::default(),
    )
    .expect("lint runs")
}

fn rule_ids(report: &iaclint::lint::Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

const WILDCARD_POLICY: &str = r#"data "aws_iam_policy_document" "app" {
  statement {
    effect      = "Allow"
    not_actions = ["iam:*"] # iaclint:ignore iam-wildcard-action -- REASON
    resources   = ["arn:aws:s3:::b/*"]
  }
}
"#;

#[test]
fn suppression_reason_starting_with_todo_as_a_word_is_a_reason() {
    let report = lint_one(
        "case/main.tf",
        &WILDCARD_POLICY.replace("REASON", "Todoist webhook needs every action"),
    );
    assert_eq!(
        rule_ids(&report),
        Vec::<&str>::new(),
        "{:?}",
        report.findings
    );
    assert_eq!(report.suppressed, 1);
    for placeholder in ["TODO", "todo: say why", "TODO - later"] {
        let report = lint_one(
            "case/main.tf",
            &WILDCARD_POLICY.replace("REASON", placeholder),
        );
        assert!(
            rule_ids(&report).contains(&"invalid-suppression"),
            "{placeholder}: {:?}",
            report.findings
        );
    }
}

#[test]
fn until_written_as_a_number_is_quoted_as_written_not_as_debug() {
    let report = lint_one(
        "case/template.yaml",
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Metadata:\n      iaclint:\n        ignore:\n          - { rule: iam-wildcard-action, reason: reviewed, until: 20270131 }\n",
    );
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("not `20270131`")),
        "{messages:?}"
    );
    assert!(
        !messages.iter().any(|m| m.contains("Number(")),
        "{messages:?}"
    );
}

#[test]
fn workflow_suppression_comments_silence_findings() {
    let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4 # iaclint:ignore unpinned-action -- internal mirror pins it\n";
    let report = lint_one("case/.github/workflows/ci.yml", workflow);
    assert!(
        !rule_ids(&report).contains(&"unpinned-action"),
        "{:?}",
        report.findings
    );
    assert_eq!(report.suppressed, 1);
    // A suppression of a rule that reports nothing there is unused, as in other formats.
    let report = lint_one(
        "case/.github/workflows/ci.yml",
        &workflow.replace("unpinned-action", "script-injection"),
    );
    assert!(rule_ids(&report).contains(&"unpinned-action"));
    assert!(
        rule_ids(&report).contains(&"unused-suppression"),
        "{:?}",
        report.findings
    );
}

#[test]
fn compare_messages_show_the_operator_as_written() {
    let rule = r#"
id: short-retention
title: Log retention too short
severity: low
category: test
since: 0.1.0
docs: { what: x, why: x, fix: x, references: [https://example.com] }
help: x
checks:
  - select: { terraform: [aws_cloudwatch_log_group] }
    require: { compare: { path: $.retention_in_days, op: ">=", value: 30 } }
    message: "{resource}: {detail}"
cases:
  - kind: bad
    format: terraform
    name: a week
    code: |
      resource "aws_cloudwatch_log_group" "a" {
        retention_in_days = 7
      }
  - kind: good
    format: terraform
    name: a year
    code: |
      resource "aws_cloudwatch_log_group" "a" {
        retention_in_days = 365
      }
"#;
    let registry =
        Registry::from_sources(vec![("rules/r.yml".into(), rule.into())]).expect("the rule loads");
    let run = harness::run_case(&registry, &registry.rules()[0], 0).expect("the case runs");
    assert!(run.failure.is_none());
    let message = &run.report.findings[0].message;
    assert!(message.contains("expected >= 30"), "{message}");
    // Operators are an enum: an unknown one names the valid ones.
    let e = iaclint::rules::load_rule("rules/r.yml", &rule.replace("\">=\"", "\"=>\""))
        .expect_err("`=>` is no operator");
    assert!(
        e.kind.to_string().contains("unknown variant `=>`") && e.kind.to_string().contains(">="),
        "{e}"
    );
}

#[test]
fn rule_files_name_known_remediation_keys_and_resource_types() {
    let load =
        |text: &str| iaclint::rules::load_rule("rules/x.yml", text).expect_err("must be rejected");
    let rollback = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/ecs-service-without-rollback.yml"
    ))
    .unwrap();
    let e = load(&rollback.replace("remediation:\n", "remediation:\n  pulumi: x\n"));
    assert!(
        e.kind
            .to_string()
            .contains("remediation: unknown key `pulumi`"),
        "{e}"
    );

    let e = load(&rollback.replace(
        "terraform: [aws_ecs_service]",
        "terraform: [AWS::ECS::Service]",
    ));
    assert!(
        e.kind
            .to_string()
            .contains("select.terraform: `AWS::ECS::Service`"),
        "{e}"
    );
    let e = load(&rollback.replace("[\"AWS::ECS::Service\"]", "[\"aws_ecs_service\"]"));
    assert!(
        e.kind
            .to_string()
            .contains("select.cloudformation: `aws_ecs_service`"),
        "{e}"
    );

    let autoscaling = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/ecs-service-without-autoscaling.yml"
    ))
    .unwrap();
    let e = load(&autoscaling.replace(
        "types: [aws_appautoscaling_target]",
        "types: [aws-appautoscaling-target]",
    ));
    assert!(
        e.kind
            .to_string()
            .contains("referrers.types: unknown type `aws-appautoscaling-target`"),
        "{e}"
    );

    let boundary = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/lambda-vpc-boundary-blocks-eni.yml"
    ))
    .unwrap();
    let e = load(&boundary.replace("to: [aws_iam_role]", "to: [aws_iam_Role]"));
    assert!(
        e.kind
            .to_string()
            .contains("follow: unknown type `aws_iam_Role`"),
        "{e}"
    );
}

#[test]
fn no_rule_is_newer_than_the_crate() {
    let version = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap()).collect() };
    let crate_version = version(env!("CARGO_PKG_VERSION"));
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    for rule in registry.rules() {
        assert!(
            version(&rule.spec.since) <= crate_version,
            "{}: since {} is newer than the crate ({})",
            rule.id(),
            rule.spec.since,
            env!("CARGO_PKG_VERSION")
        );
    }
}

/// `"%{if var.x}*%{endif}${var.y}"`: the directive's literal `*` may or may not be in the
/// value, so a wildcard check on it is undecided, never a silent pass (it was read as a
/// template whose literal text is `%{if var.x}*%{endif}`, never `*`).
#[test]
fn template_directive_with_an_unknown_condition_may_be_a_wildcard() {
    let policy = |resource: &str| {
        format!(
            r#"variable "x" {{}}
variable "y" {{}}
resource "aws_iam_role_policy" "app" {{
  role = "app"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "s3:DeleteObject", Resource = {resource} }}]
  }})
}}
"#
        )
    };
    let undecided = |r: &iaclint::lint::Report| {
        r.undecided
            .iter()
            .filter(|u| u.rule_id == "iam-wildcard-resource")
            .count()
    };
    let directive = lint_one("main.tf", &policy(r#""%{if var.x}*%{endif}${var.y}""#));
    assert!(
        !rule_ids(&directive).contains(&"iam-wildcard-resource"),
        "{:?}",
        directive.findings
    );
    assert_eq!(undecided(&directive), 1, "{:?}", directive.undecided);
    // Literal text around the directive still proves the value is not `*`.
    let prefixed = lint_one(
        "main.tf",
        &policy(r#""arn:aws:s3:::b/%{if var.x}*%{endif}""#),
    );
    assert!(prefixed.findings.is_empty(), "{:?}", prefixed.findings);
    assert_eq!(undecided(&prefixed), 0, "{:?}", prefixed.undecided);
}

/// A directive whose condition is known is evaluated: its `*` is a wildcard.
#[test]
fn template_directive_with_a_known_true_condition_is_a_wildcard() {
    let report = lint_one(
        "main.tf",
        r#"variable "open" {
  default = true
}
resource "aws_iam_role_policy" "app" {
  role = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:DeleteObject", Resource = "%{if var.open}*%{else}arn:aws:s3:::b/*%{endif}" }]
  })
}
"#,
    );
    assert_eq!(
        rule_ids(&report),
        ["iam-wildcard-resource"],
        "{:?}",
        report.findings
    );
}
