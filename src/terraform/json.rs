//! JSON held in heredocs and string literals, turned into spanned trees.
//!
//! The text is parsed with jsonc-parser with every leniency off. Offsets map back to the file when
//! the text comes from literal parts that are 1:1 with the source; otherwise values get the
//! enclosing expression's span. Unknown interpolations become placeholders before parsing: one
//! inside a JSON string makes that string unknown (with the original `${...}` text restored), one
//! standing where a value goes becomes an unknown value; a known object or array interpolated
//! there (`${jsonencode(local.doc)}`) is inserted as a structure.

use indexmap::IndexMap;
use jsonc_parser::ast::{ObjectPropName, Value as J};

use crate::source::{FileId, Span};
use crate::value::{Part, Shape, Spanned, Val};

/// Deepest JSON nesting converted; deeper text stays a string.
const MAX_JSON_DEPTH: usize = 128;

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A part of a template.
pub(super) enum Piece {
    /// Literal text, with the byte offset of its source when it maps 1:1 to the file.
    Text(String, Option<usize>),
    /// An unknown interpolation or a directive: its source text, and what is known of it.
    Hole(String, Shape),
    /// A known structured interpolation: the value and its source text.
    Value(Spanned, String),
}

struct Segment {
    start: usize,
    end: usize,
    src: Option<usize>,
}

struct Ctx<'p> {
    file: FileId,
    fallback: Option<Span>,
    segments: Vec<Segment>,
    holes: Vec<&'p Piece>,
}

/// Parses the pieces as JSON, when the text (trimmed) starts with `{` or `[` and is valid JSON.
pub(super) fn parse_pieces(
    pieces: &[Piece],
    file: FileId,
    fallback: Option<Span>,
) -> Option<Spanned> {
    let mut text = String::new();
    let mut ctx = Ctx {
        file,
        fallback,
        segments: Vec::new(),
        holes: Vec::new(),
    };
    let mut in_str = false;
    let mut escaped = false;
    for p in pieces {
        match p {
            Piece::Text(t, src) => {
                let start = text.len();
                text.push_str(t);
                ctx.segments.push(Segment {
                    start,
                    end: text.len(),
                    src: *src,
                });
                for c in t.chars() {
                    if escaped {
                        escaped = false;
                    } else if in_str && c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_str = !in_str;
                    }
                }
            }
            Piece::Hole(..) | Piece::Value(..) => {
                let i = ctx.holes.len();
                ctx.holes.push(p);
                if in_str {
                    text.push_str(&format!("{OPEN}{i}{CLOSE}"));
                } else {
                    text.push_str(&format!("\"{OPEN}{i}{CLOSE}\""));
                }
            }
        }
    }
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let opts = crate::value::strict_json_options();
    let parsed = jsonc_parser::parse_to_ast(&text, &Default::default(), &opts).ok()?;
    let value = parsed.value?;
    ctx.convert(&value, &text, 0)
}

/// The shape of the string the pieces make (when they are not JSON).
pub(super) fn pieces_shape(pieces: &[Piece]) -> Shape {
    Shape::template(
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t, _) => Part::Lit(t.clone()),
                Piece::Hole(_, shape) => Part::Hole(shape.clone()),
                Piece::Value(..) => Part::Hole(Shape::Opaque),
            })
            .collect(),
    )
}

/// Parses a plain string literal that holds a JSON object; every value gets `span`.
pub(super) fn parse_plain(s: &str, span: Option<Span>) -> Option<Spanned> {
    let file = span.map(|s| s.file).unwrap_or(FileId(0));
    parse_pieces(&[Piece::Text(s.to_string(), None)], file, span)
}

/// Gives every value in the tree `span`.
pub(super) fn respan_deep(v: &mut Spanned, span: Option<Span>) {
    v.span = span;
    match &mut v.val {
        Val::Array(a) => a.iter_mut().for_each(|x| respan_deep(x, span)),
        Val::Object(m) => m.values_mut().for_each(|x| respan_deep(x, span)),
        _ => {}
    }
}

impl Ctx<'_> {
    fn span(&self, r: &jsonc_parser::common::Range) -> Option<Span> {
        let seg = self
            .segments
            .iter()
            .find(|s| s.start <= r.start && r.start < s.end)?;
        match seg.src {
            Some(src) if r.end <= seg.end => Some(Span::new(
                self.file,
                src + (r.start - seg.start)..src + (r.end - seg.start),
            )),
            _ => self.fallback,
        }
        .or(self.fallback)
    }

    fn span_or_fallback(&self, r: &jsonc_parser::common::Range) -> Option<Span> {
        self.span(r).or(self.fallback)
    }

    /// The shape of a JSON string holding placeholders: its text around the holes' shapes.
    fn string_shape(&self, s: &str) -> Shape {
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(i) = rest.find(OPEN) {
            parts.push(Part::Lit(rest[..i].to_string()));
            let after = &rest[i + OPEN.len_utf8()..];
            let Some(j) = after.find(CLOSE) else {
                return Shape::Opaque;
            };
            let hole = match after[..j]
                .parse::<usize>()
                .ok()
                .and_then(|k| self.holes.get(k))
            {
                Some(Piece::Hole(_, shape)) => shape.clone(),
                _ => Shape::Opaque,
            };
            parts.push(Part::Hole(hole));
            rest = &after[j + CLOSE.len_utf8()..];
        }
        parts.push(Part::Lit(rest.to_string()));
        Shape::template(parts)
    }

    /// Replaces placeholders with the original text; `(restored, whole-value hole index)`.
    fn restore(&self, s: &str) -> (String, Option<usize>) {
        let mut out = String::new();
        let mut rest = s;
        let mut whole = None;
        while let Some(i) = rest.find(OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + OPEN.len_utf8()..];
            let Some(j) = after.find(CLOSE) else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let idx: Option<usize> = after[..j].parse().ok();
            match idx.and_then(|k| self.holes.get(k)) {
                Some(Piece::Hole(t, _)) | Some(Piece::Value(_, t)) => out.push_str(t),
                _ => out.push_str(&rest[i..i + OPEN.len_utf8() + j + CLOSE.len_utf8()]),
            }
            if i == 0 && j + CLOSE.len_utf8() == after.len() {
                whole = idx;
            }
            rest = &after[j + CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        (out, whole)
    }

    fn convert(&self, v: &J, text: &str, depth: usize) -> Option<Spanned> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        Some(match v {
            J::StringLit(s) => {
                let span = self.span_or_fallback(&s.range);
                if s.value.contains(OPEN) {
                    let (restored, whole) = self.restore(&s.value);
                    if let Some(Piece::Value(val, _)) = whole.and_then(|k| self.holes.get(k)) {
                        return Some(val.clone());
                    }
                    Spanned::unknown_shaped(restored, self.string_shape(&s.value), span)
                } else {
                    Spanned::new(Val::String(s.value.to_string()), span)
                }
            }
            J::NumberLit(n) => {
                let span = self.span_or_fallback(&n.range);
                match n.value.parse::<f64>() {
                    Ok(f) if f.is_finite() => Spanned::new(Val::Number(f), span),
                    _ => Spanned::unknown(n.value.to_string(), span),
                }
            }
            J::BooleanLit(b) => Spanned::new(Val::Bool(b.value), self.span_or_fallback(&b.range)),
            J::NullKeyword(n) => Spanned::new(Val::Null, self.span_or_fallback(&n.range)),
            J::Array(a) => {
                let mut items = Vec::with_capacity(a.elements.len());
                for e in &a.elements {
                    items.push(self.convert(e, text, depth + 1)?);
                }
                Spanned::new(Val::Array(items), self.span_or_fallback(&a.range))
            }
            J::Object(o) => {
                let span = self.span_or_fallback(&o.range);
                let mut map = IndexMap::new();
                for p in &o.properties {
                    let name = match &p.name {
                        ObjectPropName::String(s) => s.value.to_string(),
                        ObjectPropName::Word(w) => w.value.to_string(),
                    };
                    if name.contains(OPEN) {
                        // A computed key: the object's shape is unknown.
                        let raw = text.get(o.range.start..o.range.end).unwrap_or("");
                        return Some(Spanned::unknown(self.restore(raw).0, span));
                    }
                    map.insert(name, self.convert(&p.value, text, depth + 1)?);
                }
                Spanned::new(Val::Object(Box::new(map)), span)
            }
        })
    }
}
