//! Terraform built-in functions that can be evaluated statically.
//!
//! Implemented: `jsonencode` (returns its argument's *structure*, not a string: iaclint keeps
//! policies structured), `jsondecode`, `merge`, `concat`, `format` (`%s %d %q %v %t %%`), `lookup`,
//! `tolist`, `toset`, `tomap`, `length`, `join`, `split`, `replace` (plain, or `/regex/`),
//! `lower`, `upper`, `coalesce`, `try`, `can`, `flatten`, `distinct`, `element`, `keys`, `values`,
//! `contains`, `trimspace`, `tostring`, `tonumber`, `tobool`. Any other function, and any call
//! with an unknown argument, is unknown (references inside the arguments are still recorded).

use std::ops::Range;

use hcl_edit::expr::{Expression, FuncCall};
use indexmap::IndexMap;

use crate::source::Span;
use crate::value::{Spanned, Val};

use super::context::{Context, as_number, contains_unknown, fmt_num, scalar_string, val_eq};
use super::json::respan_deep;

/// Why a function gave no value.
enum Fail {
    /// Some input is unknown.
    Unknown,
    /// Terraform would report an error (type mismatch, missing key, ...).
    Error,
    /// The result would be longer than the `string-bytes` limit (measured before it is built).
    TooLarge,
}

type Res = Result<Spanned, Fail>;

/// Evaluates a function call.
pub(super) fn call(ev: &mut dyn Context, fc: &FuncCall, r: Option<Range<usize>>) -> Spanned {
    let span = ev.span(r.clone());
    let name = fc.name.name.as_str();
    let exprs: Vec<&Expression> = fc.args.iter().collect();
    if !fc.name.is_namespaced() {
        match name {
            "try" => return call_try(ev, &exprs, r),
            "can" => {
                let before = ev.errors();
                let mut out = None;
                for e in &exprs {
                    let v = ev.eval(e);
                    out.get_or_insert(v);
                }
                if ev.errors() > before {
                    ev.set_errors(before);
                    return Spanned::new(Val::Bool(false), span);
                }
                return match out {
                    Some(v) if !contains_unknown(&v) && exprs.len() == 1 => {
                        Spanned::new(Val::Bool(true), span)
                    }
                    _ => ev.unknown_of(r),
                };
            }
            _ => {}
        }
    }
    let args: Vec<Spanned> = exprs.iter().map(|e| ev.eval(e)).collect();
    if fc.name.is_namespaced() || fc.args.expand_final() || args.iter().any(Spanned::is_unknown) {
        return ev.unknown_of(r);
    }
    match apply(name, args, span, ev.max_string()) {
        Ok(mut v) => {
            if !matches!(v.val, Val::Array(_) | Val::Object(_)) {
                v.span = span;
            }
            v
        }
        Err(Fail::Unknown) => ev.unknown_of(r),
        Err(Fail::TooLarge) => {
            ev.exceeded("string-bytes", span);
            ev.unknown_of(r)
        }
        Err(Fail::Error) => {
            ev.set_errors(ev.errors() + 1);
            ev.unknown_of(r)
        }
    }
}

/// `try(a, b, ...)`: the first argument that evaluates without an error.
fn call_try(ev: &mut dyn Context, exprs: &[&Expression], r: Option<Range<usize>>) -> Spanned {
    for (i, e) in exprs.iter().enumerate() {
        let before = ev.errors();
        let v = ev.eval(e);
        if ev.errors() == before {
            for rest in &exprs[i + 1..] {
                ev.record_refs(rest);
            }
            if v.is_unknown() {
                return ev.unknown_of(r);
            }
            return v;
        }
        ev.set_errors(before);
    }
    ev.set_errors(ev.errors() + 1);
    ev.unknown_of(r)
}

fn new(val: Val, span: Option<Span>) -> Res {
    Ok(Spanned::new(val, span))
}

fn str_arg(v: &Spanned) -> Result<String, Fail> {
    match &v.val {
        Val::Unknown(_) => Err(Fail::Unknown),
        _ => scalar_string(v).ok_or(Fail::Error),
    }
}

fn arity(args: &[Spanned], min: usize, max: usize) -> Result<(), Fail> {
    if args.len() < min || args.len() > max {
        Err(Fail::Error)
    } else {
        Ok(())
    }
}

/// The first of each group of equal items ([`val_eq`]), in order. Linear: items are compared by
/// a canonical text (object keys sorted), so `toset` of 100k items is not 10^10 comparisons.
fn dedupe(items: Vec<Spanned>) -> Result<Vec<Spanned>, Fail> {
    if items.iter().any(contains_unknown) {
        return Err(Fail::Unknown);
    }
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut out: Vec<Spanned> = Vec::new();
    for it in items {
        let mut key = String::new();
        // A value holding NaN equals nothing (not even itself): always kept.
        if !canonical(&it.val, &mut key) || seen.insert(key) {
            out.push(it);
        }
    }
    Ok(out)
}

/// Writes a text that is equal for two values exactly when [`val_eq`] holds; false (text
/// unusable) when the value holds a NaN or an unknown.
fn canonical(v: &Val, out: &mut String) -> bool {
    use std::fmt::Write;
    match v {
        Val::Null => out.push('n'),
        Val::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Val::Number(x) if x.is_nan() => return false,
        // -0 == 0.
        Val::Number(x) => {
            let _ = write!(out, "d{};", if *x == 0.0 { 0 } else { x.to_bits() });
        }
        Val::String(s) => {
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Val::Array(a) => {
            out.push('[');
            for x in a {
                if !canonical(&x.val, out) {
                    return false;
                }
            }
            out.push(']');
        }
        Val::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for k in keys {
                let _ = write!(out, "{}:{k}", k.len());
                if !m.get(k).is_some_and(|x| canonical(&x.val, out)) {
                    return false;
                }
            }
            out.push('}');
        }
        _ => return false,
    }
    true
}

fn flatten_into(items: Vec<Spanned>, out: &mut Vec<Spanned>, depth: usize) -> Result<(), Fail> {
    if depth > 64 {
        return Err(Fail::Unknown);
    }
    for it in items {
        match it.val {
            Val::Array(inner) => flatten_into(inner, out, depth + 1)?,
            Val::Unknown(_) => return Err(Fail::Unknown),
            _ => out.push(it),
        }
    }
    Ok(())
}

fn apply(name: &str, mut args: Vec<Spanned>, span: Option<Span>, max_string: usize) -> Res {
    let n = args.len();
    match name {
        "jsonencode" => {
            arity(&args, 1, 1)?;
            Ok(args.remove(0))
        }
        "jsondecode" => {
            arity(&args, 1, 1)?;
            if matches!(args[0].val, Val::Object(_)) {
                // A string literal holding a JSON object was already decoded.
                return Ok(args.remove(0));
            }
            let s = args[0].as_str().ok_or(Fail::Error)?;
            let j: serde_json::Value = serde_json::from_str(s).map_err(|_| Fail::Error)?;
            let mut v = Spanned::from_json(&j);
            respan_deep(&mut v, span);
            Ok(v)
        }
        "merge" => {
            let mut map = IndexMap::new();
            for a in args {
                match a.val {
                    Val::Object(m) => map.extend(*m),
                    Val::Null => {}
                    _ => return Err(Fail::Error),
                }
            }
            new(Val::Object(Box::new(map)), span)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match a.val {
                    Val::Array(items) => out.extend(items),
                    _ => return Err(Fail::Error),
                }
            }
            new(Val::Array(out), span)
        }
        "format" => {
            if n == 0 {
                return Err(Fail::Error);
            }
            let f = str_arg(&args[0])?;
            format(&f, &args[1..], max_string).map(|s| Spanned::new(Val::String(s), span))
        }
        "lookup" => {
            arity(&args, 2, 3)?;
            let k = str_arg(&args[1])?;
            let Val::Object(m) = &args[0].val else {
                return Err(Fail::Error);
            };
            match m.get(&k) {
                Some(v) => Ok(v.clone()),
                None if n == 3 => Ok(args.remove(2)),
                None => Err(Fail::Error),
            }
        }
        "tolist" => {
            arity(&args, 1, 1)?;
            match args.remove(0) {
                v @ Spanned {
                    val: Val::Array(_), ..
                } => Ok(v),
                _ => Err(Fail::Error),
            }
        }
        "toset" => {
            arity(&args, 1, 1)?;
            let a = args.remove(0);
            match a.val {
                Val::Array(items) => new(Val::Array(dedupe(items)?), a.span),
                _ => Err(Fail::Error),
            }
        }
        "tomap" => {
            arity(&args, 1, 1)?;
            match args.remove(0) {
                v @ Spanned {
                    val: Val::Object(_),
                    ..
                } => Ok(v),
                _ => Err(Fail::Error),
            }
        }
        "length" => {
            arity(&args, 1, 1)?;
            let len = match &args[0].val {
                Val::Array(a) => a.len(),
                Val::Object(m) => m.len(),
                Val::String(s) => s.chars().count(),
                _ => return Err(Fail::Error),
            };
            new(Val::Number(len as f64), span)
        }
        "join" => {
            if n < 2 {
                return Err(Fail::Error);
            }
            let sep = str_arg(&args[0])?;
            let mut out = String::new();
            let mut first = true;
            for list in &args[1..] {
                let Val::Array(items) = &list.val else {
                    return Err(Fail::Error);
                };
                for it in items {
                    let part = str_arg(it)?;
                    let sep_len = if first { 0 } else { sep.len() };
                    if out.len().saturating_add(sep_len).saturating_add(part.len()) > max_string {
                        return Err(Fail::TooLarge);
                    }
                    if !first {
                        out.push_str(&sep);
                    }
                    out.push_str(&part);
                    first = false;
                }
            }
            new(Val::String(out), span)
        }
        "split" => {
            arity(&args, 2, 2)?;
            let sep = str_arg(&args[0])?;
            let s = str_arg(&args[1])?;
            let items: Vec<Spanned> = if s.is_empty() {
                Vec::new()
            } else if sep.is_empty() {
                s.chars()
                    .map(|c| Spanned::string(c.to_string(), span))
                    .collect()
            } else {
                s.split(sep.as_str())
                    .map(|p| Spanned::string(p, span))
                    .collect()
            };
            new(Val::Array(items), span)
        }
        "replace" => {
            arity(&args, 3, 3)?;
            let s = str_arg(&args[0])?;
            let sub = str_arg(&args[1])?;
            let rep = str_arg(&args[2])?;
            let out = if sub.len() >= 2 && sub.starts_with('/') && sub.ends_with('/') {
                let re = regex::Regex::new(&sub[1..sub.len() - 1]).map_err(|_| Fail::Error)?;
                let count = re.find_iter(&s).count();
                let per = if rep.contains('$') {
                    rep.len().saturating_mul(s.len() + 1)
                } else {
                    rep.len()
                };
                if s.len().saturating_add(count.saturating_mul(per)) > max_string {
                    return Err(Fail::TooLarge);
                }
                re.replace_all(&s, rep.as_str()).into_owned()
            } else if sub.is_empty() {
                s
            } else {
                let count = s.matches(sub.as_str()).count();
                if s.len().saturating_add(count.saturating_mul(rep.len())) > max_string {
                    return Err(Fail::TooLarge);
                }
                s.replace(&sub, &rep)
            };
            new(Val::String(out), span)
        }
        "lower" | "upper" | "trimspace" => {
            arity(&args, 1, 1)?;
            let Val::String(s) = &args[0].val else {
                return Err(Fail::Error);
            };
            let out = match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                _ => s.trim().to_string(),
            };
            new(Val::String(out), span)
        }
        "coalesce" => {
            for a in args {
                match &a.val {
                    Val::Unknown(_) => return Err(Fail::Unknown),
                    Val::Null => {}
                    Val::String(s) if s.is_empty() => {}
                    _ => return Ok(a),
                }
            }
            Err(Fail::Error)
        }
        "flatten" => {
            arity(&args, 1, 1)?;
            let Val::Array(items) = args.remove(0).val else {
                return Err(Fail::Error);
            };
            let mut out = Vec::new();
            flatten_into(items, &mut out, 0)?;
            new(Val::Array(out), span)
        }
        "distinct" => {
            arity(&args, 1, 1)?;
            let a = args.remove(0);
            let Val::Array(items) = a.val else {
                return Err(Fail::Error);
            };
            new(Val::Array(dedupe(items)?), a.span)
        }
        "element" => {
            arity(&args, 2, 2)?;
            let i = as_number(&args[1]).ok_or(Fail::Error)?;
            let Val::Array(items) = &args[0].val else {
                return Err(Fail::Error);
            };
            if items.is_empty() || i < 0.0 || i.fract() != 0.0 {
                return Err(Fail::Error);
            }
            Ok(items[(i as usize) % items.len()].clone())
        }
        "keys" | "values" => {
            arity(&args, 1, 1)?;
            let Val::Object(m) = &args[0].val else {
                return Err(Fail::Error);
            };
            let mut ks: Vec<&String> = m.keys().collect();
            ks.sort();
            let items = ks
                .into_iter()
                .map(|k| match name {
                    "keys" => Spanned::string(k.clone(), span),
                    _ => m
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| Spanned::bare(Val::Null)),
                })
                .collect();
            new(Val::Array(items), span)
        }
        "contains" => {
            arity(&args, 2, 2)?;
            let Val::Array(items) = &args[0].val else {
                return Err(Fail::Error);
            };
            if contains_unknown(&args[1]) {
                return Err(Fail::Unknown);
            }
            if items
                .iter()
                .any(|it| !contains_unknown(it) && val_eq(&it.val, &args[1].val))
            {
                return new(Val::Bool(true), span);
            }
            if items.iter().any(contains_unknown) {
                return Err(Fail::Unknown);
            }
            new(Val::Bool(false), span)
        }
        "tostring" => {
            arity(&args, 1, 1)?;
            match &args[0].val {
                Val::Null => new(Val::Null, span),
                _ => new(Val::String(str_arg(&args[0])?), span),
            }
        }
        "tonumber" => {
            arity(&args, 1, 1)?;
            match &args[0].val {
                Val::Null => new(Val::Null, span),
                _ => new(Val::Number(as_number(&args[0]).ok_or(Fail::Error)?), span),
            }
        }
        "tobool" => {
            arity(&args, 1, 1)?;
            match &args[0].val {
                Val::Null => new(Val::Null, span),
                Val::Bool(_) | Val::String(_) => {
                    new(Val::Bool(args[0].as_bool().ok_or(Fail::Error)?), span)
                }
                _ => Err(Fail::Error),
            }
        }
        _ => Err(Fail::Unknown),
    }
}

/// Go-style `format` with the verbs Terraform documents most (`%s %d %q %v %t %%`); flags and
/// widths are not supported (unknown, never guessed).
fn format(f: &str, args: &[Spanned], max_string: usize) -> Result<String, Fail> {
    let mut out = String::new();
    let mut chars = f.chars();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        // Each piece pushed is at most the size of one argument: checked before the next.
        if out.len() > max_string {
            return Err(Fail::TooLarge);
        }
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = chars.next().ok_or(Fail::Error)?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let a = args.get(next).ok_or(Fail::Error)?;
        next += 1;
        if contains_unknown(a) {
            return Err(Fail::Unknown);
        }
        match verb {
            's' | 'v' => out.push_str(&scalar_string(a).ok_or(Fail::Unknown)?),
            't' => out.push_str(&a.as_bool().ok_or(Fail::Error)?.to_string()),
            'd' => {
                let n = as_number(a).ok_or(Fail::Error)?;
                if n.fract() != 0.0 {
                    return Err(Fail::Error);
                }
                out.push_str(&fmt_num(n));
            }
            'q' => {
                let s = scalar_string(a).ok_or(Fail::Error)?;
                out.push_str(&serde_json::Value::String(s).to_string());
            }
            _ => return Err(Fail::Unknown),
        }
    }
    if out.len() > max_string {
        return Err(Fail::TooLarge);
    }
    Ok(out)
}
