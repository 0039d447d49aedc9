//! Human output through miette: rule id, severity, message, the source with a primary label and
//! secondary labels (labels in other files become related diagnostics), and the fix.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{RenderOptions, inert, severity_counts};
use crate::finding::{Finding, Label, Severity};
use crate::report::Report;
use crate::source::{FileId, Sources};

/// One renderable diagnostic: a message, labels in one file, help, and related diagnostics.
#[derive(Debug)]
struct Item {
    code: Option<String>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Item>,
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Item {}

impl Diagnostic for Item {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

/// The files' texts as snippets show them ([`inert::snippet`]), made once per file.
#[derive(Default)]
struct Snippets(RefCell<HashMap<FileId, Arc<str>>>);

impl Snippets {
    fn named(&self, sources: &Sources, id: FileId) -> NamedSource<Arc<str>> {
        let f = sources.get(id);
        let text = self
            .0
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| match inert::snippet(&f.text) {
                std::borrow::Cow::Borrowed(_) => f.text.clone(),
                std::borrow::Cow::Owned(s) => Arc::from(s),
            })
            .clone();
        NamedSource::new(inert::path(&f.path), text)
    }
}

fn label(l: &Label, primary: bool) -> LabeledSpan {
    let len = l.span.len().max(usize::from(l.span.is_empty()));
    let message = Some(inert::line(&l.message).into_owned());
    if primary {
        LabeledSpan::new_primary_with_span(message, (l.span.start, len))
    } else {
        LabeledSpan::new_with_span(message, (l.span.start, len))
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium | Severity::Low => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn finding_item(sources: &Sources, snippets: &Snippets, f: &Finding) -> Item {
    let file = f.primary.span.file;
    let mut labels = vec![label(&f.primary, true)];
    let mut related = Vec::new();
    // Labels close to the primary share its snippet; distant ones (or in other files) get their
    // own, so the output never prints the hundred lines between two labels.
    let src = sources.get(file);
    let primary_line = src.position(f.primary.span.start).line;
    let primary_end_line = src.position(f.primary.span.end).line;
    for l in &f.related {
        let near = l.span.file == file && {
            let line = src.position(l.span.start).line;
            line + 6 >= primary_line && line <= primary_end_line + 6
        };
        if near {
            labels.push(label(l, false));
        } else {
            related.push(Item {
                code: None,
                severity: miette::Severity::Advice,
                message: inert::line(&l.message).into_owned(),
                help: None,
                source: snippets.named(sources, l.span.file),
                // The heading already says it; the label only marks the place.
                labels: vec![LabeledSpan::new_primary_with_span(
                    None,
                    (l.span.start, l.span.len().max(1)),
                )],
                related: Vec::new(),
            });
        }
    }
    let mut message = format!("[{}] {}", f.severity, inert::line(&f.message));
    if let Some(p) = &f.cdk_path {
        message.push_str(&format!(" (CDK construct {})", inert::line(p)));
    }
    Item {
        code: Some(inert::line(&f.rule_id).into_owned()),
        severity: miette_severity(f.severity),
        message,
        help: Some(inert::text(&f.help).into_owned()),
        source: snippets.named(sources, file),
        labels,
        related,
    }
}

/// Lines longer than this are not shown as snippets (minified JSON, hostile input): the location
/// and message are printed instead, so one line cannot flood the terminal.
const MAX_SNIPPET_LINE: usize = 400;

fn line_too_long(sources: &Sources, span: crate::source::Span) -> bool {
    let text = &sources.get(span.file).text;
    let start = text
        .get(..span.start)
        .and_then(|t| t.rfind(['\n', '\r']))
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = text
        .get(span.start..)
        .and_then(|t| t.find(['\n', '\r']))
        .map(|i| span.start + i)
        .unwrap_or(text.len());
    end - start > MAX_SNIPPET_LINE
}

fn plain_location(sources: &Sources, span: crate::source::Span) -> String {
    let f = sources.get(span.file);
    let p = f.position(span.start);
    format!("{}:{}:{}", inert::path(&f.path), p.line, p.column)
}

/// Writes every finding and error, then a summary line. Text from the inputs is made inert
/// ([`inert`]), and no output line starts with a workflow command's `::`.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut raw = Vec::new();
    render_raw(report, opts, &mut raw)?;
    out.write_all(inert::guard_lines(&String::from_utf8_lossy(&raw)).as_bytes())
}

fn render_raw(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let snippets = Snippets::default();
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let mut buf = String::new();
    if !opts.quiet {
        for f in &report.findings {
            if line_too_long(&report.sources, f.primary.span) {
                writeln!(
                    out,
                    "{} [{}] {}: {}\n  help: {}\n",
                    plain_location(&report.sources, f.primary.span),
                    f.severity,
                    inert::line(&f.rule_id),
                    inert::line(&f.message),
                    inert::text(&f.help)
                )?;
                continue;
            }
            buf.clear();
            // Rendering into a String cannot fail on I/O; a formatting failure is a bug in miette.
            handler
                .render_report(&mut buf, &finding_item(&report.sources, &snippets, f))
                .map_err(io::Error::other)?;
            writeln!(out, "{buf}")?;
        }
    }
    for e in &report.errors {
        buf.clear();
        match e.span {
            Some(span) if line_too_long(&report.sources, span) => {
                writeln!(
                    out,
                    "error: {}: {}\n",
                    plain_location(&report.sources, span),
                    inert::text(&e.message)
                )?;
            }
            Some(span) => {
                let item = Item {
                    code: Some("parse-error".into()),
                    severity: miette::Severity::Error,
                    message: format!(
                        "cannot lint {}: {}",
                        inert::path(&e.path),
                        inert::text(&e.message)
                    ),
                    help: None,
                    source: snippets.named(&report.sources, span.file),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        Some(inert::text(&e.message).into_owned()),
                        (span.start, span.len()),
                    )],
                    related: Vec::new(),
                };
                handler
                    .render_report(&mut buf, &item)
                    .map_err(io::Error::other)?;
                writeln!(out, "{buf}")?;
            }
            None => writeln!(
                out,
                "error: {}: {}\n",
                inert::path(&e.path),
                inert::text(&e.message)
            )?,
        }
    }
    if opts.verbose && !opts.quiet {
        for u in &report.undecided {
            writeln!(
                out,
                "note: {}: {} not decided for `{}`: {}",
                plain_location(&report.sources, u.span),
                inert::line(&u.rule_id),
                inert::line(&u.resource),
                inert::line(&u.reason)
            )?;
        }
        if !report.undecided.is_empty() {
            writeln!(out)?;
        }
    }
    let counts = severity_counts(report);
    let detail = if counts.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            counts
                .iter()
                .map(|(s, n)| format!("{n} {s}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let undecided = if report.undecided.is_empty() {
        String::new()
    } else {
        format!(
            "; {} check{} not decided (unknown values{})",
            report.undecided.len(),
            if report.undecided.len() == 1 { "" } else { "s" },
            if opts.verbose { "" } else { ", see --verbose" }
        )
    };
    let suppressed = if report.suppressed == 0 {
        String::new()
    } else {
        format!("; {} suppressed", report.suppressed)
    };
    let baselined = if report.baselined == 0 {
        String::new()
    } else {
        format!("; {} baselined", report.baselined)
    };
    let excluded = if report.excluded == 0 {
        String::new()
    } else {
        format!("; {} excluded", report.excluded)
    };
    writeln!(
        out,
        "{} finding{}{} in {} file{}; {} error{}{suppressed}{baselined}{excluded}{undecided}",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        detail,
        report.files,
        if report.files == 1 { "" } else { "s" },
        report.errors.len(),
        if report.errors.len() == 1 { "" } else { "s" },
    )
}
