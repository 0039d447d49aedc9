//! GitHub Actions workflow commands, one line per finding or input error:
//! `::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::MESSAGE`, which the runner turns
//! into annotations on the pull request.

use std::io::{self, Write};

use super::inert;
use crate::finding::Severity;
use crate::report::Report;
use crate::source::{Sources, Span};

/// The workflow command for a severity.
fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's message (`%`, CR, LF); other control characters (ESC, BEL, C1, bidi
/// overrides), which the runner would pass to the log, become visible escapes.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if inert::is_hostile(c) => out.push_str(&inert::line(c.encode_utf8(&mut [0; 4]))),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (the message escapes plus `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `file=..,line=..,col=..,endLine=..,endColumn=..` for a span. GitHub's `endColumn` is the last
/// column of the annotation (inclusive), ours is one past it.
fn place(sources: &Sources, span: Span) -> String {
    let f = sources.get(span.file);
    let (s, e) = (f.position(span.start), f.position(span.end));
    let end_column = if e.line == s.line {
        (e.column - 1).max(s.column)
    } else {
        (e.column - 1).max(1)
    };
    format!(
        "file={},line={},col={},endLine={},endColumn={}",
        escape_property(&f.path),
        s.line,
        s.column,
        e.line,
        end_column
    )
}

/// Writes one workflow command per finding, then one per input error.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.sources;
    for f in &report.findings {
        let mut message = f.message.clone();
        if let Some(p) = &f.cdk_path {
            message.push_str(&format!(" (CDK construct {p})"));
        }
        message.push('\n');
        message.push_str(&f.help);
        writeln!(
            out,
            "::{} {},title={}::{}",
            command(f.severity),
            place(s, f.primary.span),
            escape_property(&f.rule_id),
            escape_data(&message)
        )?;
    }
    for e in &report.errors {
        let place = match e.span {
            Some(span) => {
                let f = s.get(span.file);
                let p = f.position(span.start);
                format!(
                    "file={},line={},col={}",
                    escape_property(&f.path),
                    p.line,
                    p.column
                )
            }
            None => format!("file={}", escape_property(&e.path)),
        };
        writeln!(
            out,
            "::error {place},title=parse-error::{}",
            escape_data(&e.message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(
            escape_data("x\x1b]0;t\x07\u{202e}\u{85}"),
            "x\\x1b]0;t\\x07\\u{202e}\\x85"
        );
    }
}
