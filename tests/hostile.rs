//! Hostile names and text: resource names, file names, messages and file content carrying line
//! breaks, terminal escapes, workflow commands and bidi overrides must come out inert in every
//! output format. Fixtures are written into a temporary directory by the test.

use std::path::Path;

use assert_cmd::Command;

/// A logical id that would print workflow commands and set the terminal title if printed raw.
const PAYLOAD: &str = "Svc\n::error file=x.tf,line=1::INJECTED\n::add-mask::secret\x1b]0;pwned\x07";

/// Characters no output may contain raw.
const FORBIDDEN: &[char] = &[
    '\x1b', '\x07', '\0', '\u{85}', '\u{9b}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202b}',
    '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A CloudFormation template with hostile logical ids, a hostile parameter and bidi/C1 text in
/// values, a Terraform file with a hostile label and a raw ESC/BEL/bidi comment next to a
/// finding, and a file whose name starts a workflow command after a line break.
fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let id = json_string(PAYLOAD);
    let param = json_string(&format!("P{PAYLOAD}"));
    let template = format!(
        r#"{{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {{ {param}: {{ "Type": "String", "Default": "x\u202ey\u0085" }} }},
  "Resources": {{
    {id}: {{
      "Type": "AWS::IAM::ManagedPolicy",
      "Properties": {{
        "Description": {{ "Ref": {param} }},
        "PolicyDocument": {{
          "Version": "2012-10-17",
          "Statement": [{{ "Effect": "Allow", "Action": "*", "Resource": "*", "Sid": "\u202e\u2066x" }}]
        }}
      }}
    }}
  }}
}}
"#
    );
    std::fs::write(dir.path().join("template.json"), template).unwrap();
    let tf = format!(
        "# comment \x1b]0;pwned\x07 \u{202e}evil\u{2069} \u{85}\nresource \"aws_iam_policy\" {} {{\n  # \x1b[2J\r::error::cr\n  policy = jsonencode({{ Statement = [{{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }}] }})\n}}\n",
        json_string(PAYLOAD)
    );
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    // A file name with a line break and a workflow command, holding a syntax error.
    std::fs::write(
        dir.path().join("a\n::warning::FAKE.tf"),
        "resource \"x\" {\n  a = \n",
    )
    .unwrap();
    std::fs::write(dir.path().join("::warning::b.tf"), "resource \"x\" {\n").unwrap();
    dir
}

fn run(dir: &Path, format: &str) -> (i32, String, String) {
    let out = Command::cargo_bin("iaclint")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(["check", ".", "--no-color", "--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn assert_no_forbidden(format: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| FORBIDDEN.contains(c)) {
        panic!("{format}: raw {c:?} in the output:\n{text}");
    }
}

fn assert_no_command_lines(format: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{format}: a line starts a workflow command: {line:?}\n{text}"
        );
    }
}

#[test]
fn human_output_is_inert() {
    let dir = hostile_dir();
    let (code, stdout, stderr) = run(dir.path(), "human");
    assert_eq!(code, 2, "{stdout}{stderr}");
    for text in [&stdout, &stderr] {
        assert_no_forbidden("human", text);
        assert_no_command_lines("human", text);
    }
    // The names are shown, escaped.
    assert!(stdout.contains("\\x1b]0;pwned\\x07"), "{stdout}");
    assert!(stdout.contains("a\\n::warning::FAKE.tf"), "{stdout}");
    // The snippet of main.tf is there, with the escapes replaced.
    assert!(stdout.contains("# ?[2J"), "{stdout}");
}

#[test]
fn concise_output_is_inert() {
    let dir = hostile_dir();
    let (code, stdout, stderr) = run(dir.path(), "concise");
    assert_eq!(code, 2, "{stdout}{stderr}");
    for text in [&stdout, &stderr] {
        assert_no_forbidden("concise", text);
        assert_no_command_lines("concise", text);
    }
    assert!(stdout.contains("./::warning::b.tf:"), "{stdout}");
    // One finding or error per line: every line starts with a file name we wrote.
    for line in stdout.lines() {
        assert!(
            ["./template.json", "./main.tf", "./a\\n", "./::warning"]
                .iter()
                .any(|p| line.starts_with(p) || line.starts_with(&p[2..])),
            "{line:?}"
        );
    }
}

#[test]
fn github_output_has_only_our_commands() {
    let dir = hostile_dir();
    let (code, stdout, stderr) = run(dir.path(), "github");
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_no_forbidden("github", &stdout);
    assert_no_forbidden("github", &stderr);
    assert_no_command_lines("github stderr", &stderr);
    assert!(!stdout.is_empty());
    for line in stdout.lines() {
        assert!(
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| line.starts_with(p)),
            "not a command iaclint writes: {line:?}\n{stdout}"
        );
    }
    assert!(!stdout.contains("\n::add-mask"), "{stdout}");
}

#[test]
fn json_and_sarif_stay_valid_and_escaped() {
    let dir = hostile_dir();
    for format in ["json", "sarif"] {
        let (code, stdout, stderr) = run(dir.path(), format);
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(
            !stdout.contains('\x1b') && !stdout.contains('\x07'),
            "{format}"
        );
        let v: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{format} is not JSON ({e}): {stdout}"));
        // The payload survives intact in the structured output.
        assert!(v.to_string().contains("add-mask"), "{format}: {stdout}");
    }
}

fn run_args(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("iaclint")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

const TF_POLICY: &str = "policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }] })";
const CFN_POLICY: &str = "{\"Type\": \"AWS::IAM::ManagedPolicy\", \"Properties\": {\"PolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}}}";

/// Lone-CR line endings (old Mac) and byte order marks in every front end: each file parses,
/// and the wildcard action is reported at the line and column an editor shows.
#[test]
fn lone_cr_and_bom_positions_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".github/workflows")).unwrap();
    let files: Vec<(&str, String)> = vec![
        ("cr.tf", format!("resource \"aws_iam_policy\" \"p\" {{\r  {TF_POLICY}\r}}\r")),
        ("bom.tf", format!("\u{feff}resource \"aws_iam_policy\" \"p\" {{ {TF_POLICY} }}\n")),
        (
            "cr.yaml",
            "Resources:\r  P:\r    Type: AWS::IAM::ManagedPolicy\r    Properties:\r      PolicyDocument:\r        Statement:\r          - Effect: Allow\r            Action: \"*\"\r            Resource: \"*\"\r".into(),
        ),
        (
            "bom.yaml",
            "\u{feff}Resources: {P: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: \"*\", Resource: \"*\"}]}}}}\n".into(),
        ),
        ("cr.json", format!("{{\"Resources\":\r{{\"P\": {CFN_POLICY}}}}}")),
        ("bom.json", format!("\u{feff}{{\"Resources\": {{\"P\": {CFN_POLICY}}}}}")),
        (
            ".github/workflows/cr.yml",
            "on: push\rjobs:\r  b:\r    runs-on: ubuntu-latest\r    steps:\r      - uses: actions/checkout@v4\r".into(),
        ),
        (
            ".github/workflows/bom.yml",
            "\u{feff}on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n".into(),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(d.join(name), text).unwrap();
    }
    // Where an editor shows the first `"*"` (or the action reference), 1-based.
    let expect = |name: &str| -> (usize, usize) {
        let text = &files.iter().find(|(n, _)| *n == name).unwrap().1;
        let text = text.trim_start_matches('\u{feff}');
        let needle = if name.ends_with(".yml") {
            "actions/"
        } else {
            "\"*\""
        };
        let off = text.find(needle).unwrap();
        let before = &text[..off];
        let line = before.matches(['\r', '\n']).count() - before.matches("\r\n").count() + 1;
        let start = before.rfind(['\r', '\n']).map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    };
    let concise = run_args(d, &["check", ".", "--format", "concise"]);
    let github = run_args(d, &["check", ".", "--format", "github"]);
    let json: serde_json::Value =
        serde_json::from_str(&run_args(d, &["check", ".", "--format", "json"])).unwrap();
    assert_eq!(json["errors"], serde_json::json!([]), "{json}");
    for (name, _) in &files {
        let rule = if name.ends_with(".yml") {
            "unpinned-action"
        } else {
            "iam-wildcard-action"
        };
        let (line, col) = expect(name);
        assert!(
            concise.contains(&format!("{name}:{line}:{col}: high {rule}"))
                || concise.contains(&format!("{name}:{line}:{col}: medium {rule}")),
            "{name} at {line}:{col}:\n{concise}"
        );
        assert!(
            github.contains(&format!("file={name},line={line},col={col},")),
            "{name} at {line}:{col}:\n{github}"
        );
        let f = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule && f["file"] == *name)
            .unwrap_or_else(|| panic!("{name}: {json}"));
        assert_eq!(f["start"]["line"], line, "{name}: {f}");
        assert_eq!(f["start"]["column"], col, "{name}: {f}");
    }
}

/// An error about a whole file has no line and column: none is made up.
#[test]
fn file_level_errors_have_no_made_up_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.json"), "{\"a\": 1}").unwrap();
    let concise = run_args(dir.path(), &["check", "x.json", "--format", "concise"]);
    assert!(
        concise.starts_with("x.json: error parse-error not a CloudFormation template"),
        "{concise}"
    );
    let github = run_args(dir.path(), &["check", "x.json", "--format", "github"]);
    assert!(
        github.starts_with("::error file=x.json,title=parse-error::not a CloudFormation"),
        "{github}"
    );
}

#[test]
fn debug_graph_is_inert() {
    let dir = hostile_dir();
    let out = Command::cargo_bin("iaclint")
        .unwrap()
        .current_dir(dir.path())
        .args(["debug", "graph", "."])
        .output()
        .unwrap();
    for text in [&out.stdout, &out.stderr] {
        let text = String::from_utf8(text.clone()).unwrap();
        assert_no_forbidden("debug graph", &text);
        assert_no_command_lines("debug graph", &text);
    }
}

/// Suppression comments in lone-CR files cover the resource below them, as with LF.
#[test]
fn suppressions_work_with_lone_cr_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cr.tf"),
        "# iaclint:ignore iam-wildcard-action -- ok\rresource \"aws_iam_policy\" \"p\" {\r  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"arn:aws:s3:::x/*\" }] })\r}\r",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cr.yaml"),
        "Resources:\r  # iaclint:ignore iam-wildcard-action -- ok\r  P:\r    Type: AWS::IAM::ManagedPolicy\r    Properties:\r      PolicyDocument:\r        Statement:\r          - Effect: Allow\r            Action: \"*\"\r            Resource: \"arn:aws:s3:::x/*\"\r",
    )
    .unwrap();
    let concise = run_args(dir.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(concise, "", "{concise}");
}

/// A configuration error quoting a hostile key from `.iaclint.toml` stays inert on stderr.
#[test]
fn config_errors_are_inert() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".iaclint.toml"),
        "[rules.\"\\u001b]0;pwned\\u0007\\n::error::bad\"]\nseverity = \"high\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.tf"), "locals {}\n").unwrap();
    let out = Command::cargo_bin("iaclint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("pwned"), "{stderr}");
    assert_no_forbidden("stderr", &stderr);
    assert_no_command_lines("stderr", &stderr);
}
