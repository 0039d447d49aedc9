//! Finds the files to lint: a recursive walk that honours `.gitignore`, `.ignore` and
//! `.git/info/exclude` (also outside a git checkout) for untracked files only — a file git tracks
//! is always linted, as git itself never ignores one — skips `.terraform/`, `node_modules/`,
//! `.git/` and CDK asset directories, never follows symlinks, never opens anything but regular
//! files, and always keeps files named explicitly.
//!
//! Ignore files are read here, not by the `ignore` crate's walker: only regular files (not
//! symlinks, FIFOs or devices) up to [`MAX_IGNORE_FILE_BYTES`] each and
//! [`MAX_IGNORE_TOTAL_BYTES`] per walk; one that is skipped is reported as an error.
//!
//! Which files are read is the front ends' call ([`crate::inputs::FRONT_ENDS`]): a walked file
//! is kept when one claims it always, a named one when one claims it at all. Whether a JSON or
//! YAML file is a CloudFormation template is decided from its content once it is read
//! ([`crate::frontend::FrontEnd::sniff`]).

use std::path::{Path, PathBuf};
use std::rc::Rc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::finding::InputError;
use crate::fsread::{self, ReadFailure, Symlinks};
use crate::gitindex;
use crate::inputs::FRONT_ENDS;

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
    /// Paths that could not be walked, and ignore files or git indexes that could not be used.
    pub errors: Vec<InputError>,
    /// Walked files iaclint would read that ignore rules excluded (tracked files never are).
    pub excluded: usize,
}

const SKIPPED_DIRS: &[&str] = &[".terraform", "node_modules", ".git"];

/// The largest ignore file (`.gitignore`, `.ignore`, `info/exclude`) whose rules are applied.
pub const MAX_IGNORE_FILE_BYTES: u64 = 64 * 1024;

/// The most ignore-file bytes applied in one walk; files past it are reported, not applied.
pub const MAX_IGNORE_TOTAL_BYTES: u64 = 1024 * 1024;

/// The ignore files of one directory on the path from the walk's repository (or file system)
/// root down to the directory being walked.
struct Frame {
    /// Depth in the walk (parents of the walked root are below 0, stored shifted).
    depth: usize,
    /// The directory, absolute.
    dir: PathBuf,
    /// Its `.ignore`.
    ignore: Option<Gitignore>,
    /// Its `.gitignore`.
    gitignore: Option<Gitignore>,
    /// It is a git working tree: `.gitignore` files above it do not apply.
    git_root: bool,
}

/// The git repository files are walked in: its tracked paths and `info/exclude`.
struct RepoCtx {
    repo: gitindex::Repo,
    tracked: gitindex::Tracked,
    exclude: Option<Gitignore>,
}

/// A directory to walk.
struct Pending {
    /// As it will be displayed (under the path given).
    path: PathBuf,
    /// Absolute, for matching.
    abs: PathBuf,
    depth: usize,
    /// Matched by an ignore rule (everything under it is, except tracked files).
    ignored: bool,
    repo: Option<Rc<RepoCtx>>,
}

/// One walk's state.
struct Walker<'a> {
    out: &'a mut Discovered,
    /// Ignore-file bytes that may still be applied.
    budget: u64,
}

impl Walker<'_> {
    fn error(&mut self, path: &Path, message: String) {
        self.out.errors.push(InputError {
            path: display_path(path),
            span: None,
            message,
        });
    }

    /// The rules of the ignore file `path`, read only when it is a regular file (not a symlink)
    /// under the size caps; a file that is skipped is reported.
    fn matcher(&mut self, dir: &Path, path: &Path) -> Option<Gitignore> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.file_type().is_file() {
            self.error(
                path,
                format!(
                    "ignore file is {}, not a regular file; its rules are not applied",
                    fsread::kind_name(meta.file_type())
                ),
            );
            return None;
        }
        let limit = MAX_IGNORE_FILE_BYTES.min(self.budget);
        let bytes = match fsread::read_regular(path, limit, Symlinks::Refuse) {
            Ok(b) => b,
            Err(ReadFailure::TooLarge { size, .. }) => {
                let why = if limit < MAX_IGNORE_FILE_BYTES {
                    format!(
                        "the ignore files of this walk are over the {MAX_IGNORE_TOTAL_BYTES} byte \
                         limit"
                    )
                } else {
                    format!(
                        "ignore file is {size} bytes, over the {MAX_IGNORE_FILE_BYTES} byte limit"
                    )
                };
                self.error(path, format!("{why}; its rules are not applied"));
                return None;
            }
            Err(e) => {
                self.error(path, format!("ignore file not applied: {e}"));
                return None;
            }
        };
        self.budget -= bytes.len() as u64;
        let text = String::from_utf8_lossy(&bytes);
        let mut b = GitignoreBuilder::new(dir);
        for line in text.lines() {
            // Like git, a line that is not a valid pattern is skipped.
            let _ = b.add_line(Some(path.to_path_buf()), line);
        }
        match b.build() {
            Ok(g) if !g.is_empty() => Some(g),
            Ok(_) => None,
            Err(e) => {
                self.error(path, format!("ignore file not applied: {e}"));
                None
            }
        }
    }

    /// A frame with the ignore files of `dir` (absolute).
    fn frame(&mut self, depth: usize, dir: &Path, git_root: bool) -> Frame {
        Frame {
            depth,
            dir: dir.to_path_buf(),
            ignore: self.matcher(dir, &dir.join(".ignore")),
            gitignore: self.matcher(dir, &dir.join(".gitignore")),
            git_root,
        }
    }

    /// The repository whose working tree is `repo`, with its index and `info/exclude` read; an
    /// index that cannot be read is reported and ignore rules then apply to every file.
    fn repo(&mut self, repo: gitindex::Repo) -> Rc<RepoCtx> {
        let tracked = match repo.tracked() {
            Ok(t) => t,
            Err(e) => {
                self.error(
                    &repo.index_file(),
                    format!(
                        "cannot read the git index ({e}); tracked files may be hidden by ignore \
                         rules"
                    ),
                );
                gitindex::Tracked::default()
            }
        };
        let exclude_file = repo.exclude_file();
        let exclude = self.matcher(&repo.workdir, &exclude_file);
        Rc::new(RepoCtx {
            repo,
            tracked,
            exclude,
        })
    }

    /// Walks the directory `root` (as given) with the ignore files of its parents applied.
    fn walk(&mut self, root: &Path) {
        let abs = crate::filepath::absolute(root);
        let repo = gitindex::Repo::enclosing(&abs);
        // Ignore files of the parents: up to the working tree root, or the file system root.
        let top = repo
            .as_ref()
            .map(|r| r.workdir.clone())
            .unwrap_or_else(|| abs.ancestors().last().unwrap_or(&abs).to_path_buf());
        let mut parents: Vec<PathBuf> = abs
            .ancestors()
            .skip(1)
            .take_while(|a| a.starts_with(&top))
            .map(Path::to_path_buf)
            .collect();
        parents.reverse();
        let repo = repo.map(|r| self.repo(r));
        let mut chain: Vec<Frame> = Vec::new();
        for p in &parents {
            let git_root = repo.as_ref().is_some_and(|r| &r.repo.workdir == p);
            chain.push(self.frame(0, p, git_root));
        }
        let mut stack = vec![Pending {
            path: root.to_path_buf(),
            abs,
            depth: 1,
            ignored: false,
            repo,
        }];
        while let Some(dir) = stack.pop() {
            // Depth-first: the frames left are exactly this directory's ancestors.
            while chain.last().is_some_and(|f| f.depth >= dir.depth) {
                chain.pop();
            }
            let mut repo = dir.repo.clone();
            if !dir.ignored {
                let here = gitindex::Repo::at(&dir.abs);
                let new_root = here.is_some();
                if let Some(r) = here
                    && repo.as_ref().is_none_or(|c| c.repo.workdir != r.workdir)
                {
                    repo = Some(self.repo(r));
                }
                let f = self.frame(dir.depth, &dir.abs, new_root);
                chain.push(f);
            }
            let entries = match std::fs::read_dir(&dir.path) {
                Ok(e) => e,
                Err(e) => {
                    self.error(&dir.path, format!("cannot read directory: {e}"));
                    continue;
                }
            };
            let mut subdirs = Vec::new();
            for entry in entries {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        self.error(&dir.path, format!("cannot read directory: {e}"));
                        continue;
                    }
                };
                let name = entry.file_name();
                let path = dir.path.join(&name);
                let abs = dir.abs.join(&name);
                // The entry itself, never what a symlink points to.
                let Ok(t) = entry.file_type() else {
                    self.error(&path, "cannot read file type".into());
                    continue;
                };
                if t.is_dir() {
                    let name = name.to_str().unwrap_or("");
                    // CDK asset directories (`cdk.out/asset.<hash>/`) hold bundled code.
                    let cdk_asset = name.starts_with("asset.")
                        && dir.abs.file_name().is_some_and(|p| p == "cdk.out");
                    if SKIPPED_DIRS.contains(&name) || cdk_asset {
                        continue;
                    }
                    let ignored = dir.ignored || is_ignored(&chain, repo.as_deref(), &abs, true);
                    subdirs.push(Pending {
                        path,
                        abs,
                        depth: dir.depth + 1,
                        ignored,
                        repo: repo.clone(),
                    });
                } else if t.is_file() && FRONT_ENDS.walked(&path).is_some() {
                    let ignored = dir.ignored || is_ignored(&chain, repo.as_deref(), &abs, false);
                    if ignored && !repo.as_deref().is_some_and(|r| tracked(r, &abs)) {
                        self.out.excluded += 1;
                        continue;
                    }
                    self.out.files.push(Candidate {
                        path,
                        explicit: false,
                    });
                }
                // Symlinks are not followed; FIFOs, sockets and devices are never opened.
            }
            // Reverse, so the stack pops them in name order.
            subdirs.sort_by(|a, b| b.path.cmp(&a.path));
            stack.extend(subdirs);
        }
    }
}

/// Whether the ignore rules that apply to `abs` match it: `.ignore` files first (nearest
/// wins), then `.gitignore` files up to the working tree root, then `info/exclude`.
fn is_ignored(chain: &[Frame], repo: Option<&RepoCtx>, abs: &Path, is_dir: bool) -> bool {
    let decide = |m: Option<&Gitignore>, dir: &Path| -> Option<bool> {
        let rel = abs.strip_prefix(dir).ok()?;
        match m?.matched(rel, is_dir) {
            ignore::Match::None => None,
            ignore::Match::Ignore(_) => Some(true),
            ignore::Match::Whitelist(_) => Some(false),
        }
    };
    if let Some(d) = chain
        .iter()
        .rev()
        .find_map(|f| decide(f.ignore.as_ref(), &f.dir))
    {
        return d;
    }
    for f in chain.iter().rev() {
        if let Some(d) = decide(f.gitignore.as_ref(), &f.dir) {
            return d;
        }
        if f.git_root {
            break;
        }
    }
    repo.and_then(|r| decide(r.exclude.as_ref(), &r.repo.workdir))
        .unwrap_or(false)
}

/// Whether git tracks the file `abs`.
fn tracked(repo: &RepoCtx, abs: &Path) -> bool {
    let Ok(rel) = abs.strip_prefix(&repo.repo.workdir) else {
        return false;
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    repo.tracked.contains(rel.as_bytes())
}

/// Walks `paths`.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut out = Discovered::default();
    let mut walker = Walker {
        out: &mut out,
        budget: MAX_IGNORE_TOTAL_BYTES,
    };
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                walker.error(p, format!("cannot read path: {e}"));
                continue;
            }
        };
        if meta.is_dir() {
            walker.walk(p);
            continue;
        }
        if !meta.is_file() {
            walker.error(
                p,
                format!(
                    "not a regular file ({}); not linted",
                    fsread::kind_name(meta.file_type())
                ),
            );
            continue;
        }
        // Named explicitly: always linted, whatever the ignore files say.
        if FRONT_ENDS.claim(p).is_some() {
            walker.out.files.push(Candidate {
                path: p.clone(),
                explicit: true,
            });
        } else {
            walker.error(p, FRONT_ENDS.not_read_message());
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
    if s.is_empty() {
        // The current directory itself: never an empty file name in a report.
        s.push('.');
    }
    s
}

pub use crate::filepath::normalize_path;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_directory_is_never_an_empty_path() {
        // A walk error about `.` used to be reported as `::error file=,…`.
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(display_path(Path::new("./")), ".");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(display_path(&cwd), ".");
        assert_eq!(display_path(&cwd.join("a.tf")), "a.tf");
    }
}
