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
use crate::lint::Report;
use crate::rules::Registry;

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
