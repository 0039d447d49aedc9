//! The attribute model shared by every format: a JSON-shaped tree in which every value keeps the
//! span it came from, and in which what cannot be known statically is an explicit [`Val::Unknown`].
//!
//! The obvious design is a `serde_json::Value` plus a pointer→span side table. We keep the spans
//! inline instead: a subtree copied from one place to another (a `data "aws_iam_policy_document"` inlined
//! into the `policy` attribute that references it, a `local` used in a resource) carries its spans
//! with it, and the unknown marker is a real variant rather than a sentinel object that a careless
//! comparison could treat as a value. [`Spanned::to_json`] gives the plain JSON view when needed.

use indexmap::IndexMap;

use crate::source::Span;

/// A value and the source span it was written at (if it was written anywhere).
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    /// The value.
    pub val: Val,
    /// Where it was written. `None` for values synthesised by the tool (defaults).
    pub span: Option<Span>,
}

/// A JSON-shaped value, or an explicit unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// Any number.
    Number(f64),
    /// A fully known string.
    String(String),
    /// A list, tuple or set (HCL), or a sequence of nested blocks of one type.
    Array(Vec<Spanned>),
    /// An object, map or block body, in source order.
    Object(Box<IndexMap<String, Spanned>>),
    /// A value that cannot be known without running the tool that owns it.
    Unknown(Unknown),
}

/// Why a value is unknown; kept for `--verbose` explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The source text of the expression (or a short reason), e.g. `aws_kms_key.logs.arn`.
    pub expr: String,
}

impl Spanned {
    /// A value with a span.
    pub fn new(val: Val, span: Option<Span>) -> Self {
        Spanned { val, span }
    }

    /// A value with no span.
    pub fn bare(val: Val) -> Self {
        Spanned { val, span: None }
    }

    /// An unknown value.
    pub fn unknown(expr: impl Into<String>, span: Option<Span>) -> Self {
        Spanned {
            val: Val::Unknown(Unknown { expr: expr.into() }),
            span,
        }
    }

    /// A known string.
    pub fn string(s: impl Into<String>, span: Option<Span>) -> Self {
        Spanned {
            val: Val::String(s.into()),
            span,
        }
    }

    /// True for [`Val::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self.val, Val::Unknown(_))
    }

    /// The string if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.val {
            Val::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean if this is a known boolean (HCL strings "true"/"false" count too).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.val {
            Val::Bool(b) => Some(*b),
            Val::String(s) if s == "true" => Some(true),
            Val::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The object entries if this is an object.
    pub fn as_object(&self) -> Option<&IndexMap<String, Spanned>> {
        match &self.val {
            Val::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items if this is an array.
    pub fn as_array(&self) -> Option<&[Spanned]> {
        match &self.val {
            Val::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        self.as_object().and_then(|m| m.get(key))
    }

    /// The value at `route`, or `None` if some step is missing.
    pub fn at(&self, route: &[Seg]) -> Option<&Spanned> {
        let mut cur = self;
        for seg in route {
            cur = match (seg, &cur.val) {
                (Seg::Key(k), Val::Object(m)) => m.get(k)?,
                (Seg::Index(i), Val::Array(a)) => a.get(*i)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The most specific span along `route`: the span of the value there, or of the deepest
    /// ancestor that has one.
    pub fn span_at(&self, route: &[Seg]) -> Option<Span> {
        let mut best = self.span;
        let mut cur = self;
        for seg in route {
            let next = match (seg, &cur.val) {
                (Seg::Key(k), Val::Object(m)) => m.get(k),
                (Seg::Index(i), Val::Array(a)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(n) => {
                    if n.span.is_some() {
                        best = n.span;
                    }
                    cur = n;
                }
                None => break,
            }
        }
        best
    }

    /// The plain JSON view; unknowns become `{"$unknown": expr}`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.val {
            Val::Null => J::Null,
            Val::Bool(b) => J::Bool(*b),
            Val::Number(n) => number_to_json(*n),
            Val::String(s) => J::String(s.clone()),
            Val::Array(a) => J::Array(a.iter().map(Spanned::to_json).collect()),
            Val::Object(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Val::Unknown(u) => {
                let mut m = serde_json::Map::new();
                m.insert("$unknown".into(), J::String(u.expr.clone()));
                J::Object(m)
            }
        }
    }

    /// Builds a spanless tree from plain JSON.
    pub fn from_json(v: &serde_json::Value) -> Spanned {
        use serde_json::Value as J;
        let val = match v {
            J::Null => Val::Null,
            J::Bool(b) => Val::Bool(*b),
            J::Number(n) => Val::Number(n.as_f64().unwrap_or(0.0)),
            J::String(s) => Val::String(s.clone()),
            J::Array(a) => Val::Array(a.iter().map(Spanned::from_json).collect()),
            J::Object(m) => Val::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), Spanned::from_json(v)))
                    .collect::<IndexMap<_, _>>()
                    .into(),
            ),
        };
        Spanned::bare(val)
    }

    /// Calls `f` on every value in the tree with its route, depth first, parents before children.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&[Seg], &'a Spanned)) {
        fn go<'a>(v: &'a Spanned, route: &mut Vec<Seg>, f: &mut dyn FnMut(&[Seg], &'a Spanned)) {
            f(route, v);
            match &v.val {
                Val::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        route.push(Seg::Index(i));
                        go(x, route, f);
                        route.pop();
                    }
                }
                Val::Object(m) => {
                    for (k, x) in m.iter() {
                        route.push(Seg::Key(k.clone()));
                        go(x, route, f);
                        route.pop();
                    }
                }
                _ => {}
            }
        }
        go(self, &mut Vec::new(), f)
    }
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// One step of a [`Route`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// An object member.
    Key(String),
    /// An array item.
    Index(usize),
}

/// A location inside a node's attributes, e.g. `$.deployment_circuit_breaker[0].rollback`.
pub type Route = Vec<Seg>;

/// Formats a route as a normalized JSONPath (`$.a[0]['b c']`).
pub fn route_to_string(route: &[Seg]) -> String {
    let mut s = String::from("$");
    for seg in route {
        match seg {
            Seg::Key(k)
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                s.push('.');
                s.push_str(k);
            }
            Seg::Key(k) => {
                s.push_str("['");
                s.push_str(&k.replace('\\', "\\\\").replace('\'', "\\'"));
                s.push_str("']");
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

/// `jsonc-parser` options that accept only standard JSON (RFC 8259): no comments, trailing
/// commas or other leniencies, as CloudFormation and `jsondecode` read it.
pub fn strict_json_options() -> jsonc_parser::ParseOptions {
    jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_at_falls_back_to_the_nearest_ancestor() {
        let f = crate::source::FileId(0);
        let inner = Spanned::new(Val::Bool(false), Some(Span::new(f, 10..15)));
        let mut m = IndexMap::new();
        m.insert("rollback".to_string(), inner);
        let obj = Spanned::new(Val::Object(Box::new(m)), Some(Span::new(f, 0..20)));
        let k = |s: &str| Seg::Key(s.to_string());
        assert_eq!(obj.span_at(&[k("rollback")]).map(|s| s.start), Some(10));
        assert_eq!(obj.span_at(&[k("enable")]).map(|s| s.start), Some(0));
        assert_eq!(
            route_to_string(&[k("a"), Seg::Index(0), k("b c")]),
            "$.a[0]['b c']"
        );
    }
}

#[cfg(test)]
mod size_probe {
    #[test]
    fn a_value_stays_small() {
        // The graph holds one of these per attribute value; keep it compact.
        assert!(
            std::mem::size_of::<super::Spanned>() <= 64,
            "{}",
            std::mem::size_of::<super::Spanned>()
        );
    }
}
