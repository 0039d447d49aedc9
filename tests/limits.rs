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
    assert!(
        last.contains(&format!("and {} more locations", n - limit - 1))
            || last.contains("more locations"),
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
