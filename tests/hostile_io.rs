//! Discovery and file reading against a hostile pull request (issue #8): ignore files that are
//! FIFOs, devices or huge, `.gitignore` rules hiding tracked files, named paths that are not
//! regular files, and templates with trailing garbage. Every run has a timeout: a hang fails.

use std::path::Path;
use std::process::Command as Std;
use std::time::Duration;

use assert_cmd::Command;

const TF: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("iaclint")
        .expect("binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// `iaclint check --format json ARGS` in `dir`: the exit code and the summary.
fn summary(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(dir, &all);
    let v: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, v, stdout)
}

fn git_available() -> bool {
    let ok = Std::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: `git` is not installed; git index test skipped");
    }
    ok
}

fn git(dir: &Path, args: &[&str]) {
    let out = Std::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn mkfifo(path: &Path) -> bool {
    let ok = Std::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("note: `mkfifo` is not available; FIFO case skipped");
    }
    ok
}

/// A git repository with `main.tf` and `infra/net.tf` committed and an untracked `scratch.tf`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("infra")).unwrap();
    std::fs::write(d.join("main.tf"), TF).unwrap();
    std::fs::write(d.join("infra/net.tf"), TF).unwrap();
    git(d, &["init", "-q", "."]);
    git(d, &["add", "main.tf", "infra/net.tf"]);
    git(d, &["commit", "-qm", "init"]);
    std::fs::write(d.join("scratch.tf"), TF).unwrap();
    dir
}

#[test]
fn issue_gitignore_cannot_hide_tracked_files() {
    if !git_available() {
        return;
    }
    let dir = repo();
    let d = dir.path();
    // Index versions 2 (git's default), 3 (an intent-to-add entry sets the extended flags) and
    // 4 (prefix-compressed paths).
    for (version, pattern) in [("2", "*.tf\n"), ("3", "*\n"), ("4", "*.tf\ninfra/\n")] {
        git(d, &["update-index", "--index-version", version]);
        if version == "3" {
            std::fs::write(d.join("later.tf"), TF).unwrap();
            git(d, &["add", "-f", "-N", "later.tf"]);
        }
        std::fs::write(d.join(".gitignore"), pattern).unwrap();
        let (code, v, out) = summary(d, &["."]);
        let index = std::fs::read(d.join(".git/index")).unwrap();
        assert_eq!(&index[4..8], &[0, 0, 0, version.parse::<u8>().unwrap()]);
        let tracked = if version == "2" { 2 } else { 3 };
        assert_eq!(v["summary"]["files"], tracked, "v{version}: {out}");
        assert_eq!(v["summary"]["excluded"], 1, "v{version}: scratch.tf\n{out}");
        assert_eq!(v["summary"]["errors"], 0, "v{version}: {out}");
        assert_eq!(code, 0);
    }
    let (_, human, _) = run(d, &["check", "."]);
    assert!(
        human.contains("in 3 files; 0 errors; 1 excluded"),
        "{human}"
    );
    // A subdirectory of the checkout: the index still applies.
    let (_, v, out) = summary(d, &["infra"]);
    assert_eq!(v["summary"]["files"], 1, "{out}");
}

#[test]
fn issue_corrupt_git_index_falls_back_to_ignore_rules_with_an_error() {
    if !git_available() {
        return;
    }
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join(".gitignore"), "scratch.tf\n").unwrap();
    let index = std::fs::read(d.join(".git/index")).unwrap();
    std::fs::write(d.join(".git/index"), &index[..index.len() / 2]).unwrap();
    let (code, v, out) = summary(d, &["."]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(v["summary"]["files"], 2, "{out}");
    assert_eq!(v["summary"]["excluded"], 1, "{out}");
    assert_eq!(v["errors"][0]["file"], ".git/index", "{out}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("truncated git index"),
        "{out}"
    );
}

#[test]
fn config_excludes_still_apply_to_tracked_files_and_are_counted() {
    if !git_available() {
        return;
    }
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join(".iaclint.toml"), "exclude = [\"infra\"]\n").unwrap();
    let (_, v, out) = summary(d, &["."]);
    assert_eq!(v["summary"]["files"], 2, "{out}");
    assert_eq!(v["summary"]["excluded"], 1, "{out}");
}

#[test]
fn ignore_rules_apply_outside_a_git_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sub/deep")).unwrap();
    for f in ["a.tf", "sub/b.tf", "sub/deep/c.tf", "sub/keep.tf"] {
        std::fs::write(d.join(f), TF).unwrap();
    }
    std::fs::write(d.join(".gitignore"), "deep/\n").unwrap();
    std::fs::write(d.join("sub/.ignore"), "*.tf\n!keep.tf\n").unwrap();
    let (_, v, out) = summary(d, &["."]);
    assert_eq!(v["summary"]["files"], 2, "a.tf and sub/keep.tf\n{out}");
    assert_eq!(v["summary"]["excluded"], 2, "{out}");
    // Parents' ignore files apply to a walked subdirectory too.
    let (_, v, out) = summary(d, &["sub"]);
    assert_eq!(v["summary"]["files"], 1, "{out}");
}

#[cfg(unix)]
#[test]
fn issue_gitignore_symlink_to_dev_zero_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("main.tf"), TF).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join(".gitignore")).unwrap();
    let (code, v, out) = summary(d, &["."]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(v["summary"]["files"], 1, "{out}");
    assert_eq!(v["errors"][0]["file"], ".gitignore", "{out}");
    assert!(out.contains("not a regular file"), "{out}");
}

#[cfg(unix)]
#[test]
fn issue_ignore_file_fifos_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/main.tf"), TF).unwrap();
    if !mkfifo(&d.join(".gitignore")) || !mkfifo(&d.join("sub/.ignore")) {
        return;
    }
    let (code, out, _) = run(d, &["check", ".", "--format", "github"]);
    assert_eq!(code, 2, "{out}");
    // Every error names its file: never `file=,`.
    assert!(out.contains("::error file=.gitignore,"), "{out}");
    assert!(out.contains("::error file=sub/.ignore,"), "{out}");
    assert!(!out.contains("file=,"), "{out}");
    assert!(out.contains("a FIFO"), "{out}");
}

#[test]
fn issue_huge_gitignore_is_reported_not_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("main.tf"), TF).unwrap();
    let huge = "**/a*/**/b?[a-z]*c/**\n".repeat(5 * 1024 * 1024 / 22);
    std::fs::write(d.join(".gitignore"), huge).unwrap();
    let (code, v, out) = summary(d, &["."]);
    assert_eq!(code, 2);
    assert_eq!(v["summary"]["files"], 1);
    assert!(
        out.contains("byte limit; its rules are not applied"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn issue_named_non_regular_paths_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.tf")).unwrap();
    let mut named = vec!["zero.tf", "/dev/zero"];
    if mkfifo(&d.join("x.tf")) {
        named.push("x.tf");
    }
    for p in &named {
        let (code, out, _) = run(d, &["check", p]);
        assert_eq!(code, 2, "{p}: {out}");
        assert!(out.contains("not a regular file"), "{p}: {out}");
        assert!(out.contains("0 files; 1 error"), "{p}: {out}");
    }
    // Walked: skipped, never opened.
    std::fs::write(d.join("main.tf"), TF).unwrap();
    let (code, v, out) = summary(d, &["."]);
    assert_eq!((code, &v["summary"]["files"]), (0, &1.into()), "{out}");
}

#[cfg(unix)]
#[test]
fn issue_config_and_baseline_on_fifos_and_devices_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("main.tf"), TF).unwrap();
    let mut specials = vec!["/dev/zero".to_string()];
    if mkfifo(&d.join("fifo")) {
        specials.push("fifo".into());
    }
    for s in &specials {
        for flag in ["--config", "--baseline"] {
            let (code, _, err) = run(d, &["check", ".", flag, s]);
            assert_eq!(code, 2, "{flag} {s}: {err}");
            assert!(err.contains("not a regular file"), "{flag} {s}: {err}");
        }
    }
    // A `.iaclint.toml` found walking up that cannot be read is an error, not ignored.
    std::os::unix::fs::symlink("/dev/zero", d.join(".iaclint.toml")).unwrap();
    let (code, _, err) = run(d, &["check", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(".iaclint.toml: cannot read the config file"),
        "{err}"
    );
}

#[test]
fn issue_template_with_trailing_garbage_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("t.json"),
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B\": {\"Type\": \
         \"AWS::S3::Bucket\"}}} x\n",
    )
    .unwrap();
    // Clearly not a template (no `AWS::` type under `Resources`): still skipped when walked.
    std::fs::write(
        d.join("notes.json"),
        "{\"Resources\": 1, \"note\": \"AWS::\"} x\n",
    )
    .unwrap();
    for args in [&["."][..], &["t.json"][..]] {
        let (code, v, out) = summary(d, args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert_eq!(v["summary"]["files"], 1, "{args:?}: {out}");
        assert_eq!(v["errors"][0]["file"], "t.json", "{out}");
        assert!(out.contains("invalid JSON"), "{args:?}: {out}");
        assert!(out.contains("\"column\": 93"), "{out}");
    }
}
