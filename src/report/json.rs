//! The JSON report. Field names are a contract (see README "JSON output"); the wire types here are
//! separate from the internal [`Finding`](crate::finding::Finding) so internals can change freely.

use std::io::{self, Write};

use serde::Serialize;

use crate::report::Report;
use crate::source::{Position, Sources, Span};

/// Version of the JSON schema (bumped on any incompatible change).
pub const SCHEMA_VERSION: &str = "0.1.0";

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'static str,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    start: Position,
    end: Position,
    resource: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cdk_path: Option<&'a str>,
    help: &'a str,
    fingerprint: String,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    start: Position,
    end: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<Position>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    findings: usize,
    errors: usize,
    suppressed: usize,
    baselined: usize,
    excluded: usize,
}

fn ends(sources: &Sources, span: Span) -> (&str, Position, Position) {
    let f = sources.get(span.file);
    (
        f.path.as_str(),
        f.position(span.start),
        f.position(span.end),
    )
}

/// Writes the JSON report followed by a newline.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.sources;
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let (file, start, end) = ends(s, f.primary.span);
            JsonFinding {
                rule_id: &f.rule_id,
                severity: f.severity.as_str(),
                message: &f.message,
                file,
                start,
                end,
                resource: &f.resource,
                cdk_path: f.cdk_path.as_deref(),
                help: &f.help,
                fingerprint: f.fingerprint(s),
                related: f
                    .related
                    .iter()
                    .map(|l| {
                        let (file, start, end) = ends(s, l.span);
                        JsonRelated {
                            file,
                            start,
                            end,
                            message: &l.message,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let errors = report
        .errors
        .iter()
        .map(|e| JsonError {
            file: &e.path,
            start: e.span.map(|sp| s.get(sp.file).position(sp.start)),
            message: &e.message,
        })
        .collect();
    let doc = JsonReport {
        version: SCHEMA_VERSION,
        findings,
        errors,
        summary: JsonSummary {
            files: report.files,
            findings: report.findings.len(),
            errors: report.errors.len(),
            suppressed: report.suppressed,
            baselined: report.baselined,
            excluded: report.excluded,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
