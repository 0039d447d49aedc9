//! The literal template tree: JSON or YAML parsed into one spanned shape, with YAML short-form tags
//! already rewritten to their long forms (`!Ref X` → `{"Ref": "X"}`) and aliases expanded.
//!
//! Both parsers are bounded: nesting deeper than the `nesting-depth` limit (at most
//! [`MAX_DEPTH`]), alias expansion beyond the `yaml-alias-values` limit (values) or `eval-bytes`
//! (text), charged before the copy, and more than [`MAX_NODES`] values in all are errors with a
//! location, never a stack overflow or an allocation storm (see [`crate::limits`]).

use std::ops::Range;
use std::rc::Rc;

use granit_parser::{Event, Parser, ScalarStyle};
use jsonc_parser::ast::{ObjectPropName, Value as J};

/// Deepest nesting of mappings/sequences accepted (JSON and YAML, aliases included).
pub const MAX_DEPTH: usize = crate::limits::MAX_NESTING_DEPTH;

/// Most values a YAML document may expand to (aliases count their whole target each time).
pub const MAX_NODES: usize = 1_000_000;

/// A literal value with its byte range in the file.
#[derive(Clone, Debug)]
pub(crate) struct Raw {
    pub v: RawVal,
    pub span: Range<usize>,
}

/// A mapping key with its byte range.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub name: String,
    pub span: Range<usize>,
}

/// The literal value kinds.
#[derive(Clone, Debug)]
pub(crate) enum RawVal {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Seq(Vec<Raw>),
    Map(Vec<(Key, Raw)>),
}

impl Raw {
    /// The member `key` of a mapping (the last one when a key is repeated, as CloudFormation).
    pub fn get(&self, key: &str) -> Option<&Raw> {
        match &self.v {
            RawVal::Map(m) => m.iter().rev().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries if this is a mapping.
    pub fn entries(&self) -> Option<&[(Key, Raw)]> {
        match &self.v {
            RawVal::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The string if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            RawVal::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `(name, argument, key span)` when this is a one-key mapping whose key is `Ref`, `Condition`
    /// or starts with `Fn::` (an intrinsic function call).
    pub fn intrinsic(&self) -> Option<(&str, &Raw)> {
        match &self.v {
            RawVal::Map(m) if m.len() == 1 => {
                let (k, v) = &m[0];
                (k.name == "Ref" || k.name == "Condition" || k.name.starts_with("Fn::"))
                    .then_some((k.name.as_str(), v))
            }
            _ => None,
        }
    }
}

/// A parse error: a byte range and a message.
#[derive(Debug)]
pub(crate) struct RawError {
    pub span: Range<usize>,
    pub message: String,
}

fn err(span: Range<usize>, message: impl Into<String>) -> RawError {
    RawError {
        span,
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

/// The byte offset where JSON nesting first exceeds `max` (outside strings), if it does.
fn json_too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses strict JSON (a leading byte order mark is skipped; offsets stay file offsets).
pub(super) fn parse_json(text: &str) -> Result<Raw, RawError> {
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (text, 0),
    };
    let max_depth = crate::limits::current().nesting_depth;
    if let Some(off) = json_too_deep(body, max_depth) {
        return Err(err(
            base + off..base + off + 1,
            format!(
                "JSON nested deeper than {max_depth} levels {}; refusing to parse this file",
                crate::limits::hint("nesting-depth")
            ),
        ));
    }
    let opts = crate::value::strict_json_options();
    let parsed = jsonc_parser::parse_to_ast(body, &Default::default(), &opts).map_err(|e| {
        let r = e.range();
        err(
            base + r.start..base + r.end,
            format!("invalid JSON: {}", e.kind()),
        )
    })?;
    let Some(value) = parsed.value else {
        return Err(err(base..base, "empty JSON document"));
    };
    Ok(convert_json(&value, base))
}

fn convert_json(v: &J, base: usize) -> Raw {
    let r = |range: &jsonc_parser::common::Range| base + range.start..base + range.end;
    match v {
        J::StringLit(s) => Raw {
            v: RawVal::Str(s.value.to_string()),
            span: r(&s.range),
        },
        J::NumberLit(n) => Raw {
            v: match n.value.parse::<f64>() {
                Ok(f) if f.is_finite() => RawVal::Num(f),
                _ => RawVal::Str(n.value.to_string()),
            },
            span: r(&n.range),
        },
        J::BooleanLit(b) => Raw {
            v: RawVal::Bool(b.value),
            span: r(&b.range),
        },
        J::NullKeyword(n) => Raw {
            v: RawVal::Null,
            span: r(&n.range),
        },
        J::Array(a) => Raw {
            v: RawVal::Seq(a.elements.iter().map(|e| convert_json(e, base)).collect()),
            span: r(&a.range),
        },
        J::Object(o) => Raw {
            v: RawVal::Map(
                o.properties
                    .iter()
                    .map(|p| {
                        let key = match &p.name {
                            ObjectPropName::String(s) => Key {
                                name: s.value.to_string(),
                                span: r(&s.range),
                            },
                            ObjectPropName::Word(w) => Key {
                                name: w.value.to_string(),
                                span: r(&w.range),
                            },
                        };
                        (key, convert_json(&p.value, base))
                    })
                    .collect(),
            ),
            span: r(&o.range),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Short-form CloudFormation tags and the long form each stands for.
const SHORT_TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("GetAZs", "Fn::GetAZs"),
    ("Cidr", "Fn::Cidr"),
    ("Transform", "Fn::Transform"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Length", "Fn::Length"),
];

/// What a node's tag asks for.
#[derive(Clone, Debug)]
enum TagKind {
    None,
    /// A CloudFormation short form: the long name and where the tag starts.
    Short(&'static str, usize),
    /// `!!str` or the non-specific `!`: a string whatever it looks like.
    Str,
    /// `!!int`, `!!float`, `!!bool`, `!!null`, or another tag: resolve as a plain scalar.
    Other,
}

fn tag_kind(tag: Option<&granit_parser::Tag>, span: &granit_parser::Span) -> TagKind {
    let Some(tag) = tag else {
        return TagKind::None;
    };
    if tag.is_yaml_core_schema() {
        return if tag.suffix() == "str" {
            TagKind::Str
        } else {
            TagKind::Other
        };
    }
    if tag.handle() == "!" {
        if tag.suffix().is_empty() {
            return TagKind::Str;
        }
        if let Some((_, long)) = SHORT_TAGS.iter().find(|(s, _)| *s == tag.suffix()) {
            let start = span
                .tag_start()
                .and_then(|m| m.byte_offset())
                .or_else(|| span.byte_range().map(|r| r.start))
                .unwrap_or(0);
            return TagKind::Short(long, start);
        }
    }
    TagKind::Other
}

enum Frame {
    Seq {
        items: Vec<Raw>,
        start: usize,
        end: usize,
        anchor: usize,
        tag: TagKind,
    },
    Map {
        entries: Vec<(Key, Raw)>,
        key: Option<Key>,
        start: usize,
        end: usize,
        anchor: usize,
        tag: TagKind,
    },
}

/// A stored anchor: the node, its size in values and its depth.
struct Anchored {
    node: Rc<Raw>,
    size: usize,
    depth: usize,
    /// Bytes of its strings and keys.
    bytes: usize,
}

/// Values, nesting depth and string bytes (keys included) of `r`.
fn size_and_depth(r: &Raw) -> (usize, usize, usize) {
    match &r.v {
        RawVal::Seq(a) => a.iter().fold((1, 1, 0), |(s, d, b), x| {
            let (xs, xd, xb) = size_and_depth(x);
            (s + xs, d.max(xd + 1), b.saturating_add(xb))
        }),
        RawVal::Map(m) => m.iter().fold((1, 1, 0), |(s, d, b), (k, x)| {
            let (xs, xd, xb) = size_and_depth(x);
            (
                s + xs,
                d.max(xd + 1),
                b.saturating_add(xb).saturating_add(k.name.len()),
            )
        }),
        RawVal::Str(s) => (1, 0, s.len()),
        _ => (1, 0, 0),
    }
}

/// Core-schema resolution of a plain scalar (YAML 1.2: `on`/`yes` are strings).
fn resolve_plain(s: &str) -> RawVal {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return RawVal::Null,
        "true" | "True" | "TRUE" => return RawVal::Bool(true),
        "false" | "False" | "FALSE" => return RawVal::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return RawVal::Str(s.to_string()),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let is_int = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let is_float = {
        // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        let (mant, exp) = match digits.find(['e', 'E']) {
            Some(i) => (&digits[..i], Some(&digits[i + 1..])),
            None => (digits, None),
        };
        let mant_ok = {
            let (a, b) = mant.split_once('.').unwrap_or((mant, ""));
            (!a.is_empty() || !b.is_empty())
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
                && (mant.contains('.') || !a.is_empty())
        };
        let exp_ok = exp.is_none_or(|e| {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
        });
        mant_ok && exp_ok && !digits.starts_with('e')
    };
    if (is_int || is_float)
        && let Ok(f) = s.parse::<f64>()
        && f.is_finite()
    {
        return RawVal::Num(f);
    }
    if let Some(hex) = s.strip_prefix("0x")
        && !hex.is_empty()
        && let Ok(n) = i64::from_str_radix(hex, 16)
    {
        return RawVal::Num(n as f64);
    }
    if let Some(oct) = s.strip_prefix("0o")
        && !oct.is_empty()
        && let Ok(n) = i64::from_str_radix(oct, 8)
    {
        return RawVal::Num(n as f64);
    }
    RawVal::Str(s.to_string())
}

/// Wraps `inner` in the long form of a short tag.
fn apply_short(long: &'static str, tag_start: usize, inner: Raw, text: &str) -> Raw {
    let tag_end = text
        .get(tag_start..)
        .and_then(|t| t.find(|c: char| c.is_whitespace() || c == '[' || c == '{'))
        .map(|i| tag_start + i)
        .unwrap_or(tag_start);
    let end = inner.span.end.max(tag_end);
    let arg = if long == "Fn::GetAtt" {
        match &inner.v {
            RawVal::Str(s) => match s.split_once('.') {
                Some((a, b)) => {
                    // Sub-spans when the scalar is written as is (plain style).
                    let exact = text.get(inner.span.clone()) == Some(s.as_str());
                    let (sa, sb) = if exact {
                        let mid = inner.span.start + a.len();
                        (inner.span.start..mid, mid + 1..inner.span.end)
                    } else {
                        (inner.span.clone(), inner.span.clone())
                    };
                    Raw {
                        v: RawVal::Seq(vec![
                            Raw {
                                v: RawVal::Str(a.to_string()),
                                span: sa,
                            },
                            Raw {
                                v: RawVal::Str(b.to_string()),
                                span: sb,
                            },
                        ]),
                        span: inner.span.clone(),
                    }
                }
                None => inner,
            },
            _ => inner,
        }
    } else {
        inner
    };
    Raw {
        v: RawVal::Map(vec![(
            Key {
                name: long.to_string(),
                span: tag_start..tag_end,
            },
            arg,
        )]),
        span: tag_start.min(end)..end,
    }
}

struct YamlBuilder<'t> {
    text: &'t str,
    stack: Vec<Frame>,
    anchors: Vec<Option<Anchored>>,
    /// Values built so far (read and expanded).
    nodes: usize,
    /// Values and string bytes alias expansion added so far.
    alias_nodes: usize,
    alias_bytes: usize,
    /// The `nesting-depth`, `yaml-alias-values` and `eval-bytes` limits.
    limits: crate::limits::Limits,
    root: Option<Raw>,
    /// The event being handled starts a sequence.
    pending_seq: bool,
}

impl YamlBuilder<'_> {
    /// Counts `n` values about to be built: more than [`MAX_NODES`] in one file is an error.
    fn count(&mut self, n: usize, at: &Range<usize>) -> Result<(), RawError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(err(
                at.clone(),
                format!("more than {MAX_NODES} values in one file; refusing to load this file"),
            ));
        }
        Ok(())
    }

    /// Charges an alias expansion of `n` values and `bytes` string bytes, before it is copied.
    fn charge(&mut self, n: usize, bytes: usize, at: &Range<usize>) -> Result<(), RawError> {
        self.alias_nodes = self.alias_nodes.saturating_add(n);
        self.alias_bytes = self.alias_bytes.saturating_add(bytes);
        if self.alias_nodes > self.limits.yaml_alias_values {
            return Err(err(
                at.clone(),
                format!(
                    "YAML aliases expand to more than {} values (`<<` merge keys included; a \
                     \"billion laughs\" document?) {}; refusing to load this file",
                    self.limits.yaml_alias_values,
                    crate::limits::hint("yaml-alias-values")
                ),
            ));
        }
        if self.alias_bytes > self.limits.eval_bytes {
            return Err(err(
                at.clone(),
                format!(
                    "YAML aliases expand to more than {} bytes of text {}; refusing to load this \
                     file",
                    self.limits.eval_bytes,
                    crate::limits::hint("eval-bytes")
                ),
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Raw) {
        if anchor == 0 {
            return;
        }
        let (size, depth, bytes) = size_and_depth(node);
        if self.anchors.len() <= anchor {
            self.anchors.resize_with(anchor + 1, || None);
        }
        self.anchors[anchor] = Some(Anchored {
            node: Rc::new(node.clone()),
            size,
            depth,
            bytes,
        });
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn finish(&mut self, node: Raw) -> Result<(), RawError> {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, end, .. }) => {
                *end = (*end).max(node.span.end);
                items.push(node);
            }
            Some(Frame::Map {
                entries, key, end, ..
            }) => {
                *end = (*end).max(node.span.end);
                match key.take() {
                    Some(k) => entries.push((k, node)),
                    None => {
                        let name = match node.v {
                            RawVal::Str(s) => s,
                            RawVal::Null => String::from("null"),
                            RawVal::Bool(b) => b.to_string(),
                            RawVal::Num(_) => self.text.get(node.span.clone()).unwrap_or("").into(),
                            RawVal::Seq(_) | RawVal::Map(_) => {
                                return Err(err(
                                    node.span,
                                    "a mapping key that is itself a sequence or mapping is not \
                                     supported",
                                ));
                            }
                        };
                        *key = Some(Key {
                            name,
                            span: node.span,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn on_event(&mut self, ev: Event<'_>, span: granit_parser::Span) -> Result<(), RawError> {
        self.pending_seq = matches!(ev, Event::SequenceStart(..));
        let range = span.byte_range().unwrap_or(0..0);
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                self.count(1, &range)?;
                let kind = tag_kind(tag.as_deref(), &span);
                let v = match (&kind, style) {
                    (TagKind::Str | TagKind::Short(..), _) => RawVal::Str(value.into_owned()),
                    (_, ScalarStyle::Plain) => resolve_plain(&value),
                    _ => RawVal::Str(value.into_owned()),
                };
                // A short tag on an empty plain scalar (`!Ref`) holds an empty string.
                let mut node = Raw { v, span: range };
                if let TagKind::Short(long, start) = kind {
                    node = apply_short(long, start, node, self.text);
                }
                self.remember(anchor, &node);
                self.finish(node)
            }
            Event::SequenceStart(_, anchor, tag) | Event::MappingStart(_, anchor, tag) => {
                let is_seq = self.pending_seq;
                self.count(1, &range)?;
                if self.stack.len() >= self.limits.nesting_depth {
                    return Err(err(
                        range,
                        format!(
                            "YAML nested deeper than {} levels {}; refusing to parse this \
                             file",
                            self.limits.nesting_depth,
                            crate::limits::hint("nesting-depth")
                        ),
                    ));
                }
                let kind = tag_kind(tag.as_deref(), &span);
                let frame = if is_seq {
                    Frame::Seq {
                        items: Vec::new(),
                        start: range.start,
                        end: range.end,
                        anchor,
                        tag: kind,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        start: range.start,
                        end: range.end,
                        anchor,
                        tag: kind,
                    }
                };
                self.stack.push(frame);
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let flow_end = |end: usize| {
                    // A flow collection ends with its bracket; a block one with its last child.
                    if range.end > end
                        && self
                            .text
                            .as_bytes()
                            .get(range.end - 1)
                            .is_some_and(|b| *b == b']' || *b == b'}')
                    {
                        range.end
                    } else {
                        end
                    }
                };
                let (v, start, end, anchor, tag) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        end,
                        anchor,
                        tag,
                    } => (RawVal::Seq(items), start, flow_end(end), anchor, tag),
                    Frame::Map {
                        entries,
                        key,
                        start,
                        end,
                        anchor,
                        tag,
                    } => {
                        let mut entries = entries;
                        if let Some(k) = key {
                            // A key with no value event cannot happen; keep it as null.
                            let span = k.span.clone();
                            entries.push((
                                k,
                                Raw {
                                    v: RawVal::Null,
                                    span,
                                },
                            ));
                        }
                        (RawVal::Map(entries), start, flow_end(end), anchor, tag)
                    }
                };
                let mut node = Raw {
                    v,
                    span: start..end.max(start),
                };
                if let TagKind::Short(long, tstart) = tag {
                    node = apply_short(long, tstart, node, self.text);
                }
                self.remember(anchor, &node);
                self.finish(node)
            }
            Event::Alias(id) => {
                let Some(Some(a)) = self.anchors.get(id) else {
                    return Err(err(range, "alias to an unknown anchor"));
                };
                let (size, depth, bytes, node) = (a.size, a.depth, a.bytes, Rc::clone(&a.node));
                let max = self.limits.nesting_depth;
                if self.stack.len() + depth > max {
                    return Err(err(
                        range,
                        format!(
                            "YAML alias expands deeper than {max} levels {}",
                            crate::limits::hint("nesting-depth")
                        ),
                    ));
                }
                self.charge(size, bytes, &range)?;
                self.count(size, &range)?;
                let mut copy = (*node).clone();
                // The alias is where the value is used: point its top at `*name`.
                copy.span = range;
                self.finish(copy)
            }
            _ => Ok(()),
        }
    }
}

/// Parses the first document of a YAML stream.
pub(crate) fn parse_yaml(text: &str) -> Result<Raw, RawError> {
    let limits = crate::limits::current();
    let mut opts = granit_parser::Options::default();
    opts.flow_nesting_limit = MAX_DEPTH + 2;
    opts.block_nesting_limit = MAX_DEPTH + 2;
    opts.emit_comments = false;
    let mut parser = Parser::new_from_str_with_options(text, opts);
    let mut b = YamlBuilder {
        text,
        stack: Vec::new(),
        anchors: Vec::new(),
        nodes: 0,
        alias_nodes: 0,
        alias_bytes: 0,
        limits,
        root: None,
        pending_seq: false,
    };
    while let Some(res) = parser.next_event() {
        let (ev, span) = res.map_err(|e| {
            let m = e.marker();
            let off = m.byte_offset().unwrap_or_else(|| {
                text.char_indices()
                    .nth(m.index())
                    .map(|(i, _)| i)
                    .unwrap_or(text.len())
            });
            let off = off.min(text.len());
            let end = text[off..]
                .chars()
                .next()
                .map(|c| off + c.len_utf8())
                .unwrap_or(off);
            let info = e.info();
            if info.contains("recursion limit") || info.contains("nesting limit") {
                err(
                    off..end,
                    format!(
                        "YAML nested deeper than {} levels {}; refusing to parse this file",
                        limits.nesting_depth,
                        crate::limits::hint("nesting-depth")
                    ),
                )
            } else {
                err(off..end, format!("invalid YAML: {info}"))
            }
        })?;
        match ev {
            Event::DocumentEnd if b.root.is_some() => break,
            Event::StreamEnd => break,
            ev => b.on_event(ev, span)?,
        }
    }
    Ok(b.root.unwrap_or(Raw {
        v: RawVal::Null,
        span: 0..0,
    }))
}

/// The byte ranges of the comments of a YAML text (never inside scalars), up to the first syntax
/// error.
pub(super) fn yaml_comments(text: &str) -> Vec<Range<usize>> {
    let mut opts = granit_parser::Options::default();
    opts.flow_nesting_limit = MAX_DEPTH + 2;
    opts.block_nesting_limit = MAX_DEPTH + 2;
    opts.emit_comments = true;
    opts.max_buffered_comment_events = 100_000;
    let mut out = Vec::new();
    for next in Parser::new_from_str_with_options(text, opts) {
        let Ok((ev, span)) = next else { break };
        match ev {
            Event::Comment(..) => {
                if let Some(r) = span.byte_range() {
                    out.push(r);
                }
            }
            Event::StreamEnd => break,
            _ => {}
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// True when the first non-blank character (after a byte order mark) opens a JSON value.
pub(super) fn looks_like_json(text: &str) -> bool {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    t.starts_with('{') || t.starts_with('[')
}
