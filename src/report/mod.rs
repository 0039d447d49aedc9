//! Renderers: pure functions from a [`Report`] to bytes. `human` is the only place miette appears.
//! A new format is one more module and one more [`OutputFormat`] arm.

pub mod concise;
pub mod github;
pub mod graph;
pub mod human;
pub mod inert;
pub mod json;
pub mod sarif;

use std::io::{self, Write};
use std::path::Path;

use crate::finding::Severity;
use crate::finding::{Finding, InputError};
use crate::rules::Registry;
use crate::source::Sources;

/// Everything a run produced.
#[derive(Debug)]
pub struct Report {
    /// Every file read.
    pub sources: Sources,
    /// Findings, sorted by file, line, column, rule.
    pub findings: Vec<Finding>,
    /// Checks that needed a value iaclint cannot know (no finding; shown by `--verbose`).
    pub undecided: Vec<crate::engine::Undecided>,
    /// Findings silenced by a suppression with a reason.
    pub suppressed: usize,
    /// Findings dropped because a baseline (`--baseline`) lists them.
    pub baselined: usize,
    /// Files that could not be read or parsed, sorted by path.
    pub errors: Vec<InputError>,
    /// Number of files linted (read successfully or not).
    pub files: usize,
    /// Walked files left out by ignore files (`.gitignore`, `.ignore`, `info/exclude`; never a
    /// tracked file) or by the config's `include`/`exclude`.
    pub excluded: usize,
    /// Ids of the rules that ran (the `--rule`/`--skip-rule` selection), in registry order.
    pub rules: Vec<String>,
    /// Per-rule severities that replace the rule's own (from the configuration); renderers that
    /// describe rules (SARIF) use them too.
    pub severity_overrides: std::collections::BTreeMap<String, crate::finding::Severity>,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Source-annotated diagnostics for people.
    Human,
    /// The documented, versioned JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::`), shown as annotations.
    Github,
    /// One line per finding, `file:line:col: severity rule-id message`, for editors and grep.
    Concise,
}

impl OutputFormat {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Concise => "concise",
        }
    }
}

/// What a renderer may need besides the report: the rules (SARIF describes every rule that ran)
/// and the directory relative paths are relative to (SARIF's `%SRCROOT%`).
#[derive(Clone, Copy, Debug)]
pub struct RenderContext<'a> {
    /// The rule pack the report was produced with.
    pub registry: &'a Registry,
    /// The directory displayed paths are relative to (the current directory), absolute.
    pub src_root: &'a Path,
}

/// Rendering options.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Human: print only the summary line and errors.
    pub quiet: bool,
    /// Human: also list the checks that could not be decided because of unknown values.
    pub verbose: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

/// Writes `report` in `format` to `out`.
pub fn render(
    format: OutputFormat,
    report: &Report,
    opts: &RenderOptions,
    ctx: &RenderContext<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Human => human::render(report, opts, out),
        OutputFormat::Json => json::render(report, out),
        OutputFormat::Sarif => sarif::render(report, ctx, out),
        OutputFormat::Github => github::render(report, out),
        OutputFormat::Concise => concise::render(report, out),
    }
}

/// Counts of findings per severity, highest first, for summaries.
pub fn severity_counts(report: &Report) -> Vec<(Severity, usize)> {
    let mut v = Vec::new();
    for s in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let n = report.findings.iter().filter(|f| f.severity == s).count();
        if n > 0 {
            v.push((s, n));
        }
    }
    v
}
