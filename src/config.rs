//! Project configuration: `.iaclint.toml`.
//!
//! Found by walking up from the first scanned path (or the current directory) to the filesystem
//! root, stopping at the first `.iaclint.toml`; or named with `--config FILE`. Every key is
//! optional; unknown keys and bad values are errors located at `file:line:column`.
//!
//! Globs (`include`, `exclude`, `per-path.paths`) are matched against paths relative to the
//! directory of the config file, with `/` separators; `*` does not cross `/`, `**` does. A glob
//! that matches a directory matches every file under it (`exclude = ["legacy"]`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;
use crate::lint::Report;
use crate::rules::Registry;

/// The file name looked for.
pub const FILE_NAME: &str = ".iaclint.toml";

/// What `iaclint init` writes: every key, commented out, with a one-line explanation.
pub const TEMPLATE: &str = r#"# iaclint configuration. Every key is optional; uncomment what you need.
# Globs are relative to this file's directory; `*` stays within a directory, `**` crosses them,
# and a glob matching a directory matches every file under it.

# Lint only walked files matching one of these globs (files named on the command line are always
# linted).
# include = ["infra/**"]

# Never lint walked files matching one of these globs (wins over `include`).
# exclude = ["legacy", "**/generated/**"]

# Exit with 1 only for findings at or above this severity: critical, high, medium, low or info
# (`--fail-on` wins).
# fail-on = "high"

# Directories of extra rule files (*.yml, in the `rules/` format), loaded after the built-in rules.
# extra-rule-dirs = ["policies/iaclint"]

# [rules]
# Run only these rules (`--rule` replaces this list).
# select = ["iam-wildcard-action", "iam-wildcard-resource"]
# Never run these rules (`--skip-rule` adds to this list; `--rule ID` runs ID anyway).
# ignore = ["ecs-service-without-autoscaling"]

# [rules.severity]
# Report a rule's findings at another severity.
# "ecs-service-without-autoscaling" = "low"

# Drop findings of these rules in files matching these globs (repeat the table for more).
# [[per-path]]
# paths = ["sandbox/**"]
# ignore = ["iam-wildcard-resource"]

# Work bounds for untrusted input, per file (defaults shown). Files are linted in parallel, so
# raising a per-file limit raises peak memory by the number of threads.
# [limits]
# file-bytes = 10485760         # largest file read
# nesting-depth = 128           # deepest JSON/YAML/HCL nesting (at most 128)
# yaml-alias-values = 100000    # values YAML aliases and merge keys may expand to
# string-bytes = 4194304        # longest string built by Fn::Join, Fn::Sub, format(), ...
# eval-bytes = 33554432         # bytes of strings built or copied per template or module
# eval-values = 250000          # values copied from parameters, mappings, locals
# reference-depth = 16          # hops followed between resources
# related-labels = 100          # related locations kept on one finding
"#;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    extra_rule_dirs: Vec<Spanned<String>>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    per_path: Vec<RawPerPath>,
    /// `[limits]`: key → value, checked by [`Limits::set`](crate::limits::Limits::set).
    #[serde(default)]
    limits: BTreeMap<Spanned<String>, Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerPath {
    paths: Vec<Spanned<String>>,
    ignore: Vec<Spanned<String>>,
}

/// A configuration mistake, located in the config file.
#[derive(Debug, thiserror::Error)]
#[error("{}{kind}", location(.path, *.line, *.column))]
pub struct ConfigError {
    /// The config file as given or found.
    pub path: String,
    /// 1-based line, 0 when the error has no place in the file.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub kind: ConfigErrorKind,
}

/// What is wrong with a config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigErrorKind {
    /// The file cannot be read.
    #[error("cannot read the config file: {0}")]
    Read(TextError),
    /// Not TOML, or a key or value the format does not have (the TOML parser's message).
    #[error("{0}")]
    Toml(String),
    /// A glob that does not compile.
    #[error("bad glob `{glob}`: {reason}")]
    Glob {
        /// The glob as written.
        glob: String,
        /// Why.
        reason: globset::ErrorKind,
    },
    /// A set of globs that does not compile.
    #[error("bad glob: {0}")]
    GlobSet(globset::Error),
    /// Not a severity name.
    #[error("{0}")]
    Severity(String),
    /// A negative limit.
    #[error("`{key}` must be at least 1")]
    Negative {
        /// The limit's key.
        key: String,
    },
    /// A limit that cannot be set.
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitError),
    /// The rules embedded in the binary do not load (a build defect).
    #[error("the built-in rule pack is broken: {0}")]
    BuiltinPack(Box<crate::rules::RuleError>),
    /// An `extra-rule-dirs` directory cannot be listed.
    #[error("cannot read the rule directory {}: {source}", .dir.display())]
    RuleDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A rule file of `extra-rule-dirs` cannot be read.
    #[error("cannot read the rule file {}: {source}", .file.display())]
    RuleFile {
        /// The rule file.
        file: PathBuf,
        /// Why.
        source: TextError,
    },
    /// A rule file of `extra-rule-dirs` does not load.
    #[error(transparent)]
    Rule(Box<crate::rules::RuleError>),
    /// The file names a rule that does not exist.
    #[error(
        "unknown rule `{id}`{} (run `iaclint rules` to list them)",
        crate::suggest::did_you_mean(.suggestion.as_deref())
    )]
    UnknownRule {
        /// The id as written.
        id: String,
        /// The closest known id, when one is close.
        suggestion: Option<String>,
    },
}

/// A text file (config, rule file) that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// Not read (missing, not a regular file, too large).
    #[error(transparent)]
    Read(#[from] crate::fsread::ReadFailure),
    /// Not UTF-8.
    #[error("not UTF-8 text: invalid byte at offset {offset}")]
    NotUtf8 {
        /// Where the first invalid byte is.
        offset: usize,
    },
}

/// `iaclint init` could not write the config.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// There is one already (and no `--force`).
    #[error("{} already exists; use --force to overwrite it", crate::discover::display_path(.0))]
    Exists(PathBuf),
    /// Writing failed.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn location(path: &str, line: usize, column: usize) -> String {
    if line == 0 {
        format!("{path}: ")
    } else {
        format!("{path}:{line}:{column}: ")
    }
}

/// Globs matched against paths relative to a base directory.
#[derive(Debug, Clone)]
struct Globs {
    set: GlobSet,
    len: usize,
}

impl Globs {
    /// True when `rel` or one of its ancestor directories matches.
    fn matches(&self, rel: &str) -> bool {
        if self.len == 0 {
            return false;
        }
        if self.set.is_match(rel) {
            return true;
        }
        let mut s = rel;
        while let Some(i) = s.rfind('/') {
            s = &s[..i];
            if self.set.is_match(s) {
                return true;
            }
        }
        false
    }
}

/// Per-path rule ignores.
#[derive(Debug, Clone)]
struct PerPath {
    paths: Globs,
    ignore: Vec<String>,
}

/// A loaded `.iaclint.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file, as given or found.
    pub path: PathBuf,
    /// Its directory, absolute and normalized: globs and rule directories are relative to it.
    pub dir: PathBuf,
    text: String,
    include: Globs,
    exclude: Globs,
    /// `fail-on`.
    pub fail_on: Option<Severity>,
    /// `extra-rule-dirs`, resolved against [`Config::dir`], with the span of each entry.
    extra_rule_dirs: Vec<(PathBuf, Range<usize>)>,
    /// `[rules] select`.
    pub select: Vec<String>,
    /// `[rules] ignore`.
    pub ignore: Vec<String>,
    /// `[rules.severity]`.
    pub severity: BTreeMap<String, Severity>,
    /// `[limits]` over the defaults.
    pub limits: crate::limits::Limits,
    per_path: Vec<PerPath>,
    /// Every rule id the file names, with where, checked against the registry by
    /// [`Config::check_rule_ids`].
    rule_refs: Vec<(String, Range<usize>)>,
}

pub use crate::filepath::absolute;

/// The `.iaclint.toml` that applies to `start` (a file or directory): the first found walking up
/// from it to the filesystem root.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    let dir = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    // Anything by that name counts (a FIFO or a symlink to a device too): loading it then says
    // why it cannot be read, rather than the run going on without the config.
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// The largest `.iaclint.toml` read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The text of the regular file at `path`, at most `limit` bytes of UTF-8.
fn read_text(path: &Path, limit: u64) -> Result<String, TextError> {
    let bytes = crate::fsread::read_regular(path, limit, crate::fsread::Symlinks::Follow)?;
    String::from_utf8(bytes).map_err(|e| TextError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// The rule files (`*.yml`, `*.yaml`) of `dir`, sorted.
pub fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    names.sort();
    Ok(names)
}

/// The text of rule file `path` (at most the default `file-bytes`).
pub fn read_rule_file(path: &Path) -> Result<String, TextError> {
    read_text(path, crate::lint::MAX_FILE_BYTES)
}

impl Config {
    /// Reads and parses the config file at `path` (rule ids are checked later, against the
    /// registry it helps build: see [`Config::check_rule_ids`]).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read_text(path, MAX_CONFIG_BYTES).map_err(|e| ConfigError {
            path: crate::discover::display_path(path),
            line: 0,
            column: 0,
            kind: ConfigErrorKind::Read(e),
        })?;
        Config::parse(path, &text)
    }

    /// Parses config `text` that lives at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let display = crate::discover::display_path(path);
        let at = |span: Option<Range<usize>>, kind: ConfigErrorKind| {
            let (line, column) = span.map(|s| line_column(text, s.start)).unwrap_or((0, 0));
            ConfigError {
                path: display.clone(),
                line,
                column,
                kind,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            at(
                e.span(),
                ConfigErrorKind::Toml(e.message().trim_end().to_string()),
            )
        })?;
        let dir = absolute(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let globs = |list: &[Spanned<String>]| -> Result<Globs, ConfigError> {
            let mut b = GlobSetBuilder::new();
            for g in list {
                let glob = globset::GlobBuilder::new(g.get_ref())
                    .literal_separator(true)
                    .build()
                    .map_err(|e| {
                        at(
                            Some(g.span()),
                            ConfigErrorKind::Glob {
                                glob: g.get_ref().clone(),
                                reason: e.kind().clone(),
                            },
                        )
                    })?;
                b.add(glob);
            }
            let set = b
                .build()
                .map_err(|e| at(None, ConfigErrorKind::GlobSet(e)))?;
            Ok(Globs {
                set,
                len: list.len(),
            })
        };
        let severity = |s: &Spanned<String>| -> Result<Severity, ConfigError> {
            s.get_ref()
                .parse()
                .map_err(|m| at(Some(s.span()), ConfigErrorKind::Severity(m)))
        };
        let mut rule_refs = Vec::new();
        let mut ids = |list: &[Spanned<String>]| -> Vec<String> {
            list.iter()
                .map(|s| {
                    rule_refs.push((s.get_ref().clone(), s.span()));
                    s.get_ref().clone()
                })
                .collect()
        };
        let select = ids(&raw.rules.select);
        let ignore = ids(&raw.rules.ignore);
        let mut per_path = Vec::new();
        for p in &raw.per_path {
            per_path.push(PerPath {
                paths: globs(&p.paths)?,
                ignore: ids(&p.ignore),
            });
        }
        let mut severities = BTreeMap::new();
        for (id, s) in &raw.rules.severity {
            rule_refs.push((id.get_ref().clone(), id.span()));
            severities.insert(id.get_ref().clone(), severity(s)?);
        }
        let mut limits = crate::limits::Limits::default();
        for (key, value) in &raw.limits {
            let v = u64::try_from(*value.get_ref()).map_err(|_| {
                at(
                    Some(value.span()),
                    ConfigErrorKind::Negative {
                        key: key.get_ref().clone(),
                    },
                )
            })?;
            limits.set(key.get_ref(), v).map_err(|e| {
                let span = if crate::limits::Limits::KEYS.contains(&key.get_ref().as_str()) {
                    value.span()
                } else {
                    key.span()
                };
                at(Some(span), e.into())
            })?;
        }
        Ok(Config {
            path: path.to_path_buf(),
            text: text.to_string(),
            include: globs(&raw.include)?,
            exclude: globs(&raw.exclude)?,
            fail_on: raw.fail_on.as_ref().map(severity).transpose()?,
            extra_rule_dirs: raw
                .extra_rule_dirs
                .iter()
                .map(|d| (dir.join(d.get_ref()), d.span()))
                .collect(),
            dir,
            select,
            ignore,
            severity: severities,
            limits,
            per_path,
            rule_refs,
        })
    }

    fn error(&self, span: Option<Range<usize>>, kind: ConfigErrorKind) -> ConfigError {
        let (line, column) = span
            .map(|s| line_column(&self.text, s.start))
            .unwrap_or((0, 0));
        ConfigError {
            path: crate::discover::display_path(&self.path),
            line,
            column,
            kind,
        }
    }

    /// The built-in rules plus the rule files (`*.yml`, `*.yaml`) of every `extra-rule-dirs`
    /// entry; a rule id defined twice is an error.
    pub fn registry(&self) -> Result<Registry, ConfigError> {
        if self.extra_rule_dirs.is_empty() {
            return Registry::builtin()
                .map_err(|e| self.error(None, ConfigErrorKind::BuiltinPack(Box::new(e))));
        }
        let mut files = crate::rules::builtin_sources()
            .map_err(|e| self.error(None, ConfigErrorKind::BuiltinPack(Box::new(e))))?;
        for (dir, span) in &self.extra_rule_dirs {
            let names = rule_files(dir).map_err(|source| {
                self.error(
                    Some(span.clone()),
                    ConfigErrorKind::RuleDir {
                        dir: dir.clone(),
                        source,
                    },
                )
            })?;
            for p in names {
                let text = read_rule_file(&p).map_err(|source| {
                    self.error(
                        Some(span.clone()),
                        ConfigErrorKind::RuleFile {
                            file: p.clone(),
                            source,
                        },
                    )
                })?;
                files.push((crate::discover::display_path(&p), text));
            }
        }
        Registry::from_sources(files)
            .map_err(|e| self.error(None, ConfigErrorKind::Rule(Box::new(e))))
    }

    /// Every rule id the file names must exist in `registry`.
    pub fn check_rule_ids(&self, registry: &Registry) -> Result<(), ConfigError> {
        for (id, span) in &self.rule_refs {
            if registry.get(id).is_none() {
                return Err(self.error(
                    Some(span.clone()),
                    ConfigErrorKind::UnknownRule {
                        id: id.clone(),
                        suggestion: registry.suggest(id).map(str::to_string),
                    },
                ));
            }
        }
        Ok(())
    }

    /// `path` relative to the config's directory with `/` separators; `None` outside it.
    fn relative(&self, path: &Path) -> Option<String> {
        let abs = absolute(path);
        let rel = abs.strip_prefix(&self.dir).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    /// Whether discovery keeps a walked file: it matches `include` (when given) and not
    /// `exclude`. Files outside the config's directory are always kept.
    pub fn keeps(&self, path: &Path) -> bool {
        let Some(rel) = self.relative(path) else {
            return true;
        };
        (self.include.len == 0 || self.include.matches(&rel)) && !self.exclude.matches(&rel)
    }

    /// The rules to run and skip, from the config and the command line: `--rule` replaces
    /// `select` (and runs its rules even when `ignore` names them); `--skip-rule` adds to `ignore`.
    pub fn rule_selection(
        &self,
        cli_rules: &[String],
        cli_skip: &[String],
    ) -> (Vec<String>, Vec<String>) {
        let select = if cli_rules.is_empty() {
            self.select.clone()
        } else {
            cli_rules.to_vec()
        };
        let mut skip: Vec<String> = self
            .ignore
            .iter()
            .filter(|id| !cli_rules.contains(id))
            .cloned()
            .collect();
        skip.extend(cli_skip.iter().cloned());
        (select, skip)
    }

    /// Applies `[rules.severity]` and `[[per-path]]` to a report: overridden severities, and
    /// findings in ignored paths dropped.
    pub fn apply(&self, report: &mut Report) {
        let sources = &report.sources;
        report.findings.retain(|f| {
            let file = &sources.get(f.primary.span.file).path;
            !self.per_path.iter().any(|p| {
                p.ignore.contains(&f.rule_id)
                    && self
                        .relative(Path::new(file))
                        .is_some_and(|rel| p.paths.matches(&rel))
            })
        });
        for f in &mut report.findings {
            if let Some(s) = self.severity.get(&f.rule_id) {
                f.severity = *s;
            }
        }
        for (rule, s) in &self.severity {
            report.severity_overrides.insert(rule.clone(), *s);
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Writes [`TEMPLATE`] to `dir/.iaclint.toml`; refuses to overwrite an existing file unless
/// `force`. Returns the path written.
pub fn init(dir: &Path, force: bool) -> Result<PathBuf, InitError> {
    let path = dir.join(FILE_NAME);
    if path.exists() && !force {
        return Err(InitError::Exists(path));
    }
    std::fs::write(&path, TEMPLATE).map_err(|source| InitError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/p/.iaclint.toml"), text)
    }

    #[test]
    fn the_init_template_parses_and_sets_nothing() {
        let c = parse(TEMPLATE).unwrap();
        assert!(c.fail_on.is_none() && c.select.is_empty() && c.rule_refs.is_empty());
        // Uncommented, every key parses too.
        let uncommented: String = TEMPLATE
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.starts_with('[') || l.contains(" = ") && !l.starts_with("Globs"))
            .map(|l| format!("{l}\n"))
            .collect();
        let c = parse(&uncommented).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert_eq!(c.fail_on, Some(Severity::High));
        assert_eq!(c.per_path.len(), 1);
        assert_eq!(c.limits, crate::limits::Limits::default());
        assert!(c.check_rule_ids(&Registry::builtin().unwrap()).is_ok());
    }

    #[test]
    fn errors_are_located() {
        let e = parse("fail-on = \"high\"\n\n[rulez]\nselect = []\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 2), "{e}");
        let e = parse("fail_on = \"high\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1), "{e}");
        let e = parse("[rules.severity]\n\"iam-wildcard-action\" = \"severe\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 25), "{e}");
        assert!(
            matches!(&e.kind, ConfigErrorKind::Severity(m) if m.contains("unknown severity `severe`")),
            "{e}"
        );
        let e = parse("exclude = [\"a/[b\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 12), "{e}");
        let c = parse("[rules]\nignore = [\"iam-wildcard-actoin\"]\n").unwrap();
        let e = c.check_rule_ids(&Registry::builtin().unwrap()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 11), "{e}");
        assert!(
            e.to_string()
                .starts_with("/p/.iaclint.toml:2:11: unknown rule"),
            "{e}"
        );
        assert!(
            matches!(&e.kind, ConfigErrorKind::UnknownRule { id, suggestion }
                if id == "iam-wildcard-actoin"
                    && suggestion.as_deref() == Some("iam-wildcard-action")),
            "{e:?}"
        );
        assert!(e.to_string().contains("did you mean `iam-wildcard-action`"));
    }

    #[test]
    fn limits_are_read_and_mistakes_located() {
        let c = parse("[limits]\nrelated-labels = 3\nstring-bytes = 1000\n").unwrap();
        assert_eq!(c.limits.related_labels, 3);
        assert_eq!(c.limits.string_bytes, 1000);
        let e = parse("[limits]\nstring-bytez = 3\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(
            matches!(&e.kind, ConfigErrorKind::Limit(crate::limits::LimitError::UnknownKey { key }) if key == "string-bytez"),
            "{e:?}"
        );
        let e = parse("[limits]\nnesting-depth = 100000\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 17), "{e}");
        let e = parse("[limits]\neval-bytes = -1\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 14), "{e}");
        let e = parse("[limits]\neval-bytes = \"big\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn globs_match_relative_paths_and_directories() {
        let c =
            parse("include = [\"infra/**\", \"*.tf\"]\nexclude = [\"infra/legacy\"]\n").unwrap();
        assert!(c.keeps(Path::new("/p/main.tf")));
        assert!(c.keeps(Path::new("/p/infra/a/main.tf")));
        assert!(!c.keeps(Path::new("/p/infra/legacy/main.tf")));
        assert!(!c.keeps(Path::new("/p/other/main.tf")));
        assert!(c.keeps(Path::new("/elsewhere/main.tf")));
    }

    #[test]
    fn cli_rule_selection_precedence() {
        let c = parse("[rules]\nselect = [\"a\"]\nignore = [\"b\", \"c\"]\n").unwrap();
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(c.rule_selection(&[], &[]), (s(&["a"]), s(&["b", "c"])));
        assert_eq!(
            c.rule_selection(&s(&["b"]), &s(&["d"])),
            (s(&["b"]), s(&["c", "d"]))
        );
    }
}
