//! One line per finding, `file:line:col: severity rule-id message`, and one per input error,
//! `file:line:col: error parse-error message`: the shape compilers print, which editors (Vim's
//! `errorformat`, Emacs' compilation mode, VS Code problem matchers) and grep understand.

use std::io::{self, Write};

use crate::lint::Report;

/// Keeps a message on one line.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes one line per finding, then one per input error (at 1:1 when it has no location).
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.sources;
    for f in &report.findings {
        let file = s.get(f.primary.span.file);
        let p = file.position(f.primary.span.start);
        let mut message = one_line(&f.message);
        if let Some(c) = &f.cdk_path {
            message.push_str(&format!(" (CDK construct {c})"));
        }
        writeln!(
            out,
            "{}:{}:{}: {} {} {}",
            file.path,
            p.line,
            p.column,
            f.severity.as_str(),
            f.rule_id,
            message
        )?;
    }
    for e in &report.errors {
        let (line, column) = match e.span {
            Some(span) => {
                let p = s.get(span.file).position(span.start);
                (p.line, p.column)
            }
            None => (1, 1),
        };
        writeln!(
            out,
            "{}:{line}:{column}: error parse-error {}",
            e.path,
            one_line(&e.message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(one_line("a\n  b\r\n\nc "), "a b c");
    }
}
