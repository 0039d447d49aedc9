//! One run of the linter, as the CLI and the language server both do it: the settings of the run
//! (what to lint, rule selection, fail-on, today's date), the `.iaclint.toml` that applies (rules,
//! severities, include/exclude, per-path ignores, extra rule dirs, limits) and an optional
//! baseline → the [`Report`] and its [`Exit`] category. Nothing here prints or reads the
//! environment; errors are [`RunError`] values rendered by the caller.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::baseline::{Baseline, BaselineError};
use crate::config::{self, Config, ConfigError};
use crate::finding::{InputError, Severity};
use crate::lint::{self, LintError, Settings};
use crate::report::Report;
use crate::rules::Registry;
use crate::suppress::Date;

/// What a run lints.
pub enum Input {
    /// Files and directories from disk (walked files go through the config's include/exclude).
    Paths(Vec<PathBuf>),
    /// One buffer linted as if it were the file at `path` (stdin, an editor buffer); a Terraform
    /// file is linted with its module's other files, from `open` when it holds them.
    Buffer {
        /// The file the buffer stands for.
        path: PathBuf,
        /// Its content.
        content: Content,
        /// Unsaved buffers of other files, by path.
        open: HashMap<PathBuf, String>,
        /// Named by the user (stdin): linted even when the config's `exclude` matches it. An
        /// editor buffer is not: an excluded file gets no findings.
        explicit: bool,
    },
}

/// The bytes of a buffer, or where to read them (read once the config's `file-bytes` is known).
pub enum Content {
    /// Already in memory.
    Bytes(Vec<u8>),
    /// Standard input (or any reader), read up to the run's `file-bytes` limit.
    Stdin(Box<dyn Read>),
}

/// Which `.iaclint.toml` applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The first found walking up from this file or directory.
    Discover(PathBuf),
    /// This file (`--config`); it must exist.
    File(PathBuf),
    /// None (built-in rules, default settings).
    None,
}

/// Everything a run needs from its caller.
pub struct RunSettings {
    /// What to lint.
    pub input: Input,
    /// Where the config comes from.
    pub config: ConfigSource,
    /// `--rule`: only these rules (replaces the config's `select`).
    pub select: Vec<String>,
    /// `--skip-rule`: not these rules (added to the config's `ignore`).
    pub skip: Vec<String>,
    /// `--fail-on` (wins over the config's `fail-on`).
    pub fail_on: Option<Severity>,
    /// Today, for suppression expiry.
    pub today: Date,
    /// Drop the findings this baseline file lists.
    pub baseline: Option<PathBuf>,
}

/// How a run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// No finding at or above fail-on, no error.
    Clean,
    /// A finding at or above fail-on.
    Findings,
    /// A file could not be read or parsed.
    Errors,
}

impl Exit {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Errors => 2,
        }
    }
}

/// A run that could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// `.iaclint.toml` is wrong (located).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The rules embedded in the binary do not load (a build defect).
    #[error("the built-in rule pack is broken: {0}")]
    BuiltinPack(crate::rules::RuleError),
    /// `--rule`/`--skip-rule` names an unknown rule.
    #[error(transparent)]
    Lint(#[from] LintError),
    /// The baseline cannot be read or written.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// Stdin could not be read.
    #[error("cannot read stdin: {0}")]
    Stdin(std::io::Error),
    /// Stdin is over `file-bytes`.
    #[error("stdin is over the {limit} byte limit; not linted")]
    StdinTooLarge {
        /// The run's `file-bytes`.
        limit: u64,
    },
    /// A rule directory of `iaclint test DIR` cannot be listed.
    #[error("cannot read the rule directory {}: {source}", .dir.display())]
    RuleDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A rule file of `iaclint test DIR` cannot be read.
    #[error("cannot read the rule file {}: {source}", .file.display())]
    RuleFile {
        /// The rule file.
        file: PathBuf,
        /// Why.
        source: config::TextError,
    },
    /// A rule file of `iaclint test DIR` does not load.
    #[error(transparent)]
    Rule(crate::rules::RuleError),
    /// `--write-baseline` on a run where files could not be linted.
    #[error("baseline not written: {} file(s) could not be linted", .errors.len())]
    BaselineNotWritten {
        /// The files' errors.
        errors: Vec<InputError>,
    },
}

/// A user rule whose own `bad` case does not fire, or whose `good` case does.
#[derive(Debug, Clone)]
pub struct CaseWarning {
    /// The rule file.
    pub source: String,
    /// Which case (`rule-id bad #1`).
    pub label: String,
    /// The first line of what went wrong.
    pub failure: String,
}

impl std::fmt::Display for CaseWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} fails: {} (run `iaclint test` for details)",
            self.source, self.label, self.failure
        )
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The report (config and baseline applied).
    pub report: Report,
    /// The exit category.
    pub exit: Exit,
}

/// A run ready to go: its config and rules are loaded (owned, or borrowed from a cache).
pub struct Run<'a> {
    settings: RunSettings,
    config: Option<Cow<'a, Config>>,
    registry: Cow<'a, Registry>,
}

/// The config for a run: `--config FILE` when given (it must exist), else the `.iaclint.toml`
/// found walking up from `start`, else none.
pub fn load_config(source: &ConfigSource) -> Result<Option<Config>, ConfigError> {
    let path = match source {
        ConfigSource::File(p) => p.clone(),
        ConfigSource::Discover(start) => match config::find(start) {
            Some(p) => p,
            None => return Ok(None),
        },
        ConfigSource::None => return Ok(None),
    };
    Config::load(&path).map(Some)
}

/// The built-in rules plus the config's `extra-rule-dirs`, with the config's rule ids checked.
pub fn registry_for(config: Option<&Config>) -> Result<Registry, RunError> {
    match config {
        Some(c) => {
            let registry = c.registry()?;
            c.check_rule_ids(&registry)?;
            Ok(registry)
        }
        None => Registry::builtin().map_err(RunError::BuiltinPack),
    }
}

/// `registry` plus the rule files in `dirs` (`iaclint test DIR`); a file it already holds,
/// through the config's `extra-rule-dirs`, is not loaded twice.
pub fn with_rule_dirs(registry: Registry, dirs: &[PathBuf]) -> Result<Registry, RunError> {
    let loaded: Vec<PathBuf> = registry
        .rules()
        .iter()
        .filter_map(|r| std::fs::canonicalize(&r.source).ok())
        .collect();
    let mut more = Vec::new();
    for dir in dirs {
        let names = config::rule_files(dir).map_err(|source| RunError::RuleDir {
            dir: dir.clone(),
            source,
        })?;
        for p in names {
            if std::fs::canonicalize(&p).is_ok_and(|c| loaded.contains(&c)) {
                continue;
            }
            let text = config::read_rule_file(&p).map_err(|source| RunError::RuleFile {
                file: p.clone(),
                source,
            })?;
            let file = crate::discover::display_path(&p);
            more.push(crate::rules::load_rule(&file, &text).map_err(RunError::Rule)?);
        }
    }
    registry.with_rules(more).map_err(RunError::Rule)
}

impl Run<'static> {
    /// Loads the config and the rules it adds (the baseline is read when the run starts).
    pub fn new(settings: RunSettings) -> Result<Run<'static>, RunError> {
        let config = load_config(&settings.config)?;
        let registry = registry_for(config.as_ref())?;
        Ok(Run {
            settings,
            config: config.map(Cow::Owned),
            registry: Cow::Owned(registry),
        })
    }
}

impl<'a> Run<'a> {
    /// A run with an already loaded config and its rules (the language server caches them;
    /// `settings.config` is not read).
    pub fn with_config(
        settings: RunSettings,
        config: Option<&'a Config>,
        registry: &'a Registry,
    ) -> Run<'a> {
        Run {
            settings,
            config: config.map(Cow::Borrowed),
            registry: Cow::Borrowed(registry),
        }
    }

    /// The rules of the run.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The config of the run, when one applies.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_deref()
    }

    /// The user rules (from `extra-rule-dirs`) whose own cases fail: likely broken rules.
    pub fn case_warnings(&self) -> Vec<CaseWarning> {
        let Ok(builtin) = Registry::builtin() else {
            return Vec::new();
        };
        if self.registry.rules().len() == builtin.rules().len() {
            return Vec::new();
        }
        let user = |r: &crate::rules::Rule| builtin.get(r.id()).is_none();
        crate::harness::run_all(&self.registry, &user)
            .into_iter()
            .filter_map(|run| {
                let failure = run.failure.as_ref()?.to_string();
                Some(CaseWarning {
                    source: run.rule.source.clone(),
                    label: run.label(),
                    failure: failure.lines().next().unwrap_or_default().to_string(),
                })
            })
            .collect()
    }

    /// The engine settings: the rule selection merged with the config's, its limits, today.
    fn lint_settings(&self, paths: Vec<PathBuf>) -> Settings {
        let s = &self.settings;
        let (select, skip) = match &self.config {
            Some(c) => c.rule_selection(&s.select, &s.skip),
            None => (s.select.clone(), s.skip.clone()),
        };
        Settings {
            paths,
            select,
            skip,
            limits: self.config.as_deref().map(|c| c.limits).unwrap_or_default(),
            today: Some(s.today),
        }
    }

    /// Lints (reading stdin first when it is the input), then applies the config's severities
    /// and per-path ignores: the report before any baseline.
    fn lint(&mut self) -> Result<Report, RunError> {
        let mut settings = self.lint_settings(Vec::new());
        let config = self.config.as_deref();
        let mut report = match &mut self.settings.input {
            Input::Paths(paths) => {
                settings.paths = paths.clone();
                lint::lint_filtered(&settings, &self.registry, &|p: &Path| keep(config, p))?
            }
            Input::Buffer {
                path,
                content,
                open,
                explicit,
            } => {
                if !*explicit && !keep(config, path) {
                    // An editor buffer the config excludes: nothing to report.
                    let mut report = lint::lint_sources(Vec::new(), &self.registry, &settings)?;
                    report.excluded = 1;
                    report
                } else {
                    let bytes = match content {
                        Content::Bytes(b) => b.clone(),
                        Content::Stdin(reader) => read_capped(reader, settings.limits.file_bytes)?,
                    };
                    lint::lint_buffer(path, bytes, open, &self.registry, &settings)?
                }
            }
        };
        if let Some(c) = config {
            c.apply(&mut report);
        }
        Ok(report)
    }

    /// `--fail-on`, else the config's `fail-on`, else any finding.
    fn fail_on(&self) -> Severity {
        self.settings
            .fail_on
            .or(self.config.as_deref().and_then(|c| c.fail_on))
            .unwrap_or(Severity::Info)
    }

    /// Lints and returns the report (config and baseline applied) and its exit category.
    pub fn execute(&mut self) -> Result<Outcome, RunError> {
        let baseline = self
            .settings
            .baseline
            .as_deref()
            .map(Baseline::load)
            .transpose()?;
        let mut report = self.lint()?;
        if let Some(b) = &baseline {
            b.apply(&mut report);
        }
        let exit = exit_category(&report, self.fail_on());
        Ok(Outcome { report, exit })
    }

    /// Lints and writes the findings to `path` as a baseline (no baseline is applied); returns
    /// how many were written. A file that could not be linted is an error: the baseline would
    /// miss its findings.
    pub fn write_baseline(&mut self, path: &Path) -> Result<usize, RunError> {
        let report = self.lint()?;
        if !report.errors.is_empty() {
            return Err(RunError::BaselineNotWritten {
                errors: report.errors,
            });
        }
        let b = Baseline::from_report(&report);
        b.write(path)?;
        Ok(b.findings.len())
    }
}

/// All of `reader` (stdin), when it holds at most `limit` bytes.
fn read_capped(reader: &mut dyn Read, limit: u64) -> Result<Vec<u8>, RunError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(RunError::Stdin)?;
    if bytes.len() as u64 > limit {
        return Err(RunError::StdinTooLarge { limit });
    }
    Ok(bytes)
}

fn keep(config: Option<&Config>, path: &Path) -> bool {
    config.is_none_or(|c| c.keeps(path))
}

/// Errors first, then findings at or above `fail_on`.
pub fn exit_category(report: &Report, fail_on: Severity) -> Exit {
    if !report.errors.is_empty() {
        Exit::Errors
    } else if report.findings.iter().any(|f| f.severity >= fail_on) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(input: Input, config: ConfigSource) -> RunSettings {
        RunSettings {
            input,
            config,
            select: Vec::new(),
            skip: Vec::new(),
            fail_on: None,
            today: Date::parse("2026-06-01").unwrap(),
            baseline: None,
        }
    }

    const POLICY: &str = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    \
        Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }]\n  })\n}\n";

    #[test]
    fn the_config_grades_selects_and_sets_the_exit_category() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), POLICY).unwrap();
        let toml = "fail-on = \"high\"\n[rules]\nignore = [\"iam-wildcard-action\"]\n\
                    [rules.severity]\n\"iam-wildcard-resource\" = \"low\"\n";
        std::fs::write(dir.path().join(config::FILE_NAME), toml).unwrap();
        let input = Input::Paths(vec![dir.path().to_path_buf()]);
        let mut run = Run::new(settings(input, ConfigSource::Discover(dir.path().into()))).unwrap();
        let outcome = run.execute().unwrap();
        let rules: Vec<(&str, Severity)> = outcome
            .report
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.severity))
            .collect();
        assert!(
            rules.contains(&("iam-wildcard-resource", Severity::Low)),
            "{rules:?}"
        );
        assert!(
            !rules.iter().any(|(r, _)| *r == "iam-wildcard-action"),
            "{rules:?}"
        );
        // Only low findings, fail-on high.
        assert!(rules.iter().all(|(_, s)| *s < Severity::High), "{rules:?}");
        assert_eq!(outcome.exit, Exit::Clean);
        // Without the config: the wildcard action is a high finding.
        let input = Input::Paths(vec![dir.path().to_path_buf()]);
        let outcome = Run::new(settings(input, ConfigSource::None))
            .unwrap()
            .execute()
            .unwrap();
        assert_eq!(outcome.exit, Exit::Findings);
    }

    #[test]
    fn a_buffer_reads_stdin_up_to_the_configs_file_bytes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(config::FILE_NAME),
            "[limits]\nfile-bytes = 10\n",
        )
        .unwrap();
        let input = Input::Buffer {
            path: dir.path().join("main.tf"),
            content: Content::Stdin(Box::new(std::io::Cursor::new(POLICY.as_bytes().to_vec()))),
            open: HashMap::new(),
            explicit: true,
        };
        let source = ConfigSource::Discover(dir.path().join("main.tf"));
        let err = Run::new(settings(input, source))
            .unwrap()
            .execute()
            .unwrap_err();
        assert!(
            matches!(err, RunError::StdinTooLarge { limit: 10 }),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_cli_rules_carry_the_suggestion() {
        let mut s = settings(Input::Paths(Vec::new()), ConfigSource::None);
        s.select = vec!["iam-wildcard-actoin".into()];
        let err = Run::new(s).unwrap().execute().unwrap_err();
        match &err {
            RunError::Lint(LintError::UnknownRule { id, suggestion }) => {
                assert_eq!(id, "iam-wildcard-actoin");
                assert_eq!(suggestion.as_deref(), Some("iam-wildcard-action"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "unknown rule `iam-wildcard-actoin`; did you mean `iam-wildcard-action`? (run \
             `iaclint rules` to list them)"
        );
    }
}
