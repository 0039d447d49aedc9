//! The pipeline: discover → read → parse (parallel) → graph → policies → rules → sorted report.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover;
use crate::engine::Engine;
use crate::finding::{Finding, InputError};
use crate::frontend::{FrontEnd, Unit};
use crate::graph::ResourceGraph;
use crate::inputs::FRONT_ENDS;
use crate::policy;
use crate::rules::Registry;
use crate::source::{FileId, SourceFile, Sources, Span};

/// Files larger than this are reported, not read (untrusted input must not exhaust memory).
pub const MAX_FILE_BYTES: u64 = crate::limits::Limits::DEFAULT.file_bytes;

/// What to lint and with which rules.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Files and directories.
    pub paths: Vec<PathBuf>,
    /// Only these rule ids (all when empty).
    pub select: Vec<String>,
    /// Never these rule ids.
    pub skip: Vec<String>,
    /// Work bounds for hostile input (`[limits]` in `.iaclint.toml`).
    pub limits: crate::limits::Limits,
    /// Today, for suppression expiry (`None`: the system clock).
    pub today: Option<crate::suppress::Date>,
}

/// A configuration mistake that stops the run before any file is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LintError {
    /// `--rule`/`--skip-rule` named a rule that does not exist.
    #[error(
        "unknown rule `{id}`{} (run `iaclint rules` to list them)",
        crate::suggest::did_you_mean(.suggestion.as_deref())
    )]
    UnknownRule {
        /// The id as given.
        id: String,
        /// The closest known id, when one is close.
        suggestion: Option<String>,
    },
}

pub use crate::report::Report;

/// In-memory input: `(display path, text)` pairs, for tests and the rule harness.
pub fn lint_sources(
    inputs: Vec<(String, String)>,
    registry: &Registry,
    settings: &Settings,
) -> Result<Report, LintError> {
    crate::limits::install(settings.limits);
    check_rule_ids(settings, registry)?;
    let loaded = inputs
        .into_iter()
        .filter_map(|(path, text)| {
            let file = SourceFile::new(path.clone(), PathBuf::from(path), Arc::from(text));
            keep_template(Ok(file), true)
        })
        .collect();
    Ok(run(model(loaded, Vec::new()), registry, settings))
}

/// Lints `settings.paths` from disk.
pub fn lint(settings: &Settings, registry: &Registry) -> Result<Report, LintError> {
    lint_filtered(settings, registry, &|_| true)
}

/// Lints `settings.paths` from disk, skipping the walked files `keep` rejects (files named in
/// `settings.paths` are always linted): how `.iaclint.toml` `include`/`exclude` apply.
pub fn lint_filtered(
    settings: &Settings,
    registry: &Registry,
    keep: &(dyn Fn(&Path) -> bool + Sync),
) -> Result<Report, LintError> {
    crate::limits::install(settings.limits);
    check_rule_ids(settings, registry)?;
    let model = load_with(&settings.paths, keep, settings.limits.file_bytes);
    Ok(run(model, registry, settings))
}

/// Every `--rule`/`--skip-rule` id must exist; checked before any file is read.
fn check_rule_ids(settings: &Settings, registry: &Registry) -> Result<(), LintError> {
    for id in settings.select.iter().chain(&settings.skip) {
        if registry.get(id).is_none() {
            return Err(LintError::UnknownRule {
                id: id.clone(),
                suggestion: registry.suggest(id).map(str::to_string),
            });
        }
    }
    Ok(())
}

/// A file that could not be read as text, with its readable prefix when there is one.
pub struct ReadError {
    /// The valid UTF-8 prefix of the file, to show the error in context.
    pub text: Option<SourceFile>,
    /// The error (its span is filled in once the prefix has a [`FileId`]).
    pub error: InputError,
    /// Byte offset of the problem in `text`.
    pub offset: usize,
}

/// Reads the file at `path`, at most `max` bytes.
fn read(path: &Path, max: u64) -> Result<SourceFile, Box<ReadError>> {
    let display = discover::display_path(path);
    let err = |message: String| {
        Box::new(ReadError {
            text: None,
            error: InputError {
                path: display.clone(),
                span: None,
                message,
            },
            offset: 0,
        })
    };
    let bytes =
        crate::fsread::read_regular(path, max, crate::fsread::Symlinks::Follow).map_err(|e| {
            err(match e {
                crate::fsread::ReadFailure::TooLarge { size, limit } => format!(
                    "file is {size} bytes, over the {limit} byte limit {}; not linted",
                    crate::limits::hint("file-bytes")
                ),
                crate::fsread::ReadFailure::NotRegular(kind) => {
                    format!("not a regular file ({kind}); not linted")
                }
                crate::fsread::ReadFailure::Io(e) => format!("cannot read file: {e}"),
            })
        })?;
    decode(display, path, bytes)
}

/// Text from bytes read from `path` (displayed as `display`); not UTF-8 is an error located at the
/// first invalid byte.
fn decode(display: String, path: &Path, bytes: Vec<u8>) -> Result<SourceFile, Box<ReadError>> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(
            display,
            path.to_path_buf(),
            Arc::from(text),
        )),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            Err(Box::new(ReadError {
                text: Some(SourceFile::new(
                    display.clone(),
                    path.to_path_buf(),
                    Arc::from(prefix),
                )),
                error: InputError {
                    path: display,
                    span: None,
                    message: format!(
                        "not UTF-8 text: invalid byte 0x{:02x}; is this a binary file?",
                        bytes[valid]
                    ),
                },
                offset: valid,
            }))
        }
    }
}

/// Everything iaclint knows about the inputs before any rule runs.
#[derive(Debug)]
pub struct Model {
    /// Every file read.
    pub sources: Sources,
    /// The resource graph.
    pub graph: ResourceGraph,
    /// Every IAM policy document in the graph, normalized.
    pub policies: Vec<policy::PolicyDocument>,
    /// Files that could not be read or parsed.
    pub errors: Vec<InputError>,
    /// Number of files found.
    pub files: usize,
    /// Walked files left out by ignore rules or the config (see [`Report::excluded`]).
    pub excluded: usize,
}

/// Reads and parses `paths` and builds the graph (what `iaclint debug graph` shows).
pub fn load(paths: &[PathBuf]) -> Model {
    load_filtered(paths, &|_| true)
}

/// [`load`], skipping the walked files `keep` rejects (named files are always read).
pub fn load_filtered(paths: &[PathBuf], keep: &(dyn Fn(&Path) -> bool + Sync)) -> Model {
    load_with(paths, keep, MAX_FILE_BYTES)
}

/// [`load_filtered`], reading files of at most `max_bytes`.
fn load_with(paths: &[PathBuf], keep: &(dyn Fn(&Path) -> bool + Sync), max_bytes: u64) -> Model {
    let found = discover::discover(paths);
    let (kept, dropped): (Vec<&discover::Candidate>, Vec<_>) = found
        .files
        .iter()
        .partition(|c| c.explicit || keep(&c.path));
    let loaded: Vec<Result<SourceFile, Box<ReadError>>> = kept
        .par_iter()
        .filter_map(|c| keep_template(read(&c.path, max_bytes), c.explicit))
        .collect();
    let mut model = model(loaded, found.errors);
    model.excluded = found.excluded + dropped.len();
    model
}

/// A file is linted when its front end accepts its content ([`FrontEnd::sniff`]: JSON/YAML only
/// when it is a CloudFormation template); one named on the command line that is not is an error,
/// a walked one is skipped silently.
fn keep_template(
    read: Result<SourceFile, Box<ReadError>>,
    explicit: bool,
) -> Option<Result<SourceFile, Box<ReadError>>> {
    let Ok(file) = read else {
        return Some(read);
    };
    let verdict = match FRONT_ENDS.for_path(&file.path) {
        Some(fe) => fe.sniff(&file.path, &file.text).map_err(String::from),
        None => Err(FRONT_ENDS.not_read_message()),
    };
    let message = match verdict {
        Ok(()) => return Some(Ok(file)),
        Err(_) if !explicit => return None,
        Err(message) => message,
    };
    Some(Err(Box::new(ReadError {
        error: InputError {
            path: file.path.clone(),
            span: None,
            message,
        },
        text: None,
        offset: 0,
    })))
}

fn model(loaded: Vec<Result<SourceFile, Box<ReadError>>>, mut errors: Vec<InputError>) -> Model {
    let files = loaded.len();
    let mut sources = Sources::new();
    let mut ids = Vec::new();
    for r in loaded {
        match r {
            Ok(f) => ids.push(sources.add(f)),
            Err(e) => {
                let ReadError {
                    text,
                    mut error,
                    offset,
                } = *e;
                if let Some(f) = text {
                    // Keep the readable part so the error can be shown in context.
                    let id = sources.add(f);
                    error.span = Some(Span::new(id, offset..offset));
                }
                errors.push(error);
            }
        }
    }
    let graph = build_graph(&sources, &ids, &mut errors);
    let policies = policy::extract(&graph);
    Model {
        sources,
        graph,
        policies,
        errors,
        files,
        excluded: 0,
    }
}

/// Runs the rules over `model` (the entry points checked the rule ids already).
fn run(model: Model, registry: &Registry, settings: &Settings) -> Report {
    let Model {
        sources,
        graph,
        policies,
        mut errors,
        files,
        excluded,
    } = model;
    let today = settings.today.unwrap_or_else(crate::suppress::Date::today);
    let engine = Engine::new(&sources, &graph, &policies, today, settings.limits);
    let enabled = |r: &crate::rules::Rule| {
        (settings.select.is_empty() || settings.select.iter().any(|s| s == r.id()))
            && !settings.skip.iter().any(|s| s == r.id())
    };
    let (mut findings, mut undecided, suppressed) = engine.run(registry, &enabled);
    let rules = registry
        .rules()
        .iter()
        .filter(|r| enabled(r))
        .map(|r| r.id().to_string())
        .collect();
    undecided.sort_by(|a, b| {
        let fa = sources.get(a.span.file);
        let fb = sources.get(b.span.file);
        (fa.path.as_str(), a.span.start, &a.rule_id, &a.reason).cmp(&(
            fb.path.as_str(),
            b.span.start,
            &b.rule_id,
            &b.reason,
        ))
    });
    // Byte order within a file is line/column order.
    findings.sort_by(|a, b| {
        let fa = sources.get(a.primary.span.file);
        let fb = sources.get(b.primary.span.file);
        (
            fa.path.as_str(),
            a.primary.span.start,
            &a.rule_id,
            a.primary.span.end,
            &a.message,
        )
            .cmp(&(
                fb.path.as_str(),
                b.primary.span.start,
                &b.rule_id,
                b.primary.span.end,
                &b.message,
            ))
    });
    number_occurrences(&sources, &mut findings);
    errors.sort_by(|a, b| {
        (&a.path, a.span.map(|s| s.start)).cmp(&(&b.path, b.span.map(|s| s.start)))
    });
    Report {
        sources,
        findings,
        undecided,
        suppressed,
        baselined: 0,
        errors,
        files,
        excluded,
        rules,
        severity_overrides: Default::default(),
    }
}

/// Parses every file in parallel and builds one graph (each front end building its units, see
/// [`FrontEnds::build_graph`](crate::frontend::FrontEnds::build_graph)); parse errors go to
/// `errors`.
pub fn build_graph(
    sources: &Sources,
    ids: &[FileId],
    errors: &mut Vec<InputError>,
) -> ResourceGraph {
    // Problems in files that were still linted (an exceeded evaluation limit): their suppression
    // comments still apply.
    let (mut graph, mut diagnostics) = FRONT_ENDS.build_graph(sources, ids, errors);
    // Suppression comments, in the files that parsed.
    let failed: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    crate::suppress::attach_comments(sources, &mut graph, &failed);
    errors.append(&mut diagnostics);
    graph
}

/// Lints `bytes` as if they were the file at `path` (stdin mode and the language server).
///
/// For a Terraform file, the other `.tf` and auto-loaded tfvars files of its directory are part of
/// the module: each comes from `open` when it holds that path (an unsaved editor buffer), else
/// from disk; `bytes` replaces the on-disk version of `path`. A template stands alone. Only the
/// findings, undecided checks and errors located in `path` are kept; related labels may still
/// point at other files.
pub fn lint_buffer(
    path: &Path,
    bytes: Vec<u8>,
    open: &HashMap<PathBuf, String>,
    registry: &Registry,
    settings: &Settings,
) -> Result<Report, LintError> {
    crate::limits::install(settings.limits);
    check_rule_ids(settings, registry)?;
    let display = discover::display_path(path);
    let front_end = FRONT_ENDS.walked(path);
    let buffer = if front_end.is_none() {
        Err(Box::new(ReadError {
            text: None,
            error: InputError {
                path: display.clone(),
                span: None,
                message: FRONT_ENDS.not_read_message(),
            },
            offset: 0,
        }))
    } else if bytes.len() as u64 > settings.limits.file_bytes {
        Err(Box::new(ReadError {
            text: None,
            error: InputError {
                path: display.clone(),
                span: None,
                message: format!(
                    "input is over the {} byte limit {}; not linted",
                    settings.limits.file_bytes,
                    crate::limits::hint("file-bytes")
                ),
            },
            offset: 0,
        }))
    } else {
        decode(display.clone(), path, bytes)
    };
    let mut loaded: Vec<Result<SourceFile, Box<ReadError>>> =
        keep_template(buffer, true).into_iter().collect();
    if let Some(fe) = front_end
        && fe.unit() == Unit::Directory
    {
        loaded.extend(module_siblings(path, open, fe, settings.limits.file_bytes));
    }
    let mut report = run(model(loaded, Vec::new()), registry, settings);
    let target = report
        .sources
        .iter()
        .find(|(_, f)| f.path == display)
        .map(|(id, _)| id);
    report
        .findings
        .retain(|f| Some(f.primary.span.file) == target);
    report.undecided.retain(|u| Some(u.span.file) == target);
    report.errors.retain(|e| e.path == display);
    report.files = 1;
    Ok(report)
}

/// The other files of `path`'s directory that `fe` reads (the rest of a Terraform module), from
/// `open` or from disk.
fn module_siblings(
    path: &Path,
    open: &HashMap<PathBuf, String>,
    fe: &dyn FrontEnd,
    max_bytes: u64,
) -> Vec<Result<SourceFile, Box<ReadError>>> {
    let same = |p: &Path| FRONT_ENDS.walked(p).is_some_and(|f| f.name() == fe.name());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut names: Vec<std::ffi::OsString> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name())
        .filter(|n| Some(n.as_os_str()) != path.file_name())
        .filter(|n| same(Path::new(n)))
        .collect();
    // Open buffers not saved yet are part of the module too.
    for p in open.keys() {
        if p.parent() == Some(dir.as_path())
            && p.file_name() != path.file_name()
            && let Some(n) = p.file_name()
            && !names.iter().any(|m| m == n)
            && same(p)
        {
            names.push(n.to_os_string());
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let p = dir.join(n);
            match open.get(&p) {
                Some(text) => Ok(SourceFile::new(
                    discover::display_path(&p),
                    p.clone(),
                    Arc::from(text.as_str()),
                )),
                None => read(&p, max_bytes),
            }
        })
        .collect()
}

/// Numbers findings that would otherwise share a fingerprint (same rule, file, resource and
/// primary text), in position order, so each keeps its own identity in baselines and SARIF.
fn number_occurrences(sources: &Sources, findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<
        (String, crate::source::FileId, String, String),
        usize,
    > = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let text = sources.get(f.primary.span.file).slice(f.primary.span);
        let key = (
            f.rule_id.clone(),
            f.primary.span.file,
            f.resource.clone(),
            text.split_whitespace().collect::<Vec<_>>().join(" "),
        );
        let n = seen.entry(key).or_insert(0);
        f.occurrence = *n;
        *n += 1;
    }
}
