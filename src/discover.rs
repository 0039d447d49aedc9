//! Finds the files to lint: a recursive walk that honours `.gitignore` (also outside a git
//! checkout), skips `.terraform/`, `node_modules/`, `.git/` and CDK asset directories, never
//! follows symlinks, and always keeps files named explicitly.
//!
//! JSON and YAML files are only *candidates*: whether one is a CloudFormation template is decided
//! from its content once it is read (`cloudformation::looks_like_template`).

use std::path::{Path, PathBuf};

use crate::finding::InputError;

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Where it is.
    pub path: PathBuf,
    /// Named on the command line: always linted (a JSON/YAML file that is not a template is
    /// then an error rather than silently skipped).
    pub explicit: bool,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to read, sorted and deduplicated.
    pub files: Vec<Candidate>,
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
    /// JSON or YAML that may be a CloudFormation template (decided from the content).
    TemplateCandidate,
    /// A GitHub Actions workflow (`.github/workflows/*.yml`) or action (`action.yml`).
    Workflow,
}

/// JSON/YAML files that are never templates, skipped without reading them.
const NOT_TEMPLATES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "cdk.json",
    "cdk.context.json",
    "manifest.json",
    "tree.json",
    "composer.json",
    "renovate.json",
    ".pre-commit-config.yaml",
    "pnpm-lock.yaml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

const DATA_EXTENSIONS: &[&str] = &[".json", ".yaml", ".yml", ".template"];

/// The kind of `path`, from its name; `None` for files iaclint does not read.
pub fn input_kind(path: &Path) -> Option<InputKind> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".tf") {
        Some(InputKind::TerraformConfig)
    } else if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
        Some(InputKind::TerraformVars)
    } else if is_workflow(path, name) {
        Some(InputKind::Workflow)
    } else if DATA_EXTENSIONS.iter().any(|e| name.ends_with(e))
        && !NOT_TEMPLATES.contains(&name)
        && !name.ends_with(".assets.json")
        && !name.ends_with(".metadata.json")
    {
        Some(InputKind::TemplateCandidate)
    } else {
        None
    }
}

/// `.github/workflows/*.yml|*.yaml` (directly in that directory), or `action.yml|action.yaml`
/// anywhere.
fn is_workflow(path: &Path, name: &str) -> bool {
    if name == "action.yml" || name == "action.yaml" {
        return true;
    }
    if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
        return false;
    }
    let mut dirs = path.parent().into_iter().flat_map(|p| p.components().rev());
    let parent = dirs.next().and_then(|c| c.as_os_str().to_str());
    let grand = dirs.next().and_then(|c| c.as_os_str().to_str());
    parent == Some("workflows") && grand == Some(".github")
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
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if input_kind(p).is_some()
                || p.extension().is_some_and(|e| e == "tfvars")
                || DATA_EXTENSIONS.iter().any(|e| name.ends_with(e))
            {
                out.files.push(Candidate {
                    path: p.clone(),
                    explicit: true,
                });
            } else {
                out.errors.push(InputError {
                    path: display_path(p),
                    span: None,
                    message: "not a file iaclint reads (expected *.tf, terraform.tfvars, \
                              *.auto.tfvars, a CloudFormation template in JSON or YAML, or a GitHub \
                              Actions workflow or action.yml)"
                        .into(),
                });
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(p)
            .hidden(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                let name = e.file_name().to_str().unwrap_or("");
                // CDK asset directories (`cdk.out/asset.<hash>/`) hold bundled code, not templates.
                let cdk_asset = name.starts_with("asset.")
                    && e.path()
                        .parent()
                        .and_then(|p| p.file_name())
                        .is_some_and(|p| p == "cdk.out");
                !(is_dir && (SKIPPED_DIRS.contains(&name) || cdk_asset))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) && input_kind(e.path()).is_some()
                    {
                        out.files.push(Candidate {
                            path: e.into_path(),
                            explicit: false,
                        });
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
    // A file both named and walked counts as named.
    out.files.dedup_by(|later, first| {
        if later.path == first.path {
            first.explicit |= later.explicit;
            true
        } else {
            false
        }
    });
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

/// Removes `.` and resolves `..` without touching the file system.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
