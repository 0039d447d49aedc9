//! Makes text from users' files and names inert before a text renderer prints it.
//!
//! A resource name, a file name or a message can carry line breaks (which would start a new
//! output line, e.g. a `::error::` workflow command that GitHub Actions executes from any log),
//! terminal escape sequences (ESC, BEL, C1 controls) or bidi overrides ("Trojan source"). Single-line
//! fields show such characters as visible escapes (`\n`, `\x1b`, `\u{202e}`); source snippets
//! replace them by as many `?` as they have bytes, so every byte offset stays valid.

use std::borrow::Cow;

/// True for the characters that must not reach a terminal or a CI log as they are: C0 controls
/// (tab included), DEL, C1 controls, the line and paragraph separators and the bidi
/// embeddings, overrides and isolates.
pub fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `s` on one line with every hostile character shown as an escape: `\n`, `\r`, `\t`, `\x1b`,
/// `\u{202e}`. A backslash stays as it is (the escapes are for reading, not for parsing back).
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`line`], but keeps line feeds (a CRLF becomes one line feed): for multi-line text
/// such as a rule's help. Every line is then guarded by [`guard_lines`] in the renderer.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' if chars.peek() == Some(&'\n') => {}
            c => push_escaped(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// A path for display: [`line`], and `./` in front of one that would start an output line
/// with `::` (a file named `::warning::x.tf`).
pub fn path(p: &str) -> Cow<'_, str> {
    let l = line(p);
    if l.trim_start().starts_with("::") {
        Cow::Owned(format!("./{l}"))
    } else {
        l
    }
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 && is_hostile(c) => {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_hostile(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// File content for a source snippet: hostile characters become as many `?` as they have bytes,
/// so spans still point at the same bytes. Line feeds and tabs stay; a CR stays before a line
/// feed and becomes a line feed on its own (a lone CR ends a line, as in [`crate::source`]).
pub fn snippet(s: &str) -> Cow<'_, str> {
    let keep = |c: char, next: Option<char>| match c {
        '\n' | '\t' => true,
        '\r' => next == Some('\n'),
        _ => !is_hostile(c),
    };
    let mut chars = s.chars().peekable();
    let mut clean = true;
    while let Some(c) = chars.next() {
        if !keep(c, chars.peek().copied()) {
            clean = false;
            break;
        }
    }
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if keep(c, chars.peek().copied()) {
            out.push(c);
        } else if c == '\r' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    Cow::Owned(out)
}

/// Makes sure no line of a rendered text output starts (after whitespace) with `::`, the
/// prefix of a GitHub Actions workflow command: such a line (text wrapped by the renderer, say)
/// gets a `\` in front of the `::`. For human and concise output, which never write workflow
/// commands themselves.
pub fn guard_lines(s: &str) -> Cow<'_, str> {
    let starts_command = |l: &str| l.trim_start().starts_with("::");
    if !s.split('\n').any(starts_command) {
        return Cow::Borrowed(s);
    }
    let lines: Vec<String> = s
        .split('\n')
        .map(|l| {
            if starts_command(l) {
                let ws = l.len() - l.trim_start().len();
                format!("{}\\{}", &l[..ws], &l[ws..])
            } else {
                l.to_string()
            }
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAYLOAD: &str =
        "Svc\n::error file=x.tf,line=1::INJECTED\n::add-mask::secret\x1b]0;pwned\x07";

    #[test]
    fn line_escapes_controls_breaks_and_bidi() {
        assert_eq!(line("plain: text"), "plain: text");
        assert_eq!(
            line(PAYLOAD),
            "Svc\\n::error file=x.tf,line=1::INJECTED\\n::add-mask::secret\\x1b]0;pwned\\x07"
        );
        assert_eq!(line("a\r\u{0}\u{7f}\u{85}\tb"), "a\\r\\x00\\x7f\\x85\\tb");
        assert_eq!(
            line("x\u{202e}y\u{2066}\u{2028}z"),
            "x\\u{202e}y\\u{2066}\\u{2028}z"
        );
        // Ordinary non-ASCII text is left alone.
        assert_eq!(line("é ü 日本"), "é ü 日本");
    }

    #[test]
    fn text_keeps_line_feeds_only() {
        assert_eq!(text("a\r\nb\n\x1bc"), "a\nb\n\\x1bc");
        assert_eq!(text("a\rb"), "a\\rb");
    }

    #[test]
    fn paths_never_start_a_command() {
        assert_eq!(path("a\n::warning::FAKE.tf"), "a\\n::warning::FAKE.tf");
        assert_eq!(path("::warning::x.tf"), "./::warning::x.tf");
    }

    #[test]
    fn snippets_keep_every_byte_offset() {
        for s in [
            PAYLOAD,
            "a\u{202e}b\u{85}c\r\nd\re\u{2029}",
            "clean\n\ttext\r\n",
        ] {
            let out = snippet(s);
            assert_eq!(out.len(), s.len(), "{s:?}");
            assert!(
                !out.chars()
                    .any(|c| is_hostile(c) && c != '\n' && c != '\t' && c != '\r')
            );
            for (i, _) in s.char_indices() {
                assert!(out.is_char_boundary(i));
            }
        }
        assert_eq!(snippet("a\r\nb\rc\x1b"), "a\r\nb\nc?");
        assert!(matches!(snippet("clean\r\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn guarded_lines_never_start_with_a_command() {
        assert_eq!(guard_lines("a\n  ::error::x\nb"), "a\n  \\::error::x\nb");
        assert_eq!(guard_lines("x :: y"), "x :: y");
    }
}
