//! YAML with spans: the first document of a stream, core-schema scalars (YAML 1.2: `on`/`yes`
//! are strings), aliases expanded within the limits. Short-form tags (`!Ref X`) are rewritten to
//! one-key mappings (`{"Ref": "X"}`) only for the tags in the caller's [`ShortTags`] table; any
//! other tag is read as its plain value.

use std::ops::Range;
use std::rc::Rc;

use granit_parser::{Event, Parser, ScalarStyle};

use super::{Key, MAX_DEPTH, MAX_NODES, Raw, RawError, RawVal, err};

/// Short-form tags (without the `!`) and the one-key mapping each stands for: CloudFormation
/// passes its `!Ref`/`!Sub`… table, a workflow none.
pub type ShortTags<'a> = &'a [(&'a str, &'static str)];

/// What a node's tag asks for.
#[derive(Clone, Debug)]
enum TagKind {
    None,
    /// A short form from the caller's table: the long name and where the tag starts.
    Short(&'static str, usize),
    /// `!!str` or the non-specific `!`: a string whatever it looks like.
    Str,
    /// `!!int`, `!!float`, `!!bool`, `!!null`, or another tag: resolve as a plain scalar.
    Other,
}

fn tag_kind(
    tag: Option<&granit_parser::Tag>,
    span: &granit_parser::Span,
    short_tags: ShortTags,
) -> TagKind {
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
        if let Some((_, long)) = short_tags.iter().find(|(s, _)| *s == tag.suffix()) {
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

/// Wraps `inner` in the long form of a short tag: `{long: inner}`.
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
    short_tags: ShortTags<'t>,
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
                let kind = tag_kind(tag.as_deref(), &span, self.short_tags);
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
                let kind = tag_kind(tag.as_deref(), &span, self.short_tags);
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
pub fn parse(text: &str, short_tags: ShortTags) -> Result<Raw, RawError> {
    let limits = crate::limits::current();
    let mut opts = granit_parser::Options::default();
    opts.flow_nesting_limit = MAX_DEPTH + 2;
    opts.block_nesting_limit = MAX_DEPTH + 2;
    opts.emit_comments = false;
    let mut parser = Parser::new_from_str_with_options(text, opts);
    let mut b = YamlBuilder {
        text,
        short_tags,
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
pub fn comments(text: &str) -> Vec<Range<usize>> {
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
