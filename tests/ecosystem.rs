//! The integration files users copy (`action.yml`, `.pre-commit-hooks.yaml`) run the commands they
//! claim to: each command line is taken from the file and run against the bundled examples.

use assert_cmd::Command;

fn yaml(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + path)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

/// Runs `iaclint` with the arguments of a command line written for a shell (no spaces inside
/// arguments), after the program name.
fn run_line(line: &str) -> std::process::Output {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.trim_matches('"').to_string())
        .collect();
    let program = words.first().expect("a program");
    assert!(program.ends_with("iaclint"), "{line}");
    Command::cargo_bin("iaclint")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&words[1..])
        .output()
        .expect("runs")
}

#[test]
fn the_github_action_lints_and_writes_sarif() {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let lint = steps
        .iter()
        .find(|s| s["id"] == "check")
        .expect("a step with id check");
    let script = lint["run"].as_str().expect("a run script");
    let line = script
        .lines()
        .find(|l| l.contains("iaclint\" check") || l.contains("iaclint check"))
        .expect("the iaclint command");
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("iaclint.sarif");
    let line = line
        .replace("$RUNNER_TEMP/iaclint/bin/iaclint", "iaclint")
        .replace(
            "$IACLINT_FAIL_ON",
            action["inputs"]["fail-on"]["default"].as_str().unwrap(),
        )
        .replace("$IACLINT_SARIF", sarif.to_str().unwrap())
        .replace("$IACLINT_PATH", "examples/terraform/bad");
    let out = run_line(&line);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    // The inputs the steps use are declared.
    for input in ["path", "fail-on", "sarif-file", "upload-sarif"] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
}

#[test]
fn the_pre_commit_hook_runs() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "iaclint");
    assert_eq!(
        hook["pass_filenames"], false,
        "rules look across files: lint the whole tree"
    );
    let entry = hook["entry"].as_str().unwrap();
    let out = run_line(&format!("{entry} examples/terraform/fixed"));
    assert_eq!(out.status.code(), Some(0));
    let out = run_line(&format!("{entry} examples/terraform/bad"));
    assert_eq!(out.status.code(), Some(1));
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    for f in [
        "main.tf",
        "terraform.tfvars",
        "cdk.out/App.template.json",
        "stack.yaml",
    ] {
        assert!(files.is_match(f), "{f}");
    }
}
