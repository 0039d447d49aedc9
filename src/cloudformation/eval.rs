//! Evaluation of intrinsic functions over the literal tree into spanned values.
//!
//! See the module docs of [`crate::cloudformation`] for what is evaluated and what stays unknown.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::source::{FileId, Span};
use crate::value::{Part, Route, Seg, Shape, Spanned, Val};

use super::raw::{Intrinsic, Raw, RawVal};

/// Deepest chain of evaluation (nesting plus condition references) before giving up as unknown.
const MAX_EVAL_DEPTH: usize = 256;

// Values and bytes copied or built per template, and the longest string a function builds, are
// the `eval-values`, `eval-bytes` and `string-bytes` limits (crate::limits): past them results are
// unknown and the first place one was hit is reported (`Evaluator::exceeded`). Sizes are computed
// before anything is copied or built.

/// Longest source text kept in an unknown's `expr`.
const MAX_EXPR: usize = 300;

/// A reference from the value being evaluated to a node of the template.
#[derive(Clone, Debug)]
pub(super) struct Hit {
    /// Local node index.
    pub to: usize,
    /// The attribute named (`Fn::GetAtt`), if any.
    pub attr: Option<String>,
    /// Where the reference is written.
    pub span: Option<Span>,
}

/// A declared parameter.
pub(super) struct Param<'a> {
    /// Its node.
    pub node: usize,
    /// Its declaration (`Type`, `Default`, ...).
    pub decl: &'a Raw,
}

/// The template-wide context of evaluation.
pub(super) struct Evaluator<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub params: HashMap<&'a str, Param<'a>>,
    pub resources: HashMap<&'a str, usize>,
    pub mappings: Option<&'a Raw>,
    pub conditions: Option<&'a Raw>,
    cond_cache: HashMap<String, Option<bool>>,
    cond_active: HashSet<String>,
    budget: usize,
    bytes: usize,
    /// `string-bytes`.
    max_string: usize,
    /// The first limit exceeded: where, and the limit's key.
    pub exceeded: Option<(std::ops::Range<usize>, &'static str)>,
    depth: usize,
}

type Hits = Vec<(Route, Hit)>;

fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The length of [`scalar_text`] without building it.
fn scalar_len(v: &Spanned) -> Option<usize> {
    match &v.val {
        Val::String(s) => Some(s.len()),
        Val::Number(n) => Some(num_text(*n).len()),
        Val::Bool(b) => Some(if *b { 4 } else { 5 }),
        _ => None,
    }
}

/// Appends [`scalar_text`] of `v` to `out` (nothing when it is not a scalar).
fn push_scalar(out: &mut String, v: &Spanned) {
    match &v.val {
        Val::String(s) => out.push_str(s),
        Val::Number(n) => out.push_str(&num_text(*n)),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        _ => {}
    }
}

/// The text of a known scalar (what `Fn::Sub`/`Fn::Join` would insert).
fn scalar_text(v: &Spanned) -> Option<String> {
    match &v.val {
        Val::String(s) => Some(s.clone()),
        Val::Number(n) => Some(num_text(*n)),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

impl<'a> Evaluator<'a> {
    /// A new evaluator over one template.
    pub fn new(file: FileId, text: &'a str) -> Self {
        Evaluator {
            file,
            text,
            params: HashMap::new(),
            resources: HashMap::new(),
            mappings: None,
            conditions: None,
            cond_cache: HashMap::new(),
            cond_active: HashSet::new(),
            budget: crate::limits::current().eval_values,
            bytes: crate::limits::current().eval_bytes,
            max_string: crate::limits::current().string_bytes,
            exceeded: None,
            depth: 0,
        }
    }

    fn span(&self, r: &std::ops::Range<usize>) -> Option<Span> {
        Some(Span::new(self.file, r.clone()))
    }

    /// The source text of a value, shortened.
    fn src(&self, r: &Raw) -> String {
        let t = self.text.get(r.span.clone()).unwrap_or("");
        if t.len() <= MAX_EXPR {
            return t.to_string();
        }
        let mut end = MAX_EXPR;
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &t[..end])
    }

    fn unknown(&self, r: &Raw) -> Spanned {
        Spanned::unknown(self.src(r), self.span(&r.span))
    }

    /// [`Evaluator::unknown`] for a value of a known shape.
    fn unknown_shaped(&self, r: &Raw, shape: Shape) -> Spanned {
        Spanned::unknown_shaped(self.src(r), shape, self.span(&r.span))
    }

    /// A literal copy (no intrinsic functions), charged to the copy budget before it is made.
    pub fn literal(&mut self, r: &Raw) -> Spanned {
        self.copy(r, r)
    }

    /// [`Evaluator::literal`] for a use at `at` (a `Ref`, a `${}`): where a limit is reported.
    fn copy(&mut self, r: &Raw, at: &Raw) -> Spanned {
        fn size(r: &Raw, count: &mut usize, bytes: &mut usize) {
            *count += 1;
            match &r.v {
                RawVal::Str(s) => *bytes += s.len(),
                RawVal::Seq(a) => a.iter().for_each(|x| size(x, count, bytes)),
                RawVal::Map(m) => m.iter().for_each(|(k, v)| {
                    *bytes += k.name.len();
                    size(v, count, bytes);
                }),
                _ => {}
            }
        }
        fn go(ev: &Evaluator, r: &Raw) -> Spanned {
            let val = match &r.v {
                RawVal::Null => Val::Null,
                RawVal::Bool(b) => Val::Bool(*b),
                RawVal::Num(n) => Val::Number(*n),
                RawVal::Str(s) => Val::String(s.clone()),
                RawVal::Seq(a) => Val::Array(a.iter().map(|x| go(ev, x)).collect()),
                RawVal::Map(m) => Val::Object(
                    m.iter()
                        .map(|(k, v)| (k.name.clone(), go(ev, v)))
                        .collect::<IndexMap<_, _>>()
                        .into(),
                ),
            };
            Spanned::new(val, ev.span(&r.span))
        }
        let (mut count, mut bytes) = (0, 0);
        size(r, &mut count, &mut bytes);
        if count > self.budget {
            self.too_large("eval-values", at);
            return Spanned::unknown("value too large", self.span(&r.span));
        }
        if !self.charge(count, bytes) {
            self.too_large("eval-bytes", at);
            return Spanned::unknown("value too large", self.span(&r.span));
        }
        go(self, r)
    }

    /// An unknown for a result over a limit; the first such place is kept in `exceeded`.
    fn too_large(&mut self, key: &'static str, at: &Raw) -> Spanned {
        if self.exceeded.is_none() {
            self.exceeded = Some((at.span.clone(), key));
        }
        Spanned::unknown("value too large", self.span(&at.span))
    }

    /// Reserves a string of `len` bytes about to be built: false (and `exceeded` set) when it is
    /// longer than `string-bytes` or the byte budget is spent.
    fn reserve(&mut self, len: usize, at: &Raw) -> bool {
        if len > self.max_string {
            self.too_large("string-bytes", at);
            return false;
        }
        if !self.charge(1, len) {
            self.too_large("eval-bytes", at);
            return false;
        }
        true
    }

    /// Charges `values` values and `bytes` bytes to the budgets; false (nothing charged) when
    /// either would be exceeded: smaller values after a refused one are still evaluated.
    fn charge(&mut self, values: usize, bytes: usize) -> bool {
        if values > self.budget || bytes > self.bytes {
            return false;
        }
        self.budget -= values;
        self.bytes -= bytes;
        true
    }

    /// A string built after [`Evaluator::reserve`] accepted its length.
    fn built(&self, s: String, whole: &Raw) -> Spanned {
        Spanned::string(s, self.span(&whole.span))
    }

    /// Evaluates `r` found at `route`; `None` when it is `Ref: AWS::NoValue` (the key is removed).
    pub fn eval(&mut self, r: &Raw, route: &mut Route, hits: &mut Hits) -> Option<Spanned> {
        if self.depth >= MAX_EVAL_DEPTH {
            return Some(Spanned::unknown(
                "expression nested too deeply",
                self.span(&r.span),
            ));
        }
        self.depth += 1;
        let out = self.eval_inner(r, route, hits);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, r: &Raw, route: &mut Route, hits: &mut Hits) -> Option<Spanned> {
        if let Some((name, arg)) = r.intrinsic()
            && name != "Condition"
        {
            return self.intrinsic(name, arg, r, route, hits);
        }
        let span = self.span(&r.span);
        Some(match &r.v {
            RawVal::Null => Spanned::new(Val::Null, span),
            RawVal::Bool(b) => Spanned::new(Val::Bool(*b), span),
            RawVal::Num(n) => Spanned::new(Val::Number(*n), span),
            RawVal::Str(s) => Spanned::new(Val::String(s.clone()), span),
            RawVal::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    route.push(Seg::Index(out.len()));
                    let v = self.eval(item, route, hits);
                    route.pop();
                    if let Some(v) = v {
                        out.push(v);
                    }
                }
                Spanned::new(Val::Array(out), span)
            }
            RawVal::Map(entries) => {
                let mut out = IndexMap::with_capacity(entries.len());
                for (k, v) in entries {
                    route.push(Seg::Key(k.name.clone()));
                    let v = self.eval(v, route, hits);
                    route.pop();
                    match v {
                        Some(v) => {
                            out.insert(k.name.clone(), v);
                        }
                        None => {
                            out.shift_remove(&k.name);
                        }
                    }
                }
                Spanned::new(Val::Object(Box::new(out)), span)
            }
        })
    }

    /// Evaluates an argument only for the references inside it.
    fn touch(&mut self, r: &Raw, route: &mut Route, hits: &mut Hits) {
        let _ = self.eval(r, route, hits);
    }

    fn hit(&self, hits: &mut Hits, route: &Route, to: usize, attr: Option<String>, at: &Raw) {
        hits.push((
            route.clone(),
            Hit {
                to,
                attr,
                span: self.span(&at.span),
            },
        ));
    }

    fn intrinsic(
        &mut self,
        name: &str,
        arg: &Raw,
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Option<Spanned> {
        let items: &[Raw] = match &arg.v {
            RawVal::Seq(a) => a,
            _ => &[],
        };
        match name {
            "Ref" => self.eval_ref(arg, whole, route, hits),
            "Fn::GetAtt" => Some(self.eval_getatt(arg, whole, route, hits)),
            "Fn::Sub" => Some(self.eval_sub(arg, whole, route, hits)),
            "Fn::Join" => Some(self.eval_join(items, whole, route, hits)),
            "Fn::Select" => Some(self.eval_select(items, whole, route, hits)),
            "Fn::Split" => Some(self.eval_split(items, whole, route, hits)),
            "Fn::FindInMap" => Some(self.eval_find_in_map(items, whole, route, hits)),
            "Fn::If" => self.eval_if(items, whole, route, hits),
            "Fn::Base64" => {
                let v = self.eval(arg, route, hits);
                Some(match v.as_ref().and_then(|v| v.as_str()) {
                    Some(s) => {
                        if self.reserve(s.len().div_ceil(3).saturating_mul(4), whole) {
                            self.built(base64(s.as_bytes()), whole)
                        } else {
                            Spanned::unknown("value too large", self.span(&whole.span))
                        }
                    }
                    _ => self.unknown(whole),
                })
            }
            _ => {
                // Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::Transform, Fn::ToJsonString,
                // Fn::Length, and anything else: unknown, but the references inside count.
                self.touch(arg, route, hits);
                Some(self.unknown(whole))
            }
        }
    }

    /// The value of a parameter for `Ref` (its default), or `None` when it cannot be known.
    fn param_value(&mut self, name: &str, at: &Raw) -> Option<Spanned> {
        let decl = self.params.get(name)?.decl;
        let ty = decl.get("Type").and_then(Raw::as_str).unwrap_or("String");
        if ty.starts_with("AWS::SSM::Parameter::Value<") {
            // The default names an SSM parameter; its value is read at deploy time.
            return None;
        }
        let default = decl.get("Default")?;
        if ty == "CommaDelimitedList" || ty.starts_with("List<") {
            let s = match &default.v {
                RawVal::Str(s) => s.clone(),
                RawVal::Num(n) => num_text(*n),
                _ => return None,
            };
            let span = self.span(&default.span);
            if !self.charge(s.len() / 2 + 1, s.len()) {
                self.too_large("eval-bytes", at);
                return None;
            }
            let items = s
                .split(',')
                .map(|p| Spanned::string(p, span))
                .collect::<Vec<_>>();
            return Some(Spanned::new(Val::Array(items), span));
        }
        Some(self.copy(default, at))
    }

    fn eval_ref(
        &mut self,
        arg: &Raw,
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Option<Spanned> {
        let Some(name) = arg.as_str() else {
            self.touch(arg, route, hits);
            return Some(self.unknown(whole));
        };
        if name == "AWS::NoValue" {
            return None;
        }
        if let Some(p) = self.params.get(name) {
            let node = p.node;
            self.hit(hits, route, node, None, whole);
            return Some(match self.param_value(name, whole) {
                Some(mut v) => {
                    if !matches!(v.val, Val::Array(_) | Val::Object(_)) {
                        v.span = self.span(&whole.span);
                    }
                    v
                }
                None => self.unknown(whole),
            });
        }
        if let Some(&node) = self.resources.get(name) {
            self.hit(hits, route, node, None, whole);
        }
        Some(self.unknown(whole))
    }

    fn eval_getatt(
        &mut self,
        arg: &Raw,
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Spanned {
        let (res, attr) = match &arg.v {
            RawVal::Str(s) => match s.split_once('.') {
                Some((a, b)) => (Some(a.to_string()), Some(b.to_string())),
                None => (Some(s.clone()), None),
            },
            RawVal::Seq(items) => {
                let res = items.first().and_then(Raw::as_str).map(str::to_string);
                let attr = match items.get(1) {
                    Some(a) => match a.as_str() {
                        Some(s) => Some(s.to_string()),
                        None => {
                            self.touch(a, route, hits);
                            None
                        }
                    },
                    None => None,
                };
                (res, attr)
            }
            _ => {
                self.touch(arg, route, hits);
                (None, None)
            }
        };
        if let Some(&node) = res.as_deref().and_then(|r| self.resources.get(r)) {
            self.hit(hits, route, node, attr.clone(), whole);
        }
        match (res, attr) {
            (Some(owner), Some(name)) => {
                self.unknown_shaped(whole, Shape::Attribute { owner, name })
            }
            _ => self.unknown(whole),
        }
    }

    /// Byte offset in the file of the first character of string `r`, when its source maps 1:1.
    fn str_origin(&self, r: &Raw, s: &str) -> Option<usize> {
        let src = self.text.get(r.span.clone())?;
        if src == s {
            Some(r.span.start)
        } else if src.len() == s.len() + 2
            && (src.starts_with('"') || src.starts_with('\''))
            && src.get(1..src.len() - 1) == Some(s)
        {
            Some(r.span.start + 1)
        } else {
            None
        }
    }

    fn eval_sub(&mut self, arg: &Raw, whole: &Raw, route: &mut Route, hits: &mut Hits) -> Spanned {
        let (tmpl_raw, vars) = match &arg.v {
            RawVal::Str(_) => (arg, None),
            RawVal::Seq(items) if items.len() == 2 && items[0].as_str().is_some() => {
                (&items[0], Some(&items[1]))
            }
            _ => {
                self.touch(arg, route, hits);
                return self.unknown(whole);
            }
        };
        let tmpl = tmpl_raw.as_str().unwrap_or("");
        let origin = self.str_origin(tmpl_raw, tmpl);
        // Evaluate the variables once (their references count even when unused).
        let mut var_vals: HashMap<&str, Option<Spanned>> = HashMap::new();
        if let Some(vars) = vars {
            match vars.entries() {
                Some(entries) => {
                    for (k, v) in entries {
                        let val = self.eval(v, route, hits);
                        var_vals.insert(k.name.as_str(), val);
                    }
                }
                None => self.touch(vars, route, hits),
            }
        }
        let mut out = String::new();
        let mut known = true;
        // The literal text and holes, for the shape of an unknown result.
        let mut parts: Vec<Part> = Vec::new();
        let mut lit_start = 0usize;
        let mut rest = tmpl;
        let mut pos = 0usize; // byte offset of `rest` in `tmpl`
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                out.push_str("${");
                rest = lit;
                pos += i + 3;
                continue;
            }
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = after[..j].trim();
            let ph_start = pos + i;
            let ph_end = pos + i + 2 + j + 1;
            let at = Raw {
                v: RawVal::Null,
                span: match origin {
                    Some(o) => o + ph_start..o + ph_end,
                    None => tmpl_raw.span.clone(),
                },
            };
            let text = self.sub_var(name, &var_vals, &at, route, hits);
            let add = text.as_ref().map_or(name.len() + 3, String::len);
            if out.len().saturating_add(add) > self.max_string {
                return self.too_large("string-bytes", whole);
            }
            match text {
                Some(t) => out.push_str(&t),
                None => {
                    known = false;
                    parts.push(Part::Lit(out[lit_start..].to_string()));
                    parts.push(Part::Hole(match var_vals.get(name) {
                        Some(Some(v)) => shape_of(v),
                        Some(None) => Shape::Opaque,
                        None => match name.split_once('.') {
                            Some((owner, attr)) => Shape::Attribute {
                                owner: owner.to_string(),
                                name: attr.to_string(),
                            },
                            None => Shape::Opaque,
                        },
                    }));
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                    lit_start = out.len();
                }
            }
            rest = &after[j + 1..];
            pos = ph_end;
        }
        if out.len().saturating_add(rest.len()) > self.max_string {
            return self.too_large("string-bytes", whole);
        }
        out.push_str(rest);
        if known {
            if self.reserve(out.len(), whole) {
                self.built(out, whole)
            } else {
                Spanned::unknown("value too large", self.span(&whole.span))
            }
        } else {
            parts.push(Part::Lit(out[lit_start..].to_string()));
            Spanned::unknown_shaped(out, Shape::template(parts), self.span(&whole.span))
        }
    }

    /// The text a `${name}` placeholder stands for, or `None` when unknown (references recorded).
    fn sub_var(
        &mut self,
        name: &str,
        vars: &HashMap<&str, Option<Spanned>>,
        at: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Option<String> {
        if let Some(v) = vars.get(name) {
            return v.as_ref().and_then(scalar_text);
        }
        if let Some(p) = self.params.get(name) {
            let node = p.node;
            self.hit(hits, route, node, None, at);
            let v = self.param_value(name, at)?;
            return scalar_text(&v);
        }
        if let Some(&node) = self.resources.get(name) {
            self.hit(hits, route, node, None, at);
            return None;
        }
        if let Some((res, attr)) = name.split_once('.')
            && let Some(&node) = self.resources.get(res)
        {
            self.hit(hits, route, node, Some(attr.to_string()), at);
        }
        None
    }

    /// How an unknown item of `Fn::Join` is written in the joined text: `${X}`, `${A.B}`, or a
    /// nested template as it is.
    fn join_piece(&self, raw: &Raw, v: &Spanned) -> String {
        if let Some((name, arg)) = raw.intrinsic() {
            match (name, &arg.v) {
                ("Ref", RawVal::Str(s)) => return format!("${{{s}}}"),
                ("Fn::GetAtt", RawVal::Str(s)) => return format!("${{{s}}}"),
                ("Fn::GetAtt", RawVal::Seq(a)) => {
                    let parts: Vec<&str> = a.iter().filter_map(Raw::as_str).collect();
                    return format!("${{{}}}", parts.join("."));
                }
                _ => {}
            }
        }
        match &v.val {
            Val::Unknown(u) if u.expr.contains("${") && !u.expr.starts_with('{') => u.expr.clone(),
            Val::Unknown(u) => format!("${{{}}}", u.expr),
            _ => String::from("${?}"),
        }
    }

    fn eval_join(
        &mut self,
        items: &[Raw],
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Spanned {
        let [delim, list] = items else {
            for i in items {
                self.touch(i, route, hits);
            }
            return self.unknown(whole);
        };
        let d = self.eval(delim, route, hits);
        let d = d.as_ref().and_then(scalar_text);
        let lv = self.eval(list, route, hits);
        let Some(d) = d else {
            return self.unknown(whole);
        };
        match lv.as_ref().map(|v| &v.val) {
            Some(Val::Array(values)) => {
                // The length first (strings are measured, not copied), then one allocation.
                let lens: Option<Vec<usize>> = values.iter().map(scalar_len).collect();
                if let Some(lens) = lens {
                    let len = lens
                        .iter()
                        .fold(0usize, |a, l| a.saturating_add(*l).saturating_add(d.len()));
                    if !self.reserve(len, whole) {
                        return Spanned::unknown("value too large", self.span(&whole.span));
                    }
                    let mut joined = String::with_capacity(len);
                    for (i, v) in values.iter().enumerate() {
                        if i > 0 {
                            joined.push_str(&d);
                        }
                        push_scalar(&mut joined, v);
                    }
                    return self.built(joined, whole);
                }
                // A partly unknown join: keep its shape as a template when the list is written out.
                if let RawVal::Seq(raws) = &list.v
                    && raws.len() == values.len()
                {
                    let mut out = String::new();
                    let mut parts: Vec<Part> = Vec::new();
                    for (i, (r, v)) in raws.iter().zip(values).enumerate() {
                        let piece = match scalar_len(v) {
                            Some(l) => l,
                            None => self.join_piece(r, v).len(),
                        };
                        if out.len().saturating_add(piece).saturating_add(d.len()) > self.max_string
                        {
                            return self.too_large("string-bytes", whole);
                        }
                        if i > 0 {
                            out.push_str(&d);
                            parts.push(Part::Lit(d.clone()));
                        }
                        if scalar_len(v).is_some() {
                            let start = out.len();
                            push_scalar(&mut out, v);
                            parts.push(Part::Lit(out[start..].to_string()));
                        } else {
                            out.push_str(&self.join_piece(r, v));
                            parts.push(Part::Hole(shape_of(v)));
                        }
                    }
                    let shape = Shape::template(parts);
                    return Spanned::unknown_shaped(out, shape, self.span(&whole.span));
                }
                self.unknown(whole)
            }
            _ => self.unknown(whole),
        }
    }

    fn eval_select(
        &mut self,
        items: &[Raw],
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Spanned {
        let [index, list] = items else {
            for i in items {
                self.touch(i, route, hits);
            }
            return self.unknown(whole);
        };
        let i = self.eval(index, route, hits);
        let l = self.eval(list, route, hits);
        let idx = match i.as_ref().map(|v| &v.val) {
            Some(Val::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as usize),
            Some(Val::String(s)) => s.trim().parse::<usize>().ok(),
            _ => None,
        };
        match (idx, l.as_ref().and_then(|v| v.as_array())) {
            (Some(i), Some(a)) => a.get(i).cloned().unwrap_or_else(|| self.unknown(whole)),
            _ => self.unknown(whole),
        }
    }

    fn eval_split(
        &mut self,
        items: &[Raw],
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Spanned {
        let [delim, source] = items else {
            for i in items {
                self.touch(i, route, hits);
            }
            return self.unknown(whole);
        };
        let d = self.eval(delim, route, hits);
        let s = self.eval(source, route, hits);
        match (
            d.as_ref().and_then(|v| v.as_str()),
            s.as_ref().and_then(|v| v.as_str()),
        ) {
            (Some(d), Some(s)) if !d.is_empty() => {
                let span = self.span(&whole.span);
                let n = s.matches(d).count() + 1;
                let s = s.to_string();
                if n > self.budget {
                    return self.too_large("eval-values", whole);
                }
                if !self.charge(n, s.len()) {
                    return self.too_large("eval-bytes", whole);
                }
                let parts = s.split(d).map(|p| Spanned::string(p, span)).collect();
                Spanned::new(Val::Array(parts), span)
            }
            _ => self.unknown(whole),
        }
    }

    fn eval_find_in_map(
        &mut self,
        items: &[Raw],
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Spanned {
        let mut keys = Vec::new();
        for item in items.iter().take(3) {
            let v = self.eval(item, route, hits);
            keys.push(v.as_ref().and_then(scalar_text));
        }
        // `{DefaultValue: ...}` (AWS::LanguageExtensions) as the fourth argument.
        let default = items.get(3).and_then(|d| d.get("DefaultValue"));
        if let Some(d) = default {
            self.touch(d, route, hits);
        }
        if keys.len() != 3 || keys.iter().any(Option::is_none) {
            return self.unknown(whole);
        }
        let keys: Vec<String> = keys.into_iter().flatten().collect();
        let found = self
            .mappings
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]));
        match found {
            Some(v) => self.copy(v, whole),
            None => match default {
                Some(d) => self
                    .eval(d, route, hits)
                    .unwrap_or_else(|| self.unknown(whole)),
                None => self.unknown(whole),
            },
        }
    }

    fn eval_if(
        &mut self,
        items: &[Raw],
        whole: &Raw,
        route: &mut Route,
        hits: &mut Hits,
    ) -> Option<Spanned> {
        let [cond, a, b] = items else {
            for i in items {
                self.touch(i, route, hits);
            }
            return Some(self.unknown(whole));
        };
        let c = cond.as_str().and_then(|n| self.condition(n));
        // Both branches are evaluated: their references are edges whatever the condition.
        let va = self.eval(a, route, hits);
        let vb = self.eval(b, route, hits);
        match c {
            Some(true) => va,
            Some(false) => vb,
            None => Some(self.unknown(whole)),
        }
    }

    /// The value of a named condition, `None` when unknown (or cyclic, or missing).
    pub fn condition(&mut self, name: &str) -> Option<bool> {
        if let Some(v) = self.cond_cache.get(name) {
            return *v;
        }
        if self.cond_active.contains(name) || self.depth >= MAX_EVAL_DEPTH {
            return None;
        }
        let body = self.conditions.and_then(|c| c.get(name))?;
        self.cond_active.insert(name.to_string());
        self.depth += 1;
        let v = self.cond_expr(body);
        self.depth -= 1;
        self.cond_active.remove(name);
        self.cond_cache.insert(name.to_string(), v);
        v
    }

    fn cond_expr(&mut self, r: &Raw) -> Option<bool> {
        if self.depth >= MAX_EVAL_DEPTH {
            return None;
        }
        let (name, arg) = r.intrinsic()?;
        let items: &[Raw] = match &arg.v {
            RawVal::Seq(a) => a,
            _ => &[],
        };
        self.depth += 1;
        let out = match name {
            "Condition" => arg.as_str().and_then(|n| self.condition(n)),
            "Fn::Equals" => match items {
                [x, y] => {
                    let mut scratch = Vec::new();
                    let x = self.eval(x, &mut Vec::new(), &mut scratch);
                    let y = self.eval(y, &mut Vec::new(), &mut scratch);
                    match (x, y) {
                        (Some(x), Some(y)) => known_equal(&x, &y),
                        _ => None,
                    }
                }
                _ => None,
            },
            "Fn::Not" => match items {
                [x] => self.cond_expr(x).map(|b| !b),
                _ => None,
            },
            "Fn::And" | "Fn::Or" => {
                let is_and = name == "Fn::And";
                let mut unknown = false;
                let mut decided = None;
                for x in items {
                    match self.cond_expr(x) {
                        Some(b) if b != is_and => {
                            decided = Some(b);
                            break;
                        }
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                match decided {
                    Some(b) => Some(b),
                    None if unknown || items.is_empty() => None,
                    None => Some(is_and),
                }
            }
            _ => None,
        };
        self.depth -= 1;
        out
    }
}

/// Whether two evaluated values are equal, `None` when either contains an unknown.
fn known_equal(x: &Spanned, y: &Spanned) -> Option<bool> {
    fn has_unknown(v: &Spanned) -> bool {
        let mut found = false;
        v.walk(&mut |_, x| found |= x.is_unknown());
        found
    }
    if has_unknown(x) || has_unknown(y) {
        return None;
    }
    match (scalar_text(x), scalar_text(y)) {
        (Some(a), Some(b)) => Some(a == b),
        _ => Some(x.to_json() == y.to_json()),
    }
}

/// What is known of `v` when it is unknown ([`Shape::Opaque`] for anything else).
fn shape_of(v: &Spanned) -> Shape {
    match &v.val {
        Val::Unknown(u) => u.shape().clone(),
        _ => Shape::Opaque,
    }
}
