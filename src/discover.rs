//! Finds the files to lint: a recursive walk that honours `.gitignore` (also outside a git
//! checkout), skips `.terraform/`, `node_modules/` and `.git/`, never follows symlinks, and always
//! keeps files named explicitly.

use std::path::{Path, PathBuf};

use crate::finding::InputError;

/// What a walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to lint, sorted and deduplicated.
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked.
    pub errors: Vec<InputError>,
}

/// Kinds of input iaclint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A Terraform configuration file (`*.tf`).
    TerraformConfig,
    /// A variables file Terraform loads automatically (`terraform.tfvars`, `*.auto.tfvars`).
    TerraformVars,
}

/// The kind of `path`, from its name; `None` for files iaclint does not read.
pub fn input_kind(path: &Path) -> Option<InputKind> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".tf") {
        Some(InputKind::TerraformConfig)
    } else if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
        Some(InputKind::TerraformVars)
    } else {
        None
    }
}

const SKIPPED_DIRS: &[&str] = &[".terraform", "node_modules", ".git"];

/// Walks `paths`.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut out = Discovered::default();
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(InputError {
                    path: display_path(p),
                    span: None,
                    message: format!("cannot read path: {e}"),
                });
                continue;
            }
        };
        if meta.is_file() {
            // Named explicitly: always linted, whatever the ignore files say.
            if input_kind(p).is_some() || p.extension().is_some_and(|e| e == "tfvars") {
                out.files.push(p.clone());
            } else {
                out.errors.push(InputError {
                    path: display_path(p),
                    span: None,
                    message: "not a file iaclint reads (expected *.tf, terraform.tfvars or *.auto.tfvars)".into(),
                });
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(p)
            .hidden(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) && input_kind(e.path()).is_some()
                    {
                        out.files.push(e.into_path());
                    }
                }
                Err(err) => out.errors.push(InputError {
                    path: display_path(p),
                    span: None,
                    message: format!("cannot walk: {err}"),
                }),
            }
        }
    }
    out.files.sort();
    out.files.dedup();
    out
}

/// `path` relative to the current directory when it is under it, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|c| {
            let abs = if path.is_absolute() {
                path.to_path_buf()
            } else {
                c.join(path)
            };
            abs.strip_prefix(c).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf());
    let mut s = rel.to_string_lossy().replace('\\', "/");
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    s
}
