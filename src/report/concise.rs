//! One line per finding, `file:line:col: severity rule-id message`, and one per input error,
//! `file:line:col: error parse-error message` (`file: error parse-error message` when the error is
//! about the whole file): the shape compilers print, which editors (Vim's
//! `errorformat`, Emacs' compilation mode, VS Code problem matchers) and grep understand.

use std::io::{self, Write};

use super::inert;
use crate::report::Report;

/// Keeps a message on one line, with any control character left escaped.
fn one_line(s: &str) -> String {
    let joined = s
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    inert::line(&joined).into_owned()
}

/// Writes one line per finding, then one per input error (without line and column when it has
/// no location).
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.sources;
    for f in &report.findings {
        let file = s.get(f.primary.span.file);
        let p = file.position(f.primary.span.start);
        let mut message = one_line(&f.message);
        if let Some(c) = &f.cdk_path {
            message.push_str(&format!(" (CDK construct {})", one_line(c)));
        }
        writeln!(
            out,
            "{}:{}:{}: {} {} {}",
            inert::path(&file.path),
            p.line,
            p.column,
            f.severity.as_str(),
            f.rule_id,
            message
        )?;
    }
    for e in &report.errors {
        let place = match e.span {
            Some(span) => {
                let p = s.get(span.file).position(span.start);
                format!("{}:{}:{}", inert::path(&e.path), p.line, p.column)
            }
            None => inert::path(&e.path).into_owned(),
        };
        writeln!(out, "{place}: error parse-error {}", one_line(&e.message))?;
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
