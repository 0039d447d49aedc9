//! A quick lexical pre-scan of HCL text, run before hcl-edit.
//!
//! It tracks brackets, quoted strings (with `${`/`%{` interpolations), heredocs and comments, to
//! (1) reject nesting deeper than the `nesting-depth` limit (at most
//! [`MAX_NESTING`](super::MAX_NESTING)) so hcl-edit's recursive
//! descent cannot overflow the stack, and (2) add context to hcl-edit's errors (where an
//! unterminated string starts, which block an unclosed `{` belongs to).

use crate::finding::InputError;
use crate::source::{FileId, SourceFile, Span};

use super::one_char;

/// What the scan learned.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Offset where nesting first exceeded the limit.
    pub too_deep_at: Option<usize>,
    /// Start of the first string that hits a newline or the end of the file before its `"`.
    pub unterminated_string: Option<usize>,
    /// Start of the first heredoc that never finds its closing delimiter.
    pub unterminated_heredoc: Option<usize>,
    /// Openers still open at the end of the text, outermost first: (char, offset).
    pub unclosed: Vec<(char, usize)>,
    /// First closer that does not match its opener: (closer, offset, opener, opener offset).
    pub mismatched: Option<(char, usize, char, usize)>,
    /// Newlines inside brackets that are followed by a line starting with `?` or `:` (a
    /// conditional continued on the next line, which Terraform accepts and hcl-edit refuses).
    pub continuations: Vec<usize>,
    /// Line comments (`#`, `//`), without their line break.
    pub comments: Vec<std::ops::Range<usize>>,
}

#[derive(Debug)]
enum Frame {
    Bracket(char, usize),
    Interp(usize),
    Str(usize),
    Heredoc(String, usize),
}

/// Scans `text`. Linear time, never panics.
pub(super) fn scan(text: &str) -> Scan {
    let max_nesting = crate::limits::current().nesting_depth;
    let b = text.as_bytes();
    let mut out = Scan::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match stack.last() {
            Some(Frame::Str(start)) => {
                let start = *start;
                match c {
                    b'\\' => i += 1,
                    b'"' => {
                        stack.pop();
                    }
                    b'\n' => {
                        out.unterminated_string.get_or_insert(start);
                        stack.pop();
                    }
                    b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                        if b.get(i.wrapping_sub(1)) == Some(&c) && i > 0 {
                            // `$${` / `%%{` is an escape: literal text.
                        } else {
                            stack.push(Frame::Interp(i));
                            i += 1;
                        }
                    }
                    _ => {}
                }
            }
            Some(Frame::Heredoc(delim, _)) => {
                // At the start of a line: is this the closing delimiter?
                let line_start = i == 0 || b[i - 1] == b'\n';
                if line_start {
                    let end = text[i..].find('\n').map(|n| i + n).unwrap_or(b.len());
                    if text.get(i..end).map(str::trim) == Some(delim.as_str()) {
                        stack.pop();
                        i = end;
                        continue;
                    }
                }
                if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&b'{') {
                    if i > 0 && b[i - 1] == c {
                        // escape
                    } else {
                        stack.push(Frame::Interp(i));
                        i += 1;
                    }
                }
            }
            _ => match c {
                b'"' => stack.push(Frame::Str(i)),
                // A line comment and its newline (never marked as a continuation).
                b'#' => {
                    let end = skip_line(b, i);
                    out.comments.push(i..trim_cr(b, i, end));
                    i = end + 1;
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    let end = skip_line(b, i);
                    out.comments.push(i..trim_cr(b, i, end));
                    i = end + 1;
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = match text.get(i + 2..).and_then(|r| r.find("*/")) {
                        Some(n) => i + 2 + n + 2,
                        None => b.len(),
                    };
                    continue;
                }
                b'<' if b.get(i + 1) == Some(&b'<') => {
                    let mut j = i + 2;
                    if b.get(j) == Some(&b'-') {
                        j += 1;
                    }
                    let id_start = j;
                    while j < b.len()
                        && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-')
                    {
                        j += 1;
                    }
                    if j > id_start && (b.get(j) == Some(&b'\n') || b.get(j) == Some(&b'\r')) {
                        let delim = text.get(id_start..j).unwrap_or("").to_string();
                        stack.push(Frame::Heredoc(delim, i));
                        i = if b.get(j) == Some(&b'\r') {
                            j + 2
                        } else {
                            j + 1
                        };
                        continue;
                    }
                }
                b'\n' if !stack.is_empty() => {
                    let mut j = i + 1;
                    while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r') {
                        j += 1;
                    }
                    if matches!(b.get(j), Some(b'?') | Some(b':')) {
                        out.continuations.push(i);
                    }
                }
                b'{' | b'[' | b'(' => stack.push(Frame::Bracket(c as char, i)),
                b'}' | b']' | b')' => match stack.last() {
                    Some(Frame::Interp(_)) if c == b'}' => {
                        stack.pop();
                    }
                    Some(Frame::Bracket(open, at)) => {
                        let want = match open {
                            '{' => b'}',
                            '[' => b']',
                            _ => b')',
                        };
                        if want != c && out.mismatched.is_none() {
                            out.mismatched = Some((c as char, i, *open, *at));
                        }
                        stack.pop();
                    }
                    _ => {}
                },
                _ => {}
            },
        }
        if stack.len() > max_nesting && out.too_deep_at.is_none() {
            out.too_deep_at = Some(i);
            return out;
        }
        i += 1;
    }
    for f in &stack {
        match f {
            Frame::Bracket(c, at) => out.unclosed.push((*c, *at)),
            Frame::Interp(at) => out.unclosed.push(('{', *at)),
            Frame::Str(at) => {
                out.unterminated_string.get_or_insert(*at);
            }
            Frame::Heredoc(_, at) => {
                out.unterminated_heredoc.get_or_insert(*at);
            }
        }
    }
    out
}

fn trim_cr(b: &[u8], start: usize, end: usize) -> usize {
    if end > start && b.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

fn skip_line(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

/// Turns an hcl-edit error at `off` into an [`InputError`] with the most helpful context.
pub(super) fn describe_error(
    id: FileId,
    file: &SourceFile,
    scan: &Scan,
    off: usize,
    message: &str,
) -> InputError {
    let text: &str = &file.text;
    let err = |span: Span, message: String| InputError {
        path: file.path.clone(),
        span: Some(span),
        message,
    };
    if text.contains('\0')
        || text
            .chars()
            .filter(|c| c.is_control() && !c.is_whitespace())
            .count()
            > 8
    {
        return err(
            one_char(id, text, off),
            format!("this does not look like HCL text (binary data?): {message}"),
        );
    }
    let err_line = file.position(off).line;
    // hcl-edit reports an unterminated string at the start of its attribute: accept the line.
    if let Some(start) = scan.unterminated_string
        && (start <= off || file.position(start).line == err_line)
    {
        let line = file.position(start).line;
        return err(
            one_char(id, text, start),
            format!(
                "unterminated string starting here (line {line}): a `\"` is missing before the end of the line"
            ),
        );
    }
    if let Some(start) = scan.unterminated_heredoc
        && (start <= off || file.position(start).line == err_line)
    {
        return err(
            one_char(id, text, start),
            "unterminated heredoc starting here: its closing delimiter line is missing".to_string(),
        );
    }
    if let Some((close, at, open, open_at)) = scan.mismatched
        && at <= off
    {
        let line = file.position(open_at).line;
        return err(
            one_char(id, text, at),
            format!("`{close}` does not match `{open}` opened at line {line}: {message}"),
        );
    }
    if let Some(&(open, at)) = scan.unclosed.last()
        && off + 1 >= text.trim_end().len()
    {
        let close = match open {
            '{' => '}',
            '[' => ']',
            _ => ')',
        };
        let line = file.position(at).line;
        let what = match block_header_before(text, at) {
            Some(h) => format!("block `{h}`"),
            None => format!("`{open}`"),
        };
        return err(
            one_char(id, text, off),
            format!(
                "unexpected end of file: expected `{close}` to close {what} opened at line {line}"
            ),
        );
    }
    err(
        one_char(id, text, off),
        format!("HCL syntax error: {message}"),
    )
}

/// The block type written on the line of a `{` at `at` (`resource` in `resource "a" "b" {`).
fn block_header_before(text: &str, at: usize) -> Option<String> {
    let line_start = text.get(..at)?.rfind('\n').map(|n| n + 1).unwrap_or(0);
    let head = text.get(line_start..at)?.trim();
    let first = head.split_whitespace().next()?;
    if head.contains('=')
        || !first
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    Some(first.to_string())
}

/// Joins the continuation lines found by the scan (same byte length, so spans do not move).
pub(super) fn join_continuations(bytes: &mut [u8], scan: &Scan) -> bool {
    let mut changed = false;
    for &i in &scan.continuations {
        if bytes.get(i) == Some(&b'\n') {
            bytes[i] = b' ';
            if i > 0 && bytes[i - 1] == b'\r' {
                bytes[i - 1] = b' ';
            }
            changed = true;
        }
    }
    changed
}

/// For hcl-edit's "redefined object key" error at `at` (the second occurrence of a key in one
/// object constructor), blanks the earlier entry with spaces so the last one wins, as in
/// Terraform. Returns false when the earlier entry cannot be found.
pub(super) fn blank_earlier_duplicate(bytes: &mut [u8], at: usize) -> bool {
    let is_id = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    // The key at `at`: an identifier or a quoted string.
    let key: Vec<u8> = match bytes.get(at) {
        Some(b'"') => {
            let mut j = at + 1;
            while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            match bytes.get(at..=j.min(bytes.len().saturating_sub(1))) {
                Some(k) => k.to_vec(),
                None => return false,
            }
        }
        Some(&c) if is_id(c) => {
            let mut j = at;
            while j < bytes.len() && is_id(bytes[j]) {
                j += 1;
            }
            bytes[at..j].to_vec()
        }
        _ => return false,
    };
    // The enclosing `{`.
    let mut depth = 0usize;
    let mut open = None;
    let mut i = at;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b'}' | b']' | b')' => depth += 1,
            b'{' | b'[' | b'(' => {
                if depth == 0 {
                    open = Some(i);
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    let Some(open) = open else { return false };
    if bytes[open] != b'{' {
        return false;
    }
    // Entries at depth 0 between `open` and `at`.
    let mut depth = 0usize;
    let mut in_str = false;
    let mut entry_start = true;
    let mut j = open + 1;
    while j < at {
        let c = bytes[j];
        if in_str {
            if c == b'\\' {
                j += 1;
            } else if c == b'"' {
                in_str = false;
            }
            j += 1;
            continue;
        }
        if depth == 0 && entry_start && !c.is_ascii_whitespace() {
            entry_start = false;
            let end = j + key.len();
            if bytes.get(j..end) == Some(key.as_slice())
                && bytes.get(end).is_none_or(|&n| !is_id(n))
            {
                let mut k = end;
                while k < at && matches!(bytes[k], b' ' | b'\t') {
                    k += 1;
                }
                if matches!(bytes.get(k), Some(b'=') | Some(b':'))
                    && bytes.get(k + 1) != Some(&b'=')
                {
                    // Blank to the end of the entry: a newline or comma at depth 0.
                    let (mut d, mut s, mut e) = (0usize, false, j);
                    while e < at {
                        let x = bytes[e];
                        if s {
                            if x == b'\\' {
                                e += 1;
                            } else if x == b'"' {
                                s = false;
                            }
                        } else {
                            match x {
                                b'"' => s = true,
                                b'{' | b'[' | b'(' => d += 1,
                                b'}' | b']' | b')' => d = d.saturating_sub(1),
                                b'\n' | b',' if d == 0 => break,
                                _ => {}
                            }
                        }
                        e += 1;
                    }
                    for b in &mut bytes[j..e.min(at)] {
                        if *b != b'\n' {
                            *b = b' ';
                        }
                    }
                    return true;
                }
            }
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'\n' | b',' if depth == 0 => entry_start = true,
            _ => {}
        }
        j += 1;
    }
    false
}
