//! End-to-end: `.iaclint.toml` (discovery, include/exclude, rule selection, severity overrides,
//! fail-on, extra rule packs, per-path ignores, located errors), `iaclint init`, and baselines.
//! Each test works in its own temporary directory holding copies of the bundled examples.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use assert_cmd::Command;

const BAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/terraform/bad");
const FIXED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/terraform/fixed");

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A temporary project: `root/` with `files` written into it.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("iaclint")
        .unwrap()
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json_in(cwd: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, stdout, stderr) = run_in(cwd, &all);
    let v = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, v)
}

fn rule_ids(v: &serde_json::Value) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

fn files(v: &serde_json::Value) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

fn findings(v: &serde_json::Value) -> usize {
    v["findings"].as_array().unwrap().len()
}

#[test]
fn config_is_found_walking_up_from_the_first_path() {
    let p = project(&[(
        ".iaclint.toml",
        "[rules]\nselect = [\"iam-wildcard-action\"]\n",
    )]);
    copy_dir(Path::new(BAD), &p.path().join("infra/prod"));
    // From a subdirectory of the config's directory, naming a path below it.
    let (code, v) = json_in(&p.path().join("infra"), &["check", "prod"]);
    assert_eq!(code, 1);
    assert_eq!(
        rule_ids(&v),
        BTreeSet::from(["iam-wildcard-action".to_string()])
    );
    // From the scanned directory itself, with the default path.
    let (_, v2) = json_in(&p.path().join("infra/prod"), &["check"]);
    assert_eq!(rule_ids(&v2), rule_ids(&v));
    // From outside the project, naming the path: the config is found from the path, not the
    // current directory.
    let (_, v3) = json_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", p.path().join("infra/prod").to_str().unwrap()],
    );
    assert_eq!(rule_ids(&v3), rule_ids(&v));
    // Without a config every rule runs.
    let (_, all) = json_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["check", BAD]);
    assert!(rule_ids(&all).len() > 1);
}

#[test]
fn explicit_config_file_and_missing_config_file() {
    let p = project(&[(
        "conf/strict.toml",
        "[rules]\nselect = [\"ecs-service-without-rollback\"]\n",
    )]);
    copy_dir(Path::new(BAD), &p.path().join("bad"));
    let (code, v) = json_in(p.path(), &["check", "bad", "--config", "conf/strict.toml"]);
    assert_eq!(code, 1);
    assert_eq!(
        rule_ids(&v),
        BTreeSet::from(["ecs-service-without-rollback".to_string()])
    );
    let (code, _, stderr) = run_in(p.path(), &["check", "bad", "--config", "nope.toml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("nope.toml") && stderr.contains("cannot read"),
        "{stderr}"
    );
}

#[test]
fn include_and_exclude_apply_to_walked_files() {
    let p = project(&[(".iaclint.toml", "exclude = [\"legacy\"]\n")]);
    copy_dir(Path::new(BAD), &p.path().join("app"));
    copy_dir(Path::new(BAD), &p.path().join("legacy"));
    let (_, v) = json_in(p.path(), &["check"]);
    assert!(
        files(&v).iter().all(|f| f.starts_with("app/")),
        "{:?}",
        files(&v)
    );
    assert!(findings(&v) > 0);
    // A file named on the command line is linted even when excluded.
    let (_, v) = json_in(p.path(), &["check", "legacy/iam.tf"]);
    assert_eq!(files(&v), BTreeSet::from(["legacy/iam.tf".to_string()]));

    // include, with exclude winning over it.
    fs::write(
        p.path().join(".iaclint.toml"),
        "include = [\"legacy/**\"]\nexclude = [\"**/ecs.tf\"]\n",
    )
    .unwrap();
    let (_, v) = json_in(p.path(), &["check"]);
    let f = files(&v);
    assert!(f.iter().all(|f| f.starts_with("legacy/")), "{f:?}");
    assert!(!f.contains("legacy/ecs.tf"), "{f:?}");
    assert!(f.contains("legacy/iam.tf"), "{f:?}");
}

#[test]
fn rule_select_and_ignore_with_cli_precedence() {
    let p = project(&[(
        ".iaclint.toml",
        "[rules]\nignore = [\"iam-wildcard-action\", \"iam-wildcard-resource\"]\n",
    )]);
    copy_dir(Path::new(BAD), &p.path().join("bad"));
    let (_, v) = json_in(p.path(), &["check", "bad"]);
    let ids = rule_ids(&v);
    assert!(!ids.contains("iam-wildcard-action") && !ids.contains("iam-wildcard-resource"));
    assert!(ids.contains("ecs-service-without-rollback"));
    // --skip-rule adds to the config's ignore list.
    let (_, v) = json_in(
        p.path(),
        &[
            "check",
            "bad",
            "--skip-rule",
            "ecs-service-without-rollback",
        ],
    );
    assert!(!rule_ids(&v).contains("ecs-service-without-rollback"));
    assert!(rule_ids(&v).contains("kms-key-missing-service-principal"));
    // --rule replaces the selection and wins over the config's ignore list.
    let (_, v) = json_in(p.path(), &["check", "bad", "--rule", "iam-wildcard-action"]);
    assert_eq!(
        rule_ids(&v),
        BTreeSet::from(["iam-wildcard-action".to_string()])
    );
}

#[test]
fn severity_override_and_fail_on_from_config() {
    let p = project(&[(
        ".iaclint.toml",
        "fail-on = \"high\"\n\n[rules]\nselect = [\"ecs-service-without-autoscaling\"]\n\n\
         [rules.severity]\n\"ecs-service-without-autoscaling\" = \"critical\"\n",
    )]);
    copy_dir(Path::new(BAD), &p.path().join("bad"));
    let (code, v) = json_in(p.path(), &["check", "bad"]);
    assert_eq!(code, 1, "a critical finding fails with fail-on = high");
    let sev: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sev, BTreeSet::from(["critical"]));

    // Overridden down to low: below the config's fail-on, so exit 0 with findings.
    fs::write(
        p.path().join(".iaclint.toml"),
        "fail-on = \"high\"\n[rules]\nselect = [\"ecs-service-without-autoscaling\"]\n\
         [rules.severity]\n\"ecs-service-without-autoscaling\" = \"low\"\n",
    )
    .unwrap();
    let (code, v) = json_in(p.path(), &["check", "bad"]);
    assert_eq!(code, 0);
    assert!(findings(&v) > 0);
    assert!(v["findings"][0]["severity"] == "low");
    // --fail-on wins over the config.
    let (code, _) = json_in(p.path(), &["check", "bad", "--fail-on", "low"]);
    assert_eq!(code, 1);
}

/// A minimal user rule in the `rules/` format, with its own bad and good cases.
const CUSTOM_RULE: &str = r#"id: s3-bucket-without-owner-tag
title: S3 bucket without an owner tag
severity: low
category: governance
since: 0.1.0
docs:
  what: |
    Finds S3 buckets without an `owner` tag.
  why: |
    Nobody knows whom to ask before deleting an untagged bucket.
  fix: |
    Add `tags = { owner = "team-name" }`.
  references:
    - https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
help: "Tag the bucket with its owner: `tags = { owner = \"team-name\" }`."
checks:
  - select:
      terraform: [aws_s3_bucket]
    require:
      exists: $.tags.owner
    message: "S3 bucket `{resource}` has no owner tag"
cases:
  - kind: bad
    format: terraform
    name: no tags
    lines: [1]
    code: |
      resource "aws_s3_bucket" "logs" {
        bucket = "logs"
      }
  - kind: good
    format: terraform
    name: owner tag
    code: |
      resource "aws_s3_bucket" "logs" {
        bucket = "logs"
        tags = {
          owner = "platform"
        }
      }
"#;

fn case_code(kind: &str) -> String {
    let rule = iaclint::rules::load_rule("custom.yml", CUSTOM_RULE).expect("the custom rule loads");
    rule.spec
        .cases
        .iter()
        .find(|c| format!("{:?}", c.kind).eq_ignore_ascii_case(kind))
        .unwrap()
        .code
        .clone()
}

#[test]
fn extra_rule_dirs_load_user_rules() {
    let p = project(&[
        (".iaclint.toml", "extra-rule-dirs = [\"policies\"]\n"),
        ("policies/s3-bucket-without-owner-tag.yml", CUSTOM_RULE),
        ("policies/README.md", "not a rule"),
    ]);
    fs::create_dir_all(p.path().join("bad")).unwrap();
    fs::create_dir_all(p.path().join("good")).unwrap();
    fs::write(p.path().join("bad/main.tf"), case_code("bad")).unwrap();
    fs::write(p.path().join("good/main.tf"), case_code("good")).unwrap();
    let (code, v) = json_in(p.path(), &["check", "bad"]);
    assert_eq!(code, 1);
    assert_eq!(
        rule_ids(&v),
        BTreeSet::from(["s3-bucket-without-owner-tag".to_string()])
    );
    assert_eq!(v["findings"][0]["start"]["line"], 1);
    assert_eq!(v["findings"][0]["severity"], "low");
    let (code, v) = json_in(p.path(), &["check", "good"]);
    assert_eq!((code, findings(&v)), (0, 0));
    // The user's rules are listed and explained too.
    let (code, stdout, _) = run_in(p.path(), &["rules"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("s3-bucket-without-owner-tag"), "{stdout}");
    let (code, stdout, _) = run_in(p.path(), &["explain", "s3-bucket-without-owner-tag"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("S3 bucket without an owner tag"),
        "{stdout}"
    );
    // The config may name the user's rules.
    fs::write(
        p.path().join(".iaclint.toml"),
        "extra-rule-dirs = [\"policies\"]\n[rules.severity]\n\"s3-bucket-without-owner-tag\" = \"high\"\n",
    )
    .unwrap();
    let (_, v) = json_in(p.path(), &["check", "bad"]);
    assert_eq!(v["findings"][0]["severity"], "high");
}

#[test]
fn extra_rule_dir_errors() {
    // An id that is also a built-in rule.
    let dup = CUSTOM_RULE.replace("id: s3-bucket-without-owner-tag", "id: iam-wildcard-action");
    let p = project(&[
        (".iaclint.toml", "extra-rule-dirs = [\"policies\"]\n"),
        ("policies/dup.yml", &dup),
        ("main.tf", ""),
    ]);
    let (code, _, stderr) = run_in(p.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`iam-wildcard-action` is also defined"),
        "{stderr}"
    );
    // A missing directory, located in the config.
    fs::write(
        p.path().join(".iaclint.toml"),
        "\nextra-rule-dirs = [\"nope\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(p.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".iaclint.toml:2:20: cannot read the rule directory"),
        "{stderr}"
    );
}

#[test]
fn per_path_ignores() {
    let p = project(&[(
        ".iaclint.toml",
        "[[per-path]]\npaths = [\"sandbox/**\"]\nignore = [\"iam-wildcard-action\"]\n\n\
         [[per-path]]\npaths = [\"*/kms_logs.tf\"]\nignore = [\"kms-key-missing-service-principal\"]\n",
    )]);
    copy_dir(Path::new(BAD), &p.path().join("sandbox"));
    copy_dir(Path::new(BAD), &p.path().join("prod"));
    let (_, v) = json_in(p.path(), &["check"]);
    let by_dir = |dir: &str| -> BTreeSet<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].as_str().unwrap().starts_with(dir))
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!by_dir("sandbox/").contains("iam-wildcard-action"));
    assert!(by_dir("prod/").contains("iam-wildcard-action"));
    assert!(by_dir("sandbox/").contains("iam-wildcard-resource"));
    for d in ["sandbox/", "prod/"] {
        assert!(
            !by_dir(d).contains("kms-key-missing-service-principal"),
            "{d}"
        );
    }
}

#[test]
fn config_mistakes_are_located_usage_errors() {
    for (text, at, what) in [
        (
            "fail-on = \"high\"\n[rulez]\nselect = []\n",
            ":2:2:",
            "unknown field `rulez`",
        ),
        ("fail_on = \"high\"\n", ":1:1:", "unknown field `fail_on`"),
        (
            "[rules]\nselect = [\n  \"iam-wildcard-action\",\n  \"iam-wildcard-actoin\",\n]\n",
            ":4:3:",
            "unknown rule `iam-wildcard-actoin`; did you mean `iam-wildcard-action`?",
        ),
        (
            "[rules.severity]\n\"iam-wildcard-action\" = \"severe\"\n",
            ":2:25:",
            "unknown severity `severe`",
        ),
        (
            "fail-on = \"urgent\"\n",
            ":1:11:",
            "unknown severity `urgent`",
        ),
        ("exclude = [\"a/[b\"]\n", ":1:12:", "bad glob `a/[b`"),
        (
            "[[per-path]]\npaths = [\"x\"]\nignore = [\"nope\"]\n",
            ":3:11:",
            "unknown rule `nope`",
        ),
        ("include = \"*.tf\"\n", ":1:11:", "invalid type"),
        ("fail-on = \n", ":1:", ""),
    ] {
        let p = project(&[(".iaclint.toml", text), ("main.tf", "")]);
        let (code, stdout, stderr) = run_in(p.path(), &["check"]);
        assert_eq!(code, 2, "{text}: {stdout}{stderr}");
        let expected = format!("error: .iaclint.toml{at}");
        assert!(stderr.starts_with(&expected), "{text}: {stderr}");
        assert!(stderr.contains(what), "{text}: {stderr}");
        assert!(stdout.is_empty(), "{text}: {stdout}");
    }
}

#[test]
fn init_writes_a_config_that_parses() {
    let p = project(&[]);
    let (code, _, stderr) = run_in(p.path(), &["init"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote .iaclint.toml"), "{stderr}");
    let text = fs::read_to_string(p.path().join(".iaclint.toml")).unwrap();
    assert_eq!(text, iaclint::config::TEMPLATE);
    // Every key is there, commented out.
    for key in [
        "# include =",
        "# exclude =",
        "# fail-on =",
        "# extra-rule-dirs =",
        "# [rules]",
        "# select =",
        "# ignore =",
        "# [rules.severity]",
        "# [[per-path]]",
        "# paths =",
    ] {
        assert!(text.contains(key), "{key} missing");
    }
    iaclint::config::Config::parse(&p.path().join(".iaclint.toml"), &text).expect("it parses");
    // And iaclint runs with it.
    copy_dir(Path::new(FIXED), &p.path().join("fixed"));
    let (code, _, stderr) = run_in(p.path(), &["check", "fixed"]);
    assert_eq!(code, 0, "{stderr}");
    // No overwrite without --force.
    fs::write(p.path().join(".iaclint.toml"), "fail-on = \"high\"\n").unwrap();
    let (code, _, stderr) = run_in(p.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(p.path().join(".iaclint.toml")).unwrap(),
        "fail-on = \"high\"\n"
    );
    let (code, _, _) = run_in(p.path(), &["init", "--force"]);
    assert_eq!(code, 0);
    assert_eq!(
        fs::read_to_string(p.path().join(".iaclint.toml")).unwrap(),
        iaclint::config::TEMPLATE
    );
}

#[test]
fn baseline_round_trip() {
    let p = project(&[]);
    let bad = p.path().join("bad");
    copy_dir(Path::new(BAD), &bad);
    let (code, _, stderr) = run_in(
        p.path(),
        &["check", "bad", "--write-baseline", "baseline.json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, all) = json_in(p.path(), &["check", "bad"]);
    let n = findings(&all);
    assert!(n > 0);
    assert!(
        stderr.contains(&format!("wrote {n} findings to the baseline baseline.json")),
        "{stderr}"
    );
    // The file: versioned, sorted, one entry per finding, fingerprints as in the JSON report.
    let b: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("baseline.json")).unwrap()).unwrap();
    assert_eq!(b["version"], 1);
    let entries = b["findings"].as_array().unwrap();
    assert_eq!(entries.len(), n);
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let k: BTreeSet<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                k,
                BTreeSet::from(["fingerprint", "rule_id", "file", "resource"])
            );
            (
                e["file"].as_str().unwrap().to_string(),
                e["rule_id"].as_str().unwrap().to_string(),
                e["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let reported: BTreeSet<&str> = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let recorded: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(reported, recorded);

    // Checked against it: clean.
    let (code, v) = json_in(p.path(), &["check", "bad", "--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(findings(&v), 0);
    assert_eq!(v["summary"]["baselined"].as_u64().unwrap() as usize, n);
    let (code, stdout, _) = run_in(
        p.path(),
        &["check", "bad", "--baseline", "baseline.json", "--no-color"],
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains(&format!("0 findings in 8 files; 0 errors; {n} baselined")),
        "{stdout}"
    );

    // Lines added above findings do not change their fingerprints.
    let iam = bad.join("iam.tf");
    let text = fs::read_to_string(&iam).unwrap();
    fs::write(&iam, format!("# a comment\n\n{text}")).unwrap();
    // A new violation: exactly one finding.
    fs::write(
        bad.join("new.tf"),
        "resource \"aws_ecs_service\" \"new\" {\n  name = \"new\"\n  deployment_circuit_breaker {\n    enable   = true\n    rollback = true\n  }\n}\n",
    )
    .unwrap();
    let (code, v) = json_in(p.path(), &["check", "bad", "--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&v), 1, "{v:#}");
    assert_eq!(v["findings"][0]["file"], "bad/new.tf");
    assert_eq!(
        v["findings"][0]["rule_id"],
        "ecs-service-without-autoscaling"
    );
    assert_eq!(v["summary"]["baselined"].as_u64().unwrap() as usize, n);
}

#[test]
fn baseline_is_written_after_config_and_is_empty_when_clean() {
    let p = project(&[(
        ".iaclint.toml",
        "[rules]\nselect = [\"lambda-vpc-boundary-blocks-eni\"]\n",
    )]);
    copy_dir(Path::new(BAD), &p.path().join("bad"));
    copy_dir(Path::new(FIXED), &p.path().join("fixed"));
    let (code, _, stderr) = run_in(p.path(), &["check", "bad", "--write-baseline", "b.json"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("wrote 1 finding to the baseline"),
        "{stderr}"
    );
    let (code, _, stderr) = run_in(p.path(), &["check", "fixed", "--write-baseline", "c.json"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("wrote 0 findings"), "{stderr}");
    assert_eq!(
        fs::read_to_string(p.path().join("c.json")).unwrap(),
        "{\n  \"version\": 1,\n  \"findings\": []\n}\n"
    );
}

#[test]
fn bad_baselines_are_usage_errors() {
    let p = project(&[
        (
            "garbage.json",
            "{\"version\": 1, \"findings\": [{\"fingerprint\": 3}]}",
        ),
        ("v2.json", "{\"version\": 2, \"findings\": []}"),
        ("main.tf", ""),
    ]);
    for (file, what) in [
        ("missing.json", "cannot read the baseline missing.json"),
        ("garbage.json", "garbage.json:1:"),
        ("v2.json", "baseline version 2 is not supported"),
    ] {
        let (code, stdout, stderr) = run_in(p.path(), &["check", "--baseline", file]);
        assert_eq!(code, 2, "{file}: {stdout}{stderr}");
        assert!(stderr.contains(what), "{file}: {stderr}");
    }
    let (code, _, stderr) = run_in(
        p.path(),
        &[
            "check",
            "--baseline",
            "v2.json",
            "--write-baseline",
            "x.json",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn stdin_honours_a_raised_file_bytes_limit() {
    // Used to be capped at the default 10 MiB: stdin was read before the config was loaded.
    let dir = project(&[(".iaclint.toml", "[limits]\nfile-bytes = 20000000\n")]);
    let comment = format!("# {}\n", "x".repeat(1000));
    let mut text = comment.repeat(12 * 1024);
    text.push_str("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n");
    assert!(text.len() > 11 * 1024 * 1024);
    let out = Command::cargo_bin("iaclint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "main.tf",
            "-",
        ])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("byte limit"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], serde_json::json!([]), "{stderr}");
    // A lower limit still refuses it, naming the run's limit.
    fs::write(
        dir.path().join(".iaclint.toml"),
        "[limits]\nfile-bytes = 1000\n",
    )
    .unwrap();
    let out = Command::cargo_bin("iaclint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--stdin-filename", "main.tf", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: stdin is over the 1000 byte limit; not linted"),
        "{stderr}"
    );
}
