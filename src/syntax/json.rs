//! Strict JSON with spans (a leading byte order mark is skipped; offsets stay file offsets).

use jsonc_parser::ast::{ObjectPropName, Value as J};

use super::{Key, Raw, RawError, RawVal, err};

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
pub fn parse(text: &str) -> Result<Raw, RawError> {
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

/// True when the first non-blank character (after a byte order mark) opens a JSON value.
pub fn looks_like_json(text: &str) -> bool {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    t.starts_with('{') || t.starts_with('[')
}
