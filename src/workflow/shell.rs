//! A small POSIX-shell splitter for `run:` scripts: commands as argv lists whose arguments keep
//! their byte spans in the workflow file.
//!
//! Understood: blanks, line continuations (`\` newline), single quotes, double quotes with
//! backslash escapes, unquoted backslash escapes, `$(...)`, `${...}` and `${{ ... }}` kept inside
//! one word, comments (`#` at the start of a word), the separators `&&`, `||`, `;`, `|`, `&` and
//! newlines, redirections (`> file`, `2>&1`, `< file` are dropped from argv), and `bash -c '...'`
//! / `sh -c "..."` (anywhere in a command, e.g. after `docker run image`): the inner script is
//! split too and its commands follow the outer one. Everything else (`if`/`for` keywords,
//! functions, here-documents) is read as plain words: good enough for finding the commands a
//! script runs, not a shell.
//!
//! Work is linear in the script length; `-c` nesting is cut at [`MAX_NESTING`] levels and a
//! script yields at most [`MAX_COMMANDS`] commands.
//!
//! # Spans
//!
//! The `run` value is the YAML scalar's text, which differs from the file's bytes for block
//! scalars (de-indented), folded scalars and quoted scalars. [`file_offsets`] aligns the text with
//! the file, allowing only whitespace (indentation, line breaks) in the file to be skipped; when
//! that alignment fails (escapes in a double-quoted scalar, `''` in a single-quoted one) every
//! argument gets the span of the whole `run` value.

use indexmap::IndexMap;

use crate::source::{FileId, Span};
use crate::value::{Spanned, Val};

/// Deepest `bash -c` nesting that is split.
pub const MAX_NESTING: usize = 4;
/// Most commands taken from one script.
pub const MAX_COMMANDS: usize = 10_000;

/// One argument: its text after quote removal, and the file offset of the source byte that
/// produced each of its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// The text.
    pub text: String,
    /// File offset for each byte of `text`.
    pub offs: Vec<usize>,
    /// File offsets of the word as written (quotes included).
    pub start: usize,
    /// One past the last byte as written.
    pub end: usize,
}

/// One simple command.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// Its words, redirections left out.
    pub argv: Vec<Word>,
}

/// For each byte of `text` (the decoded scalar), its offset in `file`, given that the scalar was
/// written at `span`; `None` when the text cannot be aligned with the file.
pub fn file_offsets(file: &str, span: std::ops::Range<usize>, text: &str) -> Option<Vec<usize>> {
    let raw = file.get(span.clone())?;
    let (raw, base) = match raw.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) if raw.len() >= 2 && raw.as_bytes()[raw.len() - 1] == *q => {
            (&raw[1..raw.len() - 1], span.start + 1)
        }
        _ => (raw, span.start),
    };
    let rb = raw.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let mut j = 0;
    for &b in text.as_bytes() {
        loop {
            let c = *rb.get(j)?;
            if c == b {
                break;
            }
            if !matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                return None;
            }
            j += 1;
        }
        out.push(base + j);
        j += 1;
    }
    Some(out)
}

/// Splits `text`, whose byte `i` was written at file offset `offs[i]`.
pub fn split(text: &str, offs: &[usize]) -> Vec<Command> {
    let mut out = Vec::new();
    split_into(text, offs, 0, &mut out);
    out
}

fn split_into(text: &str, offs: &[usize], depth: usize, out: &mut Vec<Command>) {
    let b = text.as_bytes();
    let off = |i: usize| {
        offs.get(i)
            .copied()
            .or_else(|| offs.last().map(|o| o + 1))
            .unwrap_or(0)
    };
    let mut i = 0;
    let mut argv: Vec<Word> = Vec::new();
    let mut redirect = false;
    let flush = |argv: &mut Vec<Word>, out: &mut Vec<Command>| {
        if argv.is_empty() || out.len() >= MAX_COMMANDS {
            argv.clear();
            return;
        }
        let cmd = Command {
            argv: std::mem::take(argv),
        };
        let inner = inner_script(&cmd).cloned();
        out.push(cmd);
        if let Some(w) = inner
            && depth < MAX_NESTING
        {
            split_into(&w.text, &w.offs, depth + 1, out);
        }
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            b'\n' | b';' | b'|' | b'&' | b'(' | b')' => {
                // `&>`, `>&` are redirections; `(`/`)` subshells just separate.
                if b[i] == b'&' && b.get(i + 1) == Some(&b'>') {
                    redirect = true;
                    i += 2;
                    if b.get(i) == Some(&b'>') {
                        i += 1;
                    }
                    continue;
                }
                flush(&mut argv, out);
                redirect = false;
                i += 1;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'>' | b'<' => {
                i += 1;
                while i < b.len() && matches!(b[i], b'>' | b'<' | b'|') {
                    i += 1;
                }
                if b.get(i) == Some(&b'&') {
                    // `>&2`: a descriptor, not a file.
                    i += 1;
                    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'-') {
                        i += 1;
                    }
                } else {
                    redirect = true;
                }
            }
            _ => {
                let (w, next) = word(text, i, &off);
                i = next;
                // `2>file`: the descriptor number belongs to the redirection.
                let fd = matches!(b.get(i), Some(b'>' | b'<'))
                    && !w.text.is_empty()
                    && w.text.bytes().all(|c| c.is_ascii_digit())
                    && w.end - w.start == w.text.len();
                if redirect {
                    redirect = false;
                } else if !fd {
                    argv.push(w);
                }
            }
        }
    }
    flush(&mut argv, out);
}

/// Reads one word starting at `start`; returns it and the index after it.
fn word(text: &str, start: usize, off: &dyn Fn(usize) -> usize) -> (Word, usize) {
    let b = text.as_bytes();
    let mut t: Vec<u8> = Vec::new();
    let mut o: Vec<usize> = Vec::new();
    let mut i = start;
    let push = |t: &mut Vec<u8>, o: &mut Vec<usize>, from: usize, to: usize| {
        t.extend_from_slice(&b[from..to]);
        o.extend((from..to).map(off));
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b'&' | b'<' | b'>' | b'(' | b')' => break,
            b'\\' => match b.get(i + 1) {
                Some(b'\n') => i += 2,
                Some(_) => {
                    let n = char_len(text, i + 1);
                    push(&mut t, &mut o, i + 1, i + 1 + n);
                    i += 1 + n;
                }
                None => i += 1,
            },
            b'\'' => {
                let end = text[i + 1..]
                    .find('\'')
                    .map(|k| i + 1 + k)
                    .unwrap_or(b.len());
                push(&mut t, &mut o, i + 1, end);
                i = (end + 1).min(b.len());
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\'
                        && matches!(b.get(i + 1), Some(b'"' | b'\\' | b'$' | b'`' | b'\n'))
                    {
                        if b[i + 1] != b'\n' {
                            push(&mut t, &mut o, i + 1, i + 2);
                        }
                        i += 2;
                    } else {
                        let n = char_len(text, i);
                        push(&mut t, &mut o, i, i + n);
                        i += n;
                    }
                }
                i = (i + 1).min(b.len());
            }
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => {
                let end = balanced(b, i + 1);
                push(&mut t, &mut o, i, end);
                i = end;
            }
            _ => {
                let n = char_len(text, i);
                push(&mut t, &mut o, i, i + n);
                i += n;
            }
        }
    }
    let end = if i > start {
        off(i - 1) + 1
    } else {
        off(start)
    };
    let w = Word {
        // Every push copies whole UTF-8 sequences, so this never replaces anything.
        text: String::from_utf8_lossy(&t).into_owned(),
        offs: o,
        start: off(start),
        end,
    };
    (w, i)
}

fn char_len(text: &str, i: usize) -> usize {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .map(char::len_utf8)
        .unwrap_or(1)
}

/// The index after the bracket group opening at `open` (`(`/`{`), honouring quotes; the end of
/// the text if unbalanced.
fn balanced(b: &[u8], open: usize) -> usize {
    let (o, c) = if b[open] == b'(' {
        (b'(', b')')
    } else {
        (b'{', b'}')
    };
    let mut depth = 0usize;
    let mut i = open;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let x = b[i];
        match quote {
            Some(q) => {
                if x == b'\\' && q == b'"' {
                    i += 1;
                } else if x == q {
                    quote = None;
                }
            }
            None => {
                if x == b'\'' || x == b'"' {
                    quote = Some(x);
                } else if x == o {
                    depth += 1;
                } else if x == c {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
            }
        }
        i += 1;
    }
    b.len()
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// The script of `bash -c SCRIPT` (also `sh`, `dash`, `zsh`, and `-ec`, `-lc`, ... flag groups)
/// anywhere in the command.
fn inner_script(cmd: &Command) -> Option<&Word> {
    let a = &cmd.argv;
    for (k, w) in a.iter().enumerate() {
        if !matches!(basename(&w.text), "bash" | "sh" | "dash" | "zsh" | "ash") {
            continue;
        }
        let mut j = k + 1;
        let mut has_c = false;
        while let Some(x) = a.get(j) {
            let t = x.text.as_str();
            if t.starts_with('-') && !t.starts_with("--") && t.len() > 1 {
                has_c |= t.contains('c');
                j += 1;
                if has_c {
                    return a.get(j);
                }
            } else if t == "-o" || t.starts_with("--") {
                j += 1;
            } else {
                break;
            }
        }
    }
    None
}

/// The pip options the `pip` object records; `-t` is recorded as `--target`.
pub const PIP_OPTIONS: &[&str] = &[
    "--platform",
    "--python-version",
    "--implementation",
    "--only-binary",
    "--abi",
    "--target",
];

/// pip's global options that take a value (skipped when looking for the subcommand).
const PIP_GLOBAL_WITH_VALUE: &[&str] = &[
    "--log",
    "--log-file",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--python",
    "--use-feature",
    "--use-deprecated",
    "--keyring-provider",
];

/// Words that can precede the command proper: wrappers and shell keywords (`if`, `then`, ...).
fn is_prefix_word(t: &str) -> bool {
    matches!(
        t,
        "sudo"
            | "env"
            | "time"
            | "exec"
            | "command"
            | "nice"
            | "if"
            | "then"
            | "else"
            | "elif"
            | "do"
            | "while"
            | "until"
            | "!"
            | "{"
    )
}

fn is_versioned(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|rest| {
        rest.is_empty()
            || (rest.as_bytes()[0].is_ascii_digit()
                && rest.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
    })
}

/// If `cmd` runs pip: the index of its first argument after `pip` (or `-m pip`).
fn pip_args(cmd: &Command) -> Option<usize> {
    let a = &cmd.argv;
    let mut k = 0;
    // Leading `VAR=value` assignments and wrappers.
    while let Some(w) = a.get(k) {
        let t = w.text.as_str();
        let assignment = t
            .split_once('=')
            .is_some_and(|(n, _)| !n.is_empty() && !n.starts_with('-'));
        if assignment || is_prefix_word(t) {
            k += 1;
        } else {
            break;
        }
    }
    let first = basename(&a.get(k)?.text);
    if is_versioned(first, "pip") {
        return Some(k + 1);
    }
    if is_versioned(first, "python") {
        let mut j = k + 1;
        while let Some(w) = a.get(j) {
            match w.text.as_str() {
                "-m" => return (a.get(j + 1)?.text == "pip").then_some(j + 2),
                "-mpip" => return Some(j + 1),
                t if t.starts_with('-') => j += 1,
                _ => return None,
            }
        }
    }
    None
}

fn spanned(
    w: &Word,
    range: std::ops::Range<usize>,
    file: FileId,
    exact: bool,
    all: Span,
) -> Spanned {
    let span = if !exact {
        all
    } else if range.is_empty() {
        Span::new(file, w.start..w.end)
    } else {
        let s = w.offs.get(range.start).copied().unwrap_or(w.start);
        let e = w.offs.get(range.end - 1).map(|x| x + 1).unwrap_or(w.end);
        Span::new(file, s..e.max(s))
    };
    Spanned::string(w.text.get(range).unwrap_or("").to_string(), Some(span))
}

/// The `pip` object of a command, if it runs pip.
fn pip_object(cmd: &Command, file: FileId, exact: bool, all: Span) -> Option<Spanned> {
    let mut k = pip_args(cmd)?;
    let a = &cmd.argv;
    let arg = |w: &Word| {
        let span = if exact {
            Span::new(file, w.start..w.end)
        } else {
            all
        };
        Spanned::string(w.text.clone(), Some(span))
    };
    // Global options before the subcommand.
    while let Some(w) = a.get(k) {
        if !w.text.starts_with('-') {
            break;
        }
        k += if PIP_GLOBAL_WITH_VALUE.contains(&w.text.as_str()) {
            2
        } else {
            1
        };
    }
    let mut m = IndexMap::new();
    if let Some(w) = a.get(k) {
        m.insert("subcommand".to_string(), arg(w));
    }
    let mut options: IndexMap<String, Spanned> = IndexMap::new();
    let mut add = |name: &str, v: Spanned| {
        let e = options
            .entry(name.to_string())
            .or_insert_with(|| Spanned::new(Val::Array(Vec::new()), v.span));
        if let Val::Array(items) = &mut e.val {
            items.push(v);
        }
    };
    let mut j = k + 1;
    while let Some(w) = a.get(j) {
        let t = w.text.as_str();
        j += 1;
        if t == "--" {
            break;
        }
        let (name, inline) = match t.split_once('=') {
            Some((n, _)) if n.starts_with("--") => (n, Some(n.len() + 1)),
            _ if t.starts_with("-t") && t.len() > 2 && !t.starts_with("--") => ("-t", Some(2)),
            _ => (t, None),
        };
        let name = if name == "-t" { "--target" } else { name };
        if !PIP_OPTIONS.contains(&name) {
            continue;
        }
        match inline {
            Some(at) => add(name, spanned(w, at..t.len(), file, exact, all)),
            None => {
                if let Some(v) = a.get(j) {
                    add(name, spanned(v, 0..v.text.len(), file, exact, all));
                    j += 1;
                }
            }
        }
    }
    m.insert(
        "options".to_string(),
        Spanned::new(Val::Object(Box::new(options)), None),
    );
    Some(Spanned::new(Val::Object(Box::new(m)), None))
}

/// `docker run` options that take a value (the next argument unless written `--opt=value`).
const DOCKER_RUN_WITH_VALUE: &[&str] = &[
    "-a",
    "--attach",
    "-v",
    "--volume",
    "-e",
    "--env",
    "--env-file",
    "--name",
    "-w",
    "--workdir",
    "--entrypoint",
    "--platform",
    "--network",
    "--net",
    "-p",
    "--publish",
    "-u",
    "--user",
    "-l",
    "--label",
    "--label-file",
    "--mount",
    "--add-host",
    "--cpus",
    "-m",
    "--memory",
    "--memory-swap",
    "--device",
    "--dns",
    "-h",
    "--hostname",
    "--ipc",
    "--pid",
    "--restart",
    "--runtime",
    "--shm-size",
    "--tmpfs",
    "--ulimit",
    "--cap-add",
    "--cap-drop",
    "--security-opt",
    "--gpus",
    "--log-driver",
    "--log-opt",
    "--cidfile",
    "--stop-signal",
    "--stop-timeout",
    "--pull",
    "--expose",
    "--group-add",
    "--link",
    "--volumes-from",
    "--cgroupns",
    "--cpuset-cpus",
    "--health-cmd",
    "--network-alias",
    "--ip",
    "--mac-address",
    "--userns",
    "--uts",
    "--isolation",
    "--cpu-shares",
    "-c",
];

/// `docker` global options that take a value.
const DOCKER_GLOBAL_WITH_VALUE: &[&str] = &[
    "--context",
    "-c",
    "--host",
    "-H",
    "--config",
    "-l",
    "--log-level",
];

/// The `docker` object of a `docker run`/`docker pull` (also `docker container run`,
/// `docker image pull`) command: `{subcommand, image}`, the image being the first argument
/// that is not an option or an option's value.
fn docker_object(cmd: &Command, file: FileId, exact: bool, all: Span) -> Option<Spanned> {
    let a = &cmd.argv;
    let mut k = 0;
    while let Some(w) = a.get(k) {
        let t = w.text.as_str();
        let assignment = t
            .split_once('=')
            .is_some_and(|(n, _)| !n.is_empty() && !n.starts_with('-'));
        if assignment || is_prefix_word(t) {
            k += 1;
        } else {
            break;
        }
    }
    if basename(&a.get(k)?.text) != "docker" {
        return None;
    }
    k += 1;
    while let Some(w) = a.get(k) {
        if !w.text.starts_with('-') {
            break;
        }
        k += if DOCKER_GLOBAL_WITH_VALUE.contains(&w.text.as_str()) {
            2
        } else {
            1
        };
    }
    let mut sub = a.get(k)?;
    if matches!(sub.text.as_str(), "container" | "image") {
        k += 1;
        sub = a.get(k)?;
    }
    let with_value: &[&str] = match sub.text.as_str() {
        "run" | "create" => DOCKER_RUN_WITH_VALUE,
        "pull" => &["--platform"],
        _ => return None,
    };
    let span = |w: &Word| {
        if exact {
            Span::new(file, w.start..w.end)
        } else {
            all
        }
    };
    let mut m = IndexMap::new();
    m.insert(
        "subcommand".to_string(),
        Spanned::string(sub.text.clone(), Some(span(sub))),
    );
    let mut j = k + 1;
    while let Some(w) = a.get(j) {
        let t = w.text.as_str();
        if t == "--" {
            j += 1;
            continue;
        }
        if t.starts_with('-') && t.len() > 1 {
            j += if !t.contains('=') && with_value.contains(&t) {
                2
            } else {
                1
            };
            continue;
        }
        m.insert(
            "image".to_string(),
            Spanned::string(t.to_string(), Some(span(w))),
        );
        break;
    }
    Some(Spanned::new(Val::Object(Box::new(m)), None))
}

/// The synthesized `commands` attribute of a step whose `run` value `run` was written at
/// `run_span` in `file_text`.
pub fn commands_attr(file: FileId, file_text: &str, run: &str, run_span: Span) -> Spanned {
    let all = run_span;
    let (offs, exact) = match file_offsets(file_text, run_span.start..run_span.end, run) {
        Some(o) => (o, true),
        None => (vec![run_span.start; run.len()], false),
    };
    let cmds = split(run, &offs);
    let items = cmds
        .iter()
        .map(|c| {
            let span = match (c.argv.first(), c.argv.last()) {
                (Some(f), Some(l)) if exact => Span::new(file, f.start..l.end),
                _ => all,
            };
            let argv = c
                .argv
                .iter()
                .map(|w| {
                    let s = if exact {
                        Span::new(file, w.start..w.end)
                    } else {
                        all
                    };
                    Spanned::string(w.text.clone(), Some(s))
                })
                .collect();
            let mut m = IndexMap::new();
            m.insert(
                "argv".to_string(),
                Spanned::new(Val::Array(argv), Some(span)),
            );
            if let Some(p) = pip_object(c, file, exact, all) {
                m.insert(
                    "pip".to_string(),
                    Spanned {
                        span: Some(span),
                        ..p
                    },
                );
            }
            if let Some(d) = docker_object(c, file, exact, all) {
                m.insert(
                    "docker".to_string(),
                    Spanned {
                        span: Some(span),
                        ..d
                    },
                );
            }
            Spanned::new(Val::Object(Box::new(m)), Some(span))
        })
        .collect();
    Spanned::new(Val::Array(items), Some(all))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(script: &str) -> Vec<Vec<String>> {
        let offs: Vec<usize> = (0..script.len()).collect();
        split(script, &offs)
            .into_iter()
            .map(|c| c.argv.into_iter().map(|w| w.text).collect())
            .collect()
    }

    fn v(x: &[&[&str]]) -> Vec<Vec<String>> {
        x.iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn separators_quotes_and_comments() {
        assert_eq!(
            argvs("a b && c 'd e' || f \"g \\\" h\"; i | j # k l\nm\\ n x#y"),
            v(&[
                &["a", "b"],
                &["c", "d e"],
                &["f", "g \" h"],
                &["i"],
                &["j"],
                &["m n", "x#y"]
            ])
        );
        assert_eq!(
            argvs("pip install \\\n  --platform x \\\n  -t out\n"),
            v(&[&["pip", "install", "--platform", "x", "-t", "out"]])
        );
        assert_eq!(
            argvs("echo ${{ matrix.v }} $(pwd)/a \"$(echo 'x y')\" > log 2>&1"),
            v(&[&["echo", "${{ matrix.v }}", "$(pwd)/a", "$(echo 'x y')"]])
        );
    }

    #[test]
    fn nested_shells() {
        assert_eq!(
            argvs("docker run img bash -c \"pip install a && echo 'b c'\""),
            v(&[
                &[
                    "docker",
                    "run",
                    "img",
                    "bash",
                    "-c",
                    "pip install a && echo 'b c'"
                ],
                &["pip", "install", "a"],
                &["echo", "b c"]
            ])
        );
        assert_eq!(
            argvs("sh -ec 'pip3 download x'"),
            v(&[
                &["sh", "-ec", "pip3 download x"],
                &["pip3", "download", "x"]
            ])
        );
        // Nesting is bounded.
        let mut s = "true".to_string();
        for _ in 0..7 {
            s = format!("sh -c '{}'", s.replace('\'', "'\\''"));
        }
        assert!(argvs(&s).len() <= MAX_NESTING + 1);
    }

    #[test]
    fn never_panics() {
        for s in [
            "",
            "\\",
            "'",
            "\"",
            "\"\\",
            "$(",
            "${",
            "$((",
            "a >",
            "2>",
            "&>",
            "é\\é",
            "\"é",
            "'é",
            "bash -c",
            "sh -c \"",
            "\r\n\\\r\n",
        ] {
            let _ = argvs(s);
            let _ = commands_attr(FileId(0), s, s, Span::new(FileId(0), 0..s.len()));
        }
    }

    #[test]
    fn spans_in_a_block_scalar() {
        let file = "jobs:\n  a:\n    steps:\n      - run: |\n          pip install \\\n            --platform manylinux2014_x86_64 \\\n            --only-binary=:all: -t out\n          bash -c \"python3.12 -m pip download --python-version 3.12 x\"\n";
        let f = crate::workflow::build_workflow(
            FileId(0),
            &crate::source::SourceFile::new(
                "ci.yml".into(),
                std::path::PathBuf::from("ci.yml"),
                std::sync::Arc::from(file),
            ),
        )
        .unwrap();
        let cmds = f.nodes[2].attrs.get("commands").unwrap();
        let at = |v: &Spanned| &file[v.span.unwrap().start..v.span.unwrap().end];
        let c0 = &cmds.as_array().unwrap()[0];
        let pip = c0.get("pip").unwrap();
        assert_eq!(pip.get("subcommand").unwrap().as_str(), Some("install"));
        let o = pip.get("options").unwrap();
        let plat = &o.get("--platform").unwrap().as_array().unwrap()[0];
        assert_eq!(plat.as_str(), Some("manylinux2014_x86_64"));
        assert_eq!(at(plat), "manylinux2014_x86_64");
        let ob = &o.get("--only-binary").unwrap().as_array().unwrap()[0];
        assert_eq!((ob.as_str(), at(ob)), (Some(":all:"), ":all:"));
        let t = &o.get("--target").unwrap().as_array().unwrap()[0];
        assert_eq!(at(t), "out");
        // The inner command of `bash -c`.
        let c2 = &cmds.as_array().unwrap()[2];
        let pip = c2.get("pip").unwrap();
        assert_eq!(pip.get("subcommand").unwrap().as_str(), Some("download"));
        let pv = &pip.get("options").unwrap().get("--python-version").unwrap();
        assert_eq!(at(&pv.as_array().unwrap()[0]), "3.12");
        let argv = c2.get("argv").unwrap().as_array().unwrap();
        assert_eq!(at(&argv[0]), "python3.12");
    }

    #[test]
    fn unalignable_scalars_fall_back_to_the_whole_value() {
        let file = "run: \"pip install --platform\\tx\"";
        let run = "pip install --platform\tx";
        let all = Span::new(FileId(0), 5..file.len());
        let c = commands_attr(FileId(0), file, run, all);
        let c0 = &c.as_array().unwrap()[0];
        let p = &c0
            .get("pip")
            .unwrap()
            .get("options")
            .unwrap()
            .get("--platform")
            .unwrap();
        assert_eq!(p.as_array().unwrap()[0].span, Some(all));
        // A single-line plain scalar maps exactly.
        assert_eq!(file_offsets("run: a b", 5..8, "a b"), Some(vec![5, 6, 7]));
    }

    #[test]
    fn docker_images() {
        let image = |s: &str| {
            let c = commands_attr(FileId(0), s, s, Span::new(FileId(0), 0..s.len()));
            let d = c.as_array().unwrap()[0].get("docker")?;
            let i = d.get("image")?;
            let sp = i.span.unwrap();
            assert_eq!(&s[sp.start..sp.end], i.as_str().unwrap(), "{s}");
            Some(i.as_str().unwrap().to_string())
        };
        assert_eq!(
            image("docker run --rm -v \"$(pwd)/p:/w\" -e A=1 --name x -w /w --entrypoint sh --platform linux/amd64 --network host -p 80:80 -u 0 -it img:1 bash -c 'x'").as_deref(),
            Some("img:1")
        );
        assert_eq!(
            image("docker pull --platform=linux/arm64 a/b@sha256:00").as_deref(),
            Some("a/b@sha256:00")
        );
        assert_eq!(
            image("sudo docker --context c container run --volume=a:b img").as_deref(),
            Some("img")
        );
        assert_eq!(image("docker pull -a img").as_deref(), Some("img"));
        assert_eq!(image("docker build -t x ."), None);
        assert_eq!(image("docker run"), None);
    }

    #[test]
    fn pip_invocations() {
        let pip = |s: &str| {
            let c = commands_attr(FileId(0), s, s, Span::new(FileId(0), 0..s.len()));
            c.as_array().unwrap()[0].get("pip").map(|p| p.to_json())
        };
        for s in [
            "pip install x",
            "pip3 install x",
            "pip3.13 install x",
            "python -m pip install x",
            "python3 -m pip install x",
            "/usr/bin/python3.12 -m pip install x",
            "FOO=1 sudo pip --disable-pip-version-check install x",
            "then pip install x",
        ] {
            assert_eq!(pip(s).unwrap()["subcommand"], "install", "{s}");
        }
        for s in [
            "pipx install x",
            "python x.py",
            "python -m venv .v",
            "echo pip install",
        ] {
            assert!(pip(s).is_none(), "{s}");
        }
        let j = pip("pip download --platform=a --platform b -tdir --abi cp313 --implementation cp --python-version=3.13").unwrap();
        assert_eq!(j["options"]["--platform"], serde_json::json!(["a", "b"]));
        assert_eq!(j["options"]["--target"], serde_json::json!(["dir"]));
        assert_eq!(j["options"]["--abi"], serde_json::json!(["cp313"]));
        assert_eq!(
            j["options"]["--python-version"],
            serde_json::json!(["3.13"])
        );
    }

    #[test]
    fn spans_in_a_folded_scalar() {
        let file = "jobs:\n  a:\n    steps:\n      - run: >\n          pip install\n          --platform manylinux2014_x86_64 x\n";
        let f = crate::workflow::build_workflow(
            FileId(0),
            &crate::source::SourceFile::new(
                "ci.yml".into(),
                std::path::PathBuf::from("ci.yml"),
                std::sync::Arc::from(file),
            ),
        )
        .unwrap();
        let cmds = f.nodes[2].attrs.get("commands").unwrap();
        let argv = cmds.as_array().unwrap()[0].get("argv").unwrap();
        let texts: Vec<&str> = argv
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            ["pip", "install", "--platform", "manylinux2014_x86_64", "x"]
        );
        for a in argv.as_array().unwrap() {
            let s = a.span.unwrap();
            assert_eq!(&file[s.start..s.end], a.as_str().unwrap());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_script_splits_without_panicking(script in "[ -~\\n\\t\\\\'\"$(){}#;&|<>é]{0,200}") {
            let offs: Vec<usize> = (0..script.len()).collect();
            for c in split(&script, &offs) {
                for w in c.argv {
                    proptest::prop_assert_eq!(w.offs.len(), w.text.len());
                    proptest::prop_assert!(w.start <= w.end);
                }
            }
            let file = format!("run: |\n  {}\n", script.replace('\n', "\n  "));
            let _ = commands_attr(FileId(0), &file, &script, Span::new(FileId(0), 8..file.len()));
        }
    }
}
