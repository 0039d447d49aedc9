//! End-to-end: the binary on the bundled examples and on broken input, with snapshots of every
//! output format. Run from the crate root, so paths in the output are relative to it.

use assert_cmd::Command;

fn iaclint() -> Command {
    let mut c = Command::cargo_bin("iaclint").expect("binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = iaclint().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = run(args);
    let v = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, v)
}

#[test]
fn bad_examples_human() {
    let (code, stdout, _) = run(&["check", "examples/terraform/bad", "--no-color"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn bad_examples_json() {
    let (code, stdout, _) = run(&["check", "examples/terraform/bad", "--format", "json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn bad_examples_report_every_seed_rule() {
    let (_, v) = json(&["check", "examples/terraform/bad", "--format", "json"]);
    let ids: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    for id in [
        "iam-wildcard-action",
        "iam-wildcard-resource",
        "kms-key-missing-service-principal",
        "lambda-vpc-boundary-blocks-eni",
        "ecs-service-without-rollback",
        "ecs-service-without-autoscaling",
    ] {
        assert!(ids.contains(id), "{id} missing from {ids:?}");
    }
}

#[test]
fn fixed_examples_are_clean() {
    let (code, stdout, _) = run(&["check", "examples/terraform/fixed", "--no-color"]);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!(stdout);
    let (code, v) = json(&["check", "examples/terraform/fixed", "--format", "json"]);
    assert_eq!(code, 0);
    insta::assert_json_snapshot!(v);
}

#[test]
fn json_contract_fields() {
    let (_, v) = json(&["check", "examples/terraform/bad", "--format", "json"]);
    assert_eq!(v["version"], "0.1.0");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(
        v["summary"]["findings"].as_u64().unwrap() as usize,
        findings.len()
    );
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["files"], 8);
    let mut last = (String::new(), 0, 0, String::new());
    for f in findings {
        for key in [
            "rule_id",
            "severity",
            "message",
            "file",
            "resource",
            "help",
            "fingerprint",
        ] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
        for key in ["start", "end"] {
            for p in ["line", "column", "offset"] {
                assert!(f[key][p].as_u64().is_some(), "{key}.{p} in {f}");
            }
        }
        assert!(
            f["start"]["line"].as_u64().unwrap() >= 1
                && f["start"]["column"].as_u64().unwrap() >= 1
        );
        assert!(f["related"].is_array());
        let key = (
            f["file"].as_str().unwrap().to_string(),
            f["start"]["line"].as_u64().unwrap(),
            f["start"]["column"].as_u64().unwrap(),
            f["rule_id"].as_str().unwrap().to_string(),
        );
        assert!(key >= last, "findings are sorted: {key:?} after {last:?}");
        last = key;
        // The span names the text it claims.
        let text = std::fs::read_to_string(
            concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + f["file"].as_str().unwrap(),
        )
        .unwrap();
        let (s, e) = (
            f["start"]["offset"].as_u64().unwrap() as usize,
            f["end"]["offset"].as_u64().unwrap() as usize,
        );
        assert!(s < e && e <= text.len(), "span inside the file: {f}");
    }
    // The key policy finding points at `kms_key_id` and labels the key policy.
    let kms = findings
        .iter()
        .find(|f| f["resource"] == "aws_cloudwatch_log_group.processor")
        .expect("kms finding");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/terraform/bad/kms_logs.tf"
    ))
    .unwrap();
    let s = kms["start"]["offset"].as_u64().unwrap() as usize;
    let e = kms["end"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(&text[s..e], "aws_kms_key.logs.arn");
    assert!(
        kms["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["message"].as_str().unwrap().contains("key policy"))
    );
}

#[test]
fn fingerprints_survive_lines_added_above() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/malformed/ok.tf"
    ))
    .unwrap();
    let path = dir.path().join("main.tf");
    std::fs::write(&path, &src).unwrap();
    let p = path.to_str().unwrap();
    let (_, a) = json(&["check", p, "--format", "json"]);
    std::fs::write(&path, format!("# a comment\n\n{src}")).unwrap();
    let (_, b) = json(&["check", p, "--format", "json"]);
    assert_ne!(
        a["findings"][0]["start"]["line"],
        b["findings"][0]["start"]["line"]
    );
    assert_eq!(
        a["findings"][0]["fingerprint"],
        b["findings"][0]["fingerprint"]
    );
}

#[test]
fn fail_on_threshold_and_rule_selection() {
    // Highest severity in the bad examples is `high`.
    assert_eq!(
        run(&[
            "check",
            "examples/terraform/bad",
            "--fail-on",
            "critical",
            "-q"
        ])
        .0,
        0
    );
    assert_eq!(
        run(&["check", "examples/terraform/bad", "--fail-on", "high", "-q"]).0,
        1
    );
    let (code, v) = json(&[
        "check",
        "examples/terraform/bad",
        "--format",
        "json",
        "--rule",
        "ecs-service-without-rollback",
    ]);
    assert_eq!(code, 1);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] == "ecs-service-without-rollback")
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 2);
    let (_, v) = json(&[
        "check",
        "examples/terraform/bad",
        "--format",
        "json",
        "--skip-rule",
        "iam-wildcard-resource",
        "--skip-rule",
        "iam-wildcard-action",
    ]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["rule_id"].as_str().unwrap().starts_with("iam-"))
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = run(&["check", "examples", "--rule", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule `no-such-rule`"), "{stderr}");
    assert_eq!(run(&["check", "--fail-on", "severe"]).0, 2);
    assert_eq!(run(&["explain", "no-such-rule"]).0, 2);
    let (code, _, stderr) = run(&["explain", "iam-wildcard-actions"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `iam-wildcard-action`?"),
        "{stderr}"
    );
    let (_, _, stderr) = run(&[
        "check",
        "examples",
        "--skip-rule",
        "ecs-service-without-rolback",
    ]);
    assert!(
        stderr.contains("did you mean `ecs-service-without-rollback`?"),
        "{stderr}"
    );
    let (code, stdout, _) = run(&["check", "does/not/exist", "--format", "json"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("cannot read path"), "{stdout}");
}

#[test]
fn malformed_files_are_located_errors_and_the_rest_is_linted() {
    let (code, v) = json(&["check", "tests/fixtures/malformed", "--format", "json"]);
    assert_eq!(code, 2, "{v}");
    let errors = v["errors"].as_array().unwrap();
    let files: Vec<&str> = errors.iter().map(|e| e["file"].as_str().unwrap()).collect();
    for name in [
        "binary.tf",
        "deep_nesting.tf",
        "truncated.tf",
        "unterminated_string.tf",
    ] {
        let e = errors
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not reported: {files:?}"));
        assert!(
            e["start"]["line"].as_u64().is_some(),
            "{name} has a line: {e}"
        );
        assert!(
            e["start"]["column"].as_u64().is_some(),
            "{name} has a column: {e}"
        );
    }
    // ok.tf is still linted.
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["file"].as_str().unwrap().ends_with("ok.tf")
                && f["rule_id"] == "iam-wildcard-action")
    );
    let (_, stdout, _) = run(&["check", "tests/fixtures/malformed", "--no-color"]);
    insta::assert_snapshot!(stdout);
}

#[test]
fn rules_and_explain() {
    let (code, stdout, _) = run(&["rules"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
    let (code, stdout, _) = run(&["explain", "kms-key-missing-service-principal"]);
    assert_eq!(code, 0);
    for s in [
        "## What it does",
        "## Why is this bad?",
        "## How to fix it",
        "## Example",
        "## Use instead",
        "## References",
    ] {
        assert!(stdout.contains(s), "{s}");
    }
}

#[test]
fn explicit_files_are_linted_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored.tf\n.terraform/\n").unwrap();
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/malformed/ok.tf"
    ))
    .unwrap();
    std::fs::write(dir.path().join("ignored.tf"), &body).unwrap();
    std::fs::create_dir_all(dir.path().join(".terraform/modules/x")).unwrap();
    std::fs::write(dir.path().join(".terraform/modules/x/main.tf"), &body).unwrap();
    std::fs::create_dir_all(dir.path().join("node_modules/y")).unwrap();
    std::fs::write(dir.path().join("node_modules/y/main.tf"), &body).unwrap();
    let root = dir.path().to_str().unwrap();
    let (code, v) = json(&["check", root, "--format", "json"]);
    assert_eq!(code, 0, "ignored and vendored files are skipped: {v}");
    assert_eq!(v["summary"]["files"], 0);
    let explicit = dir.path().join("ignored.tf");
    let (code, v) = json(&["check", explicit.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{v}");
}

#[test]
fn debug_graph_shows_nodes_edges_and_policies() {
    let (code, stdout, _) = run(&["debug", "graph", "examples/terraform/bad"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("aws_cloudwatch_log_group.processor (Resource aws_cloudwatch_log_group) examples/terraform/bad/kms_logs.tf:"));
    assert!(
        stdout.contains("  $.kms_key_id -> aws_kms_key.logs.arn"),
        "{stdout}"
    );
    assert!(
        stdout.contains("aws_iam_policy.boundary $.policy (boundary,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("aws_iam_role.processor $.assume_role_policy (trust,"),
        "{stdout}"
    );
}

#[test]
fn verbose_says_what_could_not_be_decided() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"variable "key_arn" {
  type = string
}

resource "aws_cloudwatch_log_group" "app" {
  name       = "app"
  kms_key_id = var.key_arn
}

resource "aws_ecs_service" "api" {
  name = "api"
  deployment_circuit_breaker {
    enable   = true
    rollback = var.rollback
  }
}
"#,
    )
    .unwrap();
    let p = dir.path().to_str().unwrap();
    let (code, stdout, _) = run(&[
        "check",
        p,
        "--no-color",
        "--rule",
        "kms-key-missing-service-principal",
        "--rule",
        "ecs-service-without-rollback",
    ]);
    assert_eq!(code, 0, "unknowns are not findings: {stdout}");
    assert!(
        stdout.contains("2 checks not decided (unknown values, see --verbose)"),
        "{stdout}"
    );
    let (_, stdout, _) = run(&[
        "check",
        p,
        "--no-color",
        "--verbose",
        "--rule",
        "kms-key-missing-service-principal",
        "--rule",
        "ecs-service-without-rollback",
    ]);
    assert!(
        stdout.contains("kms-key-missing-service-principal not decided for `aws_cloudwatch_log_group.app`: `kms_key_id` does not reference any aws_kms_key in this configuration"),
        "{stdout}"
    );
    assert!(stdout.contains("ecs-service-without-rollback not decided for `aws_ecs_service.api`: `rollback` is `var.rollback`"), "{stdout}");
}

#[test]
fn output_is_deterministic_across_runs() {
    let first = run(&["check", "examples/", "--format", "json"]).1;
    for _ in 0..3 {
        assert_eq!(first, run(&["check", "examples/", "--format", "json"]).1);
    }
}

#[test]
fn workflow_examples() {
    let (code, stdout, _) = run(&["check", "examples/workflows/bad", "--no-color"]);
    assert_eq!(code, 1, "{stdout}");
    insta::assert_snapshot!(stdout);
    let (code, v) = json(&["check", "examples/workflows/fixed", "--format", "json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["summary"]["files"], 1, "{v}");
}

#[test]
fn cloudformation_and_cdk_examples() {
    for dir in ["examples/cloudformation/bad", "examples/cdk/cdk.out"] {
        let (code, stdout, _) = run(&["check", dir, "--no-color"]);
        assert_eq!(code, 1, "{dir}: {stdout}");
        insta::assert_snapshot!(format!("human_{}", dir.replace('/', "_")), stdout);
        let (_, v) = json(&["check", dir, "--format", "json"]);
        insta::assert_json_snapshot!(format!("json_{}", dir.replace('/', "_")), v);
    }
    let (code, v) = json(&["check", "examples/cloudformation/fixed", "--format", "json"]);
    assert_eq!(code, 0, "{v}");
    // The CDK fixed stack sits beside the bad one; only the bad one may have findings.
    let (_, v) = json(&["check", "examples/cdk/cdk.out", "--format", "json"]);
    for f in v["findings"].as_array().unwrap() {
        assert!(
            f["file"]
                .as_str()
                .unwrap()
                .ends_with("BadStack.template.json"),
            "{f}"
        );
        assert!(
            f["cdk_path"].as_str().unwrap().starts_with("BadStack/"),
            "{f}"
        );
    }
    // manifest.json, tree.json and the asset manifests are not templates.
    assert_eq!(v["summary"]["files"], 2, "{v}");
}

#[test]
fn cloudformation_metadata_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let template = |metadata: &str| {
        format!(
            r#"{{
  "Resources": {{
    "Tracing": {{
      "Type": "AWS::IAM::Policy",
      "Metadata": {metadata},
      "Properties": {{
        "PolicyName": "p",
        "Roles": ["app"],
        "PolicyDocument": {{
          "Version": "2012-10-17",
          "Statement": [{{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }}]
        }}
      }}
    }}
  }}
}}
"#
        )
    };
    let path = dir.path().join("template.json");
    let p = path.to_str().unwrap();

    std::fs::write(&path, template(r#"{"iaclint": {"ignore": [{"rule": "iam-wildcard-resource", "reason": "reads every bucket of the sandbox account"}]}}"#)).unwrap();
    let (code, v) = json(&["check", p, "--format", "json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["summary"]["findings"], 0);

    // A suppression for another rule silences nothing, and is reported unused.
    std::fs::write(
        &path,
        template(r#"{"iaclint": {"ignore": [{"rule": "iam-wildcard-action", "reason": "x"}]}}"#),
    )
    .unwrap();
    let (code, v) = json(&["check", p, "--format", "json"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["suppressed"], 0);
    assert_eq!(
        rule_ids(&v),
        ["unused-suppression", "iam-wildcard-resource"]
    );

    // Without a reason: an `invalid-suppression` finding at the entry, and the finding is still
    // reported (not an input error: the rest of the template is fine).
    std::fs::write(
        &path,
        template(r#"{"iaclint": {"ignore": [{"rule": "iam-wildcard-resource"}]}}"#),
    )
    .unwrap();
    let (code, v) = json(&["check", p, "--format", "json"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(
        rule_ids(&v),
        ["invalid-suppression", "iam-wildcard-resource"]
    );
    let f = &v["findings"][0];
    assert!(
        f["message"].as_str().unwrap().contains("has no reason"),
        "{f}"
    );
    assert_eq!(f["start"]["line"], 5, "{f}");

    // Expired (`until` before today).
    std::fs::write(
        &path,
        template(r#"{"iaclint": {"ignore": [{"rule": "iam-wildcard-resource", "reason": "x", "until": "2026-03-01"}]}}"#),
    )
    .unwrap();
    let (_, v) = json_today("2026-03-01", &["check", p, "--format", "json"]);
    assert_eq!(
        v["summary"]["suppressed"], 1,
        "the last day still counts: {v}"
    );
    let (_, v) = json_today("2026-03-02", &["check", p, "--format", "json"]);
    assert_eq!(v["summary"]["suppressed"], 0);
    assert_eq!(
        rule_ids(&v),
        ["invalid-suppression", "iam-wildcard-resource"]
    );
}

/// The rule ids of a JSON report's findings, in order.
fn rule_ids(v: &serde_json::Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect()
}

/// Like [`json`], with "today" set for `until=` dates.
fn json_today(today: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let out = iaclint()
        .env("IACLINT_TODAY", today)
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn malformed_templates_are_located_errors() {
    let (code, v) = json(&["check", "tests/fixtures/malformed-cfn", "--format", "json"]);
    assert_eq!(code, 2, "{v}");
    let errors = v["errors"].as_array().unwrap();
    for name in [
        "bad_indent.yaml",
        "billion_laughs.yaml",
        "not_a_map.yaml",
        "truncated.json",
    ] {
        let e = errors
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not reported: {v}"));
        assert!(e["start"]["line"].as_u64().is_some(), "{name}: {e}");
    }
    // The alias bomb is refused at the limit, not expanded (asserted on the error, not timed).
    let bomb = errors
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("billion_laughs.yaml"))
        .unwrap();
    assert!(
        bomb["message"]
            .as_str()
            .unwrap()
            .contains("yaml-alias-values"),
        "{bomb}"
    );
    let (_, stdout, _) = run(&["check", "tests/fixtures/malformed-cfn", "--no-color"]);
    insta::assert_snapshot!(stdout);
}

/// The SARIF 2.1.0 schema (see `tests/schemas/README.md`), compiled once.
fn sarif_validator() -> &'static jsonschema::Validator {
    static V: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/schemas/sarif-schema-2.1.0.json"
        ))
        .expect("schema is shipped");
        // The OASIS text has a pattern the `regex` engine refuses (`...{2}]?$`); the sarif-sdk copy
        // we ship has the corrected one, but patch the OASIS form too should the file be replaced.
        let text = text.replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
        );
        let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

fn assert_valid_sarif(v: &serde_json::Value) {
    let errors: Vec<String> = sarif_validator()
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
}

/// Runs `check ARGS --format sarif`, validates the log against the schema and replaces the
/// machine-specific `%SRCROOT%` URI with a placeholder.
fn sarif(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "sarif"]);
    let (code, mut v) = json(&all);
    assert_valid_sarif(&v);
    let root = &mut v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    let uri = root.as_str().expect("%SRCROOT% has a uri");
    assert!(
        uri.starts_with("file:///") && uri.ends_with('/'),
        "absolute directory URI: {uri}"
    );
    *root = "file:///[SRCROOT]/".into();
    (code, v)
}

#[test]
fn schema_validation_rejects_invalid_sarif() {
    // The validator is live: a level outside the enum and a missing message are refused.
    let (_, mut v) = sarif(&["examples/terraform/bad"]);
    v["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!sarif_validator().is_valid(&v));
    let (_, mut v) = sarif(&["examples/terraform/bad"]);
    v["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!sarif_validator().is_valid(&v));
}

#[test]
fn sarif_examples() {
    let (_, rules, _) = run(&["rules"]);
    let rule_count = rules.lines().count() - 1;
    for dir in ["examples/terraform/bad", "examples/cloudformation/bad"] {
        let (code, v) = sarif(&[dir]);
        assert_eq!(code, 1, "{dir}");
        let run = &v["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "iaclint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), rule_count, "every rule that ran is described");
        for r in rules {
            for key in ["security-severity", "precision"] {
                assert!(r["properties"][key].is_string(), "{key} in {r}");
            }
            assert!(
                r["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .contains("## How to fix it")
            );
        }
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for res in results {
            let i = res["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], res["ruleId"], "{res}");
            let loc = &res["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert!(
                loc["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{dir}/"))
            );
            assert!(res["partialFingerprints"]["iaclint/v1"].is_string());
        }
        // The snapshot describes only the rules with results, by id, and no rule indices:
        // adding a rule to the pack must not rewrite it.
        let mut v = v;
        let with_results: std::collections::BTreeSet<String> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap().to_string())
            .collect();
        v["runs"][0]["tool"]["driver"]["rules"] = with_results.into_iter().collect();
        for res in v["runs"][0]["results"].as_array_mut().unwrap() {
            res["ruleIndex"] = "[ruleIndex]".into();
        }
        insta::assert_json_snapshot!(format!("sarif_{}", dir.replace('/', "_")), v);
    }
    // --rule narrows the rules described.
    let (_, v) = sarif(&[
        "examples/terraform/bad",
        "--rule",
        "ecs-service-without-rollback",
    ]);
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["id"], "ecs-service-without-rollback");
    assert_eq!(rules[0]["name"], "EcsServiceWithoutRollback");
}

#[test]
fn sarif_output_is_deterministic() {
    let first = run(&["check", "examples/", "--format", "sarif"]).1;
    assert_eq!(first, run(&["check", "examples/", "--format", "sarif"]).1);
}

#[test]
fn github_workflow_commands() {
    let (code, stdout, _) = run(&["check", "examples/terraform/bad", "--format", "github"]);
    assert_eq!(code, 1);
    for line in stdout.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        assert!(line.contains(",title="), "{line}");
    }
    insta::assert_snapshot!(stdout);
    let (code, stdout, _) = run(&["check", "tests/fixtures/malformed", "--format", "github"]);
    assert_eq!(code, 2);
    assert!(
        stdout.lines().any(|l| l
            .starts_with("::error file=tests/fixtures/malformed/truncated.tf,line=")
            && l.contains(",title=parse-error::")),
        "{stdout}"
    );
}

#[test]
fn sarif_fingerprints_survive_lines_added_above() {
    let dir = tempfile::tempdir().unwrap();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/terraform/bad");
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let p = dir.path().to_str().unwrap();
    let key = |v: &serde_json::Value| -> Vec<(String, String, u64)> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["iaclint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let (_, a) = sarif(&[p]);
    // Outside the current directory: absolute file URIs, no uriBaseId.
    let loc = &a["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(
        loc["uri"].as_str().unwrap().starts_with("file:///"),
        "{loc}"
    );
    assert!(loc.get("uriBaseId").is_none(), "{loc}");
    let iam = dir.path().join("iam.tf");
    let text = std::fs::read_to_string(&iam).unwrap();
    std::fs::write(&iam, format!("# a comment\n\n{text}")).unwrap();
    let (_, b) = sarif(&[p]);
    let (a, b) = (key(&a), key(&b));
    assert_eq!(a.len(), b.len());
    let mut moved = 0;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.0, &x.1), (&y.0, &y.1), "fingerprint changed");
        if x.2 != y.2 {
            moved += 1;
        }
    }
    assert!(moved > 0, "some finding moved down: {b:?}");
}

#[test]
fn several_formats_from_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.sarif");
    let spec = format!("sarif={}", file.display());
    let (code, stdout, stderr) = run(&[
        "check",
        "examples/terraform/bad",
        "--no-color",
        "--format",
        "human",
        "--format",
        &spec,
    ]);
    assert_eq!(code, 1, "{stderr}");
    let (_, human, _) = run(&["check", "examples/terraform/bad", "--no-color"]);
    assert_eq!(stdout, human, "stdout is the human report");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_valid_sarif(&v);
    // --output with a single format.
    let out = dir.path().join("r.json");
    let (code, stdout, _) = run(&[
        "check",
        "examples/terraform/bad",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["version"], "0.1.0");
}

#[test]
fn output_conflicts_are_usage_errors() {
    let (code, stdout, stderr) = run(&[
        "check",
        "examples/terraform/bad",
        "--format",
        "sarif",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("only one format can go to stdout"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&[
        "check",
        "examples/terraform/bad",
        "--format",
        "sarif=a.sarif",
        "--format",
        "json",
        "--output",
        "b.json",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--output needs exactly one --format"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["check", "examples/terraform/bad", "--format", "xml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown format `xml`"), "{stderr}");
    // An unwritable file: exit 2 and a message naming it.
    let (code, _, stderr) = run(&[
        "check",
        "examples/terraform/fixed",
        "--format",
        "sarif=does/not/exist/r.sarif",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot write the sarif report to does/not/exist/r.sarif"),
        "{stderr}"
    );
}

#[test]
fn sarif_parse_errors_are_tool_notifications() {
    let (code, v) = sarif(&["tests/fixtures/malformed"]);
    assert_eq!(code, 2);
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    for name in [
        "binary.tf",
        "deep_nesting.tf",
        "truncated.tf",
        "unterminated_string.tf",
    ] {
        let n = notes
            .iter()
            .find(|n| {
                n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .ends_with(name)
            })
            .unwrap_or_else(|| panic!("{name} not reported: {notes:?}"));
        assert_eq!(n["level"], "error");
        assert!(n["message"]["text"].as_str().unwrap().len() > 5);
        assert!(
            n["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .is_some(),
            "{n}"
        );
    }
    // ok.tf is still linted.
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
}

fn run_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> (i32, String, String) {
    let out = iaclint()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

#[test]
fn concise_format() {
    let (code, stdout, _) = run(&["check", "examples/terraform/bad", "--format", "concise"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
    let (code, stdout, _) = run(&["check", "tests/fixtures/malformed", "--format", "concise"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("concise_format_parse_errors", stdout);
}

#[test]
fn stdin_reports_only_the_buffer_like_a_disk_scan() {
    let path = "examples/terraform/bad/iam.tf";
    let text = std::fs::read_to_string(path).unwrap();
    let (code, stdout, stderr) = run_stdin(
        &[
            "check",
            "--stdin-filename",
            path,
            "-",
            "--format",
            "concise",
        ],
        text.clone(),
    );
    assert_eq!(code, 1, "{stderr}");
    // The same lines as a scan of the directory, restricted to the file.
    let (_, all, _) = run(&["check", "examples/terraform/bad", "--format", "concise"]);
    let expected: Vec<&str> = all.lines().filter(|l| l.starts_with(path)).collect();
    assert!(!expected.is_empty());
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);

    // The buffer replaces the file on disk: a fixed buffer has no finding, and the findings of
    // the other files of the module are not reported.
    let (code, stdout, stderr) = run_stdin(
        &[
            "check",
            "--stdin-filename",
            path,
            "-",
            "--format",
            "concise",
        ],
        "# nothing here yet\n",
    );
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");

    // Parse errors in the buffer are reported, in the buffer's name.
    let (code, stdout, _) = run_stdin(
        &[
            "check",
            "--stdin-filename",
            path,
            "-",
            "--format",
            "concise",
        ],
        "resource \"aws_s3_bucket\" \"b\" {\n",
    );
    assert_eq!(code, 2);
    assert!(
        stdout.starts_with("examples/terraform/bad/iam.tf:1:") && stdout.contains("parse-error"),
        "{stdout}"
    );
}

#[test]
fn stdin_sees_the_rest_of_the_module() {
    let fixed = std::fs::read_to_string("examples/terraform/fixed/ecs.tf").unwrap();
    let lines: Vec<&str> = fixed.lines().collect();
    let service = lines[165..200].join("\n") + "\n";
    let scaling = lines[232..257].join("\n") + "\n";
    assert!(service.starts_with("resource \"aws_ecs_service\" \"api\""));
    assert!(scaling.starts_with("resource \"aws_appautoscaling_target\" \"api\""));
    let module = tempfile::tempdir().unwrap();
    std::fs::write(module.path().join("scaling.tf"), scaling).unwrap();
    // Stale on-disk version of the buffer's file: ignored.
    std::fs::write(module.path().join("service.tf"), "broken {").unwrap();
    let lone = tempfile::tempdir().unwrap();
    let lint = |dir: &std::path::Path| {
        let name = dir.join("service.tf");
        let (_, stdout, stderr) = run_stdin(
            &[
                "check",
                "--stdin-filename",
                name.to_str().unwrap(),
                "-",
                "--format",
                "concise",
                "--rule",
                "ecs-service-without-autoscaling",
            ],
            service.clone(),
        );
        assert!(!stdout.contains("parse-error"), "{stdout}\n{stderr}");
        stdout
    };
    // The autoscaling target in scaling.tf is seen.
    assert_eq!(lint(module.path()), "");
    // Without it, the rule fires: the sibling file made the difference.
    assert!(lint(lone.path()).contains("ecs-service-without-autoscaling"));
}

#[test]
fn stdin_templates_stand_alone() {
    let path = "examples/cloudformation/bad/service.yaml";
    let Ok(text) = std::fs::read_to_string(path) else {
        panic!("{path} is missing");
    };
    let (code, stdout, _) = run_stdin(
        &[
            "check",
            "--stdin-filename",
            path,
            "-",
            "--format",
            "concise",
        ],
        text,
    );
    assert_eq!(code, 1);
    assert!(stdout.lines().all(|l| l.starts_with(path)), "{stdout}");
    // JSON or YAML that is not a template is an error.
    let (code, stdout, _) = run_stdin(
        &[
            "check",
            "--stdin-filename",
            "package.yaml",
            "-",
            "--format",
            "concise",
        ],
        "name: x\n",
    );
    assert_eq!(code, 2);
    assert!(stdout.contains("not a CloudFormation template"), "{stdout}");
}

#[test]
fn stdin_usage_errors() {
    let (code, _, stderr) = run_stdin(&["check", "-"], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("--stdin-filename"), "{stderr}");
    let (code, _, stderr) = run_stdin(&["check", "--stdin-filename", "main.tf"], "");
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = run_stdin(
        &["check", "--stdin-filename", "main.tf", "-", "examples"],
        "",
    );
    assert_eq!(code, 2);
    // An unsupported file name.
    let (code, stdout, _) = run_stdin(
        &[
            "check",
            "--stdin-filename",
            "notes.txt",
            "-",
            "--format",
            "concise",
        ],
        "hello",
    );
    assert_eq!(code, 2);
    assert!(stdout.contains("not a file iaclint reads"), "{stdout}");
    // Over the size limit.
    let big = vec![b'#'; 10 * 1024 * 1024 + 1];
    let (code, _, stderr) = run_stdin(&["check", "--stdin-filename", "main.tf", "-"], big);
    assert_eq!(code, 2);
    assert!(stderr.contains("byte limit"), "{stderr}");
}

/// `(line, rule id)` of every finding of a JSON report.
fn lines_and_rules(v: &serde_json::Value) -> Vec<(u64, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["start"]["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expect(pairs: &[(u64, &str)]) -> Vec<(u64, String)> {
    pairs.iter().map(|(l, r)| (*l, r.to_string())).collect()
}

#[test]
fn terraform_suppression_comments() {
    let dir = "tests/fixtures/suppressions/terraform";
    let (code, v) = json_today("2026-06-01", &["check", dir, "--format", "json"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["errors"], 0);
    // A line suppression (1), one above a resource with a comment line between (2 statements),
    // two rules in one comment (2).
    assert_eq!(v["summary"]["suppressed"], 5, "{v}");
    assert_eq!(
        lines_and_rules(&v),
        expect(&[
            // No reason: the finding stays.
            (39, "iam-wildcard-resource"),
            (39, "invalid-suppression"),
            // Expired on 2026-01-31.
            (42, "invalid-suppression"),
            (45, "iam-wildcard-resource"),
            // A misspelt rule id.
            (50, "iam-wildcard-resource"),
            (50, "invalid-suppression"),
            // Nothing to silence.
            (59, "unused-suppression"),
            // `# iaclint:ignore` inside a string and a heredoc is not a comment.
            (71, "iam-wildcard-resource"),
        ])
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages[1].contains("has no reason"), "{}", messages[1]);
    assert!(
        messages[2].contains("expired on 2026-01-31 (today is 2026-06-01)"),
        "{}",
        messages[2]
    );
    assert!(
        messages[5].contains(
            "unknown rule `iam-wildcard-resorce` (did you mean `iam-wildcard-resource`?)"
        ),
        "{}",
        messages[5]
    );
    assert_eq!(v["findings"][6]["resource"], "aws_iam_role_policy.unused");

    // The day of `until` still counts; the day after, the suppression above `expired` is reported
    // too once its date is past.
    let (_, v) = json_today("2027-01-31", &["check", dir, "--format", "json"]);
    assert_eq!(v["summary"]["suppressed"], 5);
    let (_, v) = json_today("2027-02-01", &["check", dir, "--format", "json"]);
    assert_eq!(v["summary"]["suppressed"], 3, "{v}");
    assert_eq!(
        lines_and_rules(&v).iter().filter(|(l, _)| *l == 17).count(),
        1,
        "the expired suppression above `above` is reported"
    );
}

#[test]
fn suppression_findings_respect_the_rule_selection() {
    let dir = "tests/fixtures/suppressions/terraform";
    // `iam-wildcard-action` does not run: its suppressions cannot be unused.
    let (_, v) = json_today(
        "2026-06-01",
        &[
            "check",
            dir,
            "--format",
            "json",
            "--skip-rule",
            "iam-wildcard-action",
        ],
    );
    let ids = rule_ids(&v);
    assert!(!ids.contains(&"unused-suppression"), "{ids:?}");
    assert!(ids.contains(&"invalid-suppression"), "{ids:?}");
    // Only one rule selected: the suppression rules do not run either, but invalid suppressions
    // still suppress nothing.
    let (_, v) = json_today(
        "2026-06-01",
        &[
            "check",
            dir,
            "--format",
            "json",
            "--rule",
            "iam-wildcard-resource",
        ],
    );
    assert_eq!(
        rule_ids(&v),
        ["iam-wildcard-resource"; 4],
        "{}",
        v["findings"]
    );
    assert_eq!(v["summary"]["suppressed"], 4);
    // Suppression findings cannot be suppressed.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "# iaclint:ignore unused-suppression -- quiet please\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let (code, v) = json(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&v), ["invalid-suppression"]);
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be suppressed")
    );
}

#[test]
fn cloudformation_suppression_comments() {
    let dir = "tests/fixtures/suppressions/cloudformation";
    let (code, v) = json_today("2026-06-01", &["check", dir, "--format", "json"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["errors"], 0);
    // A line suppression (1), one above a resource with a comment line between (2 statements).
    assert_eq!(v["summary"]["suppressed"], 3, "{v}");
    assert_eq!(
        lines_and_rules(&v),
        expect(&[
            (35, "iam-wildcard-resource"),
            (35, "invalid-suppression"),
            (36, "invalid-suppression"),
            (45, "iam-wildcard-resource"),
            (54, "iam-wildcard-resource"),
            (54, "invalid-suppression"),
            (64, "unused-suppression"),
            // `#` inside a quoted string and a block scalar is not a comment.
            (76, "iam-wildcard-resource"),
        ])
    );
    assert_eq!(v["findings"][1]["resource"], "Reasonless");
}

#[test]
fn suppression_comments_human() {
    let out = iaclint()
        .env("IACLINT_TODAY", "2026-06-01")
        .args([
            "check",
            "tests/fixtures/suppressions/cloudformation",
            "--no-color",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn repeated_mistakes_in_one_resource_have_distinct_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"resource "aws_iam_role_policy" "p" {
  role = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*" },
      { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" },
    ]
  })
}
"#,
    )
    .unwrap();
    let (_, v) = json(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let prints: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), 2, "{v}");
    assert_ne!(prints[0], prints[1]);
}

#[test]
fn sarif_rules_follow_severity_overrides() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".iaclint.toml"),
        "[rules.severity]\n\"iam-wildcard-action\" = \"low\"\n",
    )
    .unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/malformed/ok.tf"
        ),
        dir.path().join("main.tf"),
    )
    .unwrap();
    let out = iaclint()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "sarif"])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "iam-wildcard-action")
        .unwrap()
        .clone();
    assert_eq!(rule["properties"]["security-severity"], "3.0", "{rule}");
    assert_eq!(rule["defaultConfiguration"]["level"], "warning", "{rule}");
}

#[test]
fn mixed_repository_build_runtime_mismatch() {
    let (code, stdout, _) = run(&["check", "examples/mixed/bad", "--no-color"]);
    assert_eq!(code, 1, "{stdout}");
    insta::assert_snapshot!(stdout);
    let (code, v) = json(&["check", "examples/mixed/fixed", "--format", "json"]);
    assert_eq!(code, 0, "{v}");
}

/// A user rule whose cases pass, and one whose `bad` case does not fire and whose `good` case
/// does (the selector names another attribute than the cases set).
const USER_RULE: &str = r#"
id: bucket-without-owner-tag
title: S3 bucket without an owner tag
severity: low
category: test
since: 0.1.0
docs: { what: x, why: x, fix: x, references: [https://example.com] }
help: Tag the bucket.
checks:
  - select: { terraform: [aws_s3_bucket] }
    require: { exists: $.tags.owner }
    message: "{resource} has no owner tag"
cases:
  - kind: bad
    format: terraform
    name: untagged
    code: |
      resource "aws_s3_bucket" "b" {}
  - kind: good
    format: terraform
    name: tagged
    code: |
      resource "aws_s3_bucket" "b" {
        tags = { owner = "data" }
      }
"#;

#[test]
fn test_command_runs_the_builtin_cases() {
    let (code, stdout, stderr) = run(&["test"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn test_command_reports_a_user_rule_whose_cases_fail() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("owner.yml"), USER_RULE).unwrap();
    let dir_arg = rules.to_str().unwrap();
    let (code, stdout, _) = run(&["test", dir_arg]);
    assert_eq!(code, 0, "{stdout}");

    std::fs::write(
        rules.join("owner.yml"),
        USER_RULE.replace("$.tags.owner", "$.tags.team"),
    )
    .unwrap();
    let (code, stdout, _) = run(&["test", dir_arg]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAIL bucket-without-owner-tag case 1 (good terraform: tagged)"),
        "{stdout}"
    );
    assert!(stdout.contains("expected 0 finding(s), got 1"), "{stdout}");
    assert!(stdout.contains(" passed, 1 failed"), "{stdout}");

    // Without DIR: the rule directories of `.iaclint.toml`.
    std::fs::write(
        dir.path().join(".iaclint.toml"),
        "extra-rule-dirs = [\"rules\"]\n",
    )
    .unwrap();
    let out = iaclint()
        .current_dir(dir.path())
        .arg("test")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("bucket-without-owner-tag case 1"),
        "{stdout}"
    );
    // DIR and `extra-rule-dirs` together; the same directory in both is read once.
    let other = dir.path().join("more");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(
        other.join("tagged.yml"),
        USER_RULE.replace("bucket-without-owner-tag", "bucket-without-tags"),
    )
    .unwrap();
    let out = iaclint()
        .current_dir(dir.path())
        .args(["test", "more", "rules"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL bucket-without-owner-tag case 1"),
        "{stdout}"
    );
    assert!(!stdout.contains("FAIL bucket-without-tags"), "{stdout}");
    assert!(stdout.contains(" passed, 1 failed"), "{stdout}");

    // `check` with that config warns about the failing case and runs on.
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let out = iaclint()
        .current_dir(dir.path())
        .args(["check", "main.tf"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: rules/owner.yml: bucket-without-owner-tag case 1 (good terraform: tagged) fails: expected 0 finding(s), got 1"),
        "{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the run goes on and reports: {stderr}"
    );
}
