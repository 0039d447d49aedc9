//! Hostile input that used to take quadratic time or memory: generated here, checked on the work
//! done (counts), with sizes that would take minutes if the work were quadratic again.

use iaclint::lint::{Settings, lint_sources};
use iaclint::rules::Registry;

fn lint(path: &str, text: String) -> iaclint::lint::Report {
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    lint_sources(
        vec![(path.to_string(), text)],
        &registry,
        &Settings::default(),
    )
    .expect("lint runs")
}

#[test]
fn a_statement_with_100k_wildcard_actions_is_one_finding_with_capped_labels() {
    // Used to take 8 s at 160k actions (quadratic label dedup) and carry one label per action.
    let n = 100_000;
    let actions: Vec<String> = (0..n).map(|i| format!("\"s3:Get{i}*\"")).collect();
    let text = format!(
        r#"{{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {{"P": {{"Type": "AWS::IAM::Policy",
"Properties": {{"PolicyName": "p", "Roles": ["r"], "PolicyDocument": {{"Version": "2012-10-17",
"Statement": [{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}]}}}}}}}}}}"#,
        actions.join(", ")
    );
    let report = lint("t.json", text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let limit = iaclint::limits::Limits::DEFAULT.related_labels;
    let wide: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.related.len() == limit)
        .collect();
    assert!(!wide.is_empty(), "{:?}", report.findings);
    for f in &report.findings {
        assert!(
            f.related.len() <= limit,
            "{}: {}",
            f.rule_id,
            f.related.len()
        );
    }
    let last = &wide[0].related[limit - 1].message;
    // One witness per action: `limit` shown, the rest counted.
    assert!(
        last.contains(&format!("; and {} more locations, not shown", n - limit)),
        "{last}"
    );
    assert!(last.contains("related-labels"), "{last}");
}

#[test]
fn thousands_of_stacked_suppression_comments_are_linear() {
    // Each comment used to scan every comment line below it to find its target: 26 s at 50k.
    let n = 60_000;
    let mut text = String::from("resource \"aws_s3_bucket\" \"b\" {}\n\n");
    for _ in 0..n {
        text.push_str("# iaclint:ignore x -- r\n");
    }
    text.push_str("\nresource \"aws_sqs_queue\" \"q\" {}\n");
    for _ in 0..n {
        text.push_str("# iaclint:ignore no-such-rule -- r\n");
    }
    text.push_str("resource \"aws_sns_topic\" \"t\" {}\n");
    let report = lint("m/main.tf", text);
    let invalid = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "invalid-suppression")
        .count();
    // The first block is above nothing (a blank line follows it); the second names an unknown rule.
    assert_eq!(invalid, 2 * n, "{:?}", report.findings.first());
}

fn check(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = assert_cmd::Command::cargo_bin("iaclint")
        .expect("binary is built")
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .expect("runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn limits_from_the_config_apply_and_are_named_where_hit() {
    let dir = tempfile::tempdir().unwrap();
    let long = "a".repeat(200);
    std::fs::write(
        dir.path().join("t.json"),
        format!(
            r#"{{"Resources": {{"B": {{"Type": "AWS::SNS::Topic", "Properties": {{
  "TopicName": {{"Fn::Join": ["", ["{long}", "{long}"]]}}}}}}}}}}"#
        ),
    )
    .unwrap();
    // Within the default limits: clean.
    let (code, out) = check(dir.path(), &["--format", "concise", "."]);
    assert_eq!(code, 0, "{out}");
    std::fs::write(
        dir.path().join(".iaclint.toml"),
        "[limits]\nstring-bytes = 300\n",
    )
    .unwrap();
    let (code, out) = check(dir.path(), &["--format", "concise", "."]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("t.json:2:16:"), "{out}");
    assert!(
        out.contains("limit `string-bytes` under `[limits]`"),
        "{out}"
    );
    // A mistake in the table is a located config error.
    std::fs::write(
        dir.path().join(".iaclint.toml"),
        "[limits]\nstring-byte = 300\n",
    )
    .unwrap();
    let (code, out) = check(dir.path(), &["."]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(".iaclint.toml:2:1: unknown limit `string-byte`"),
        "{out}"
    );
}

#[test]
fn reference_depth_reached_is_an_undecided_check_naming_the_limit() {
    // Used to be a silent unknown: the check neither fired nor said why.
    let text = r#"
resource "aws_ecs_service" "api" {
  name = "api"
}

resource "aws_appautoscaling_target" "api" {
  service_namespace = "ecs"
  resource_id       = "service/main/${aws_ecs_service.api.name}"
}

resource "aws_appautoscaling_policy" "api" {
  name        = "cpu"
  resource_id = aws_appautoscaling_target.api.resource_id
}
"#
    .to_string();
    let registry = Registry::builtin().expect("the built-in rule pack loads");
    let mut settings = Settings::default();
    settings.limits.reference_depth = 1;
    let report = lint_sources(
        vec![("m/main.tf".into(), text.clone())],
        &registry,
        &settings,
    )
    .expect("lint runs");
    let u = report
        .undecided
        .iter()
        .find(|u| u.rule_id == "ecs-service-without-autoscaling")
        .unwrap_or_else(|| panic!("{:?} {:?}", report.undecided, report.findings));
    assert!(u.reason.contains("reference-depth"), "{}", u.reason);
    // With the default depth the same check is decided (autoscaled: no finding).
    let report = lint("m/main.tf", text);
    assert!(
        !report
            .undecided
            .iter()
            .any(|u| u.rule_id == "ecs-service-without-autoscaling"),
        "{:?}",
        report.undecided
    );
}
