//! Renderers: pure functions from a [`Report`] to bytes. `human` is the only place miette appears.
//! A new format (SARIF, GitHub annotations) is one more module and one more [`OutputFormat`] arm.

pub mod graph;
pub mod human;
pub mod json;

use std::io::{self, Write};

use crate::finding::Severity;
use crate::lint::Report;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Source-annotated diagnostics for people.
    Human,
    /// The documented, versioned JSON report.
    Json,
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
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Human => human::render(report, opts, out),
        OutputFormat::Json => json::render(report, out),
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
