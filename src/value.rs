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

/// Why a value is unknown, and what is still known about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The source text of the expression (or a short reason), e.g. `aws_kms_key.logs.arn`; kept
    /// for `--verbose` explanations, never parsed.
    pub expr: String,
    /// What the front end that read the expression knows of its value; `None` is
    /// [`Shape::Opaque`] (kept boxed so a value stays small).
    shape: Option<Box<Shape>>,
}

impl Unknown {
    /// An unknown with nothing known about its value.
    pub fn opaque(expr: impl Into<String>) -> Self {
        Unknown {
            expr: expr.into(),
            shape: None,
        }
    }

    /// An unknown of a known shape.
    pub fn with_shape(expr: impl Into<String>, shape: Shape) -> Self {
        Unknown {
            expr: expr.into(),
            shape: match shape {
                Shape::Opaque => None,
                s => Some(Box::new(s)),
            },
        }
    }

    /// What is known of the value.
    pub fn shape(&self) -> &Shape {
        self.shape.as_deref().unwrap_or(&Shape::Opaque)
    }
}

/// What is known of an unknown value, filled by the front end that parsed it (never recovered
/// from expression text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Nothing: a variable, a pseudo-parameter, a function result, a conditional.
    Opaque,
    /// An attribute of a resource, data source or module of the configuration
    /// (`aws_s3_bucket.data.arn`, `!GetAtt Role.Arn`).
    Attribute {
        /// The address (`aws_s3_bucket.data`, `data.aws_caller_identity.current`,
        /// `module.net`) or CloudFormation logical id.
        owner: String,
        /// The attribute (`arn`, `Arn`, `Endpoint.Address`).
        name: String,
    },
    /// A string of literal text and unknown holes (`"${aws_s3_bucket.data.arn}/*"`): at least one
    /// hole, no two literals in a row.
    Template(Vec<Part>),
    /// An account's root principal, `arn:<partition>:iam::<account>:root`, whose partition or
    /// account is unknown; the parts as written.
    AccountRoot(Vec<Part>),
}

/// One part of a [`Shape::Template`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// An unknown piece (an interpolation, a template directive), with what is known of it.
    Hole(Shape),
}

impl Shape {
    /// The shape of a string built from `parts`: adjacent literals merged, nested templates
    /// flattened, a lone hole is that hole's own shape, and an account root is recognised.
    pub fn template(parts: Vec<Part>) -> Shape {
        let mut out: Vec<Part> = Vec::with_capacity(parts.len());
        fn push(out: &mut Vec<Part>, p: Part) {
            match p {
                Part::Lit(s) if s.is_empty() => {}
                Part::Lit(s) => match out.last_mut() {
                    Some(Part::Lit(prev)) => prev.push_str(&s),
                    _ => out.push(Part::Lit(s)),
                },
                Part::Hole(Shape::Template(inner) | Shape::AccountRoot(inner)) => {
                    for q in inner {
                        push(out, q);
                    }
                }
                h @ Part::Hole(_) => out.push(h),
            }
        }
        for p in parts {
            push(&mut out, p);
        }
        match out.as_slice() {
            [] => Shape::Opaque,
            [Part::Hole(_)] => match out.pop() {
                Some(Part::Hole(s)) => s,
                _ => Shape::Opaque,
            },
            _ if !out.iter().any(|p| matches!(p, Part::Hole(_))) => Shape::Opaque,
            _ if is_account_root(&out) => Shape::AccountRoot(out),
            _ => Shape::Template(out),
        }
    }

    /// False when no value of this shape can be the string `s` (a template's literal parts are
    /// not all in it, or an ARN attribute does not start with `arn:`); true when it may be.
    pub fn may_be(&self, s: &str) -> bool {
        match self {
            Shape::Opaque => true,
            Shape::Attribute { .. } => !self.is_arn() || s.starts_with("arn:"),
            Shape::Template(parts) | Shape::AccountRoot(parts) => glob_matches(parts, s),
        }
    }

    /// True for an ARN attribute of a resource, data source or module (`arn`, `role_arn`, `Arn`,
    /// `TopicArn`).
    pub fn is_arn(&self) -> bool {
        matches!(self, Shape::Attribute { name, .. }
            if name == "arn" || name.ends_with("_arn") || name.ends_with("Arn"))
    }

    /// True for the ARN of a resource the configuration manages (`aws_iam_role.app.arn`,
    /// `!GetAtt AppRole.Arn`): a principal that is never `*` and never an account root.
    pub fn is_resource_arn(&self) -> bool {
        match self {
            Shape::Attribute { owner, name } => {
                !owner.starts_with("data.")
                    && !owner.starts_with("module.")
                    && (name == "arn" || name == "Arn" || name.ends_with("Arn"))
            }
            _ => false,
        }
    }

    /// True for [`Shape::AccountRoot`].
    pub fn is_account_root(&self) -> bool {
        matches!(self, Shape::AccountRoot(_))
    }

    /// The glob every value matches, holes as `*` (`logs.${AWS::Region}.amazonaws.com` →
    /// `logs.*.amazonaws.com`); `None` unless this is a template.
    pub fn glob(&self) -> Option<String> {
        match self {
            Shape::Template(parts) | Shape::AccountRoot(parts) => Some(
                parts
                    .iter()
                    .map(|p| match p {
                        Part::Lit(s) => s.as_str(),
                        Part::Hole(_) => "*",
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// Does `s` match the parts, each hole standing for any text?
fn glob_matches(parts: &[Part], s: &str) -> bool {
    let lits: Vec<&str> = parts
        .iter()
        .map(|p| match p {
            Part::Lit(l) => l.as_str(),
            Part::Hole(_) => "",
        })
        .collect();
    let first_is_lit = matches!(parts.first(), Some(Part::Lit(_)));
    let last_is_lit = matches!(parts.last(), Some(Part::Lit(_)));
    if parts.len() == 1 && first_is_lit {
        return s == lits[0];
    }
    let prefix = if first_is_lit { lits[0] } else { "" };
    let suffix = if last_is_lit && parts.len() > 1 {
        lits[lits.len() - 1]
    } else {
        ""
    };
    if s.len() < prefix.len() + suffix.len() || !s.starts_with(prefix) || !s.ends_with(suffix) {
        return false;
    }
    let mut rest = &s[prefix.len()..s.len() - suffix.len()];
    let inner = &lits[usize::from(first_is_lit)..lits.len() - usize::from(last_is_lit)];
    for lit in inner.iter().filter(|l| !l.is_empty()) {
        match rest.find(lit) {
            Some(i) => rest = &rest[i + lit.len()..],
            None => return false,
        }
    }
    true
}

/// Is the string made of `parts` an account root ARN, `arn:<aws…>:iam::<12 digits>:root`, with
/// holes allowed for the whole partition and the whole account id?
pub fn is_account_root(parts: &[Part]) -> bool {
    // One field per `:`-separated piece; a field is a literal, or exactly one hole.
    enum Field<'a> {
        Lit(&'a str),
        Hole,
        Mixed,
    }
    let mut fields: Vec<Field<'_>> = vec![Field::Lit("")];
    for p in parts {
        match p {
            Part::Lit(s) => {
                for (i, piece) in s.split(':').enumerate() {
                    if i > 0 {
                        fields.push(Field::Lit(""));
                    }
                    if let Some(last) = fields.last_mut() {
                        *last = match last {
                            Field::Lit("") => Field::Lit(piece),
                            _ if piece.is_empty() => continue,
                            _ => Field::Mixed,
                        };
                    }
                }
            }
            Part::Hole(_) => {
                if let Some(last) = fields.last_mut() {
                    *last = match last {
                        Field::Lit("") => Field::Hole,
                        _ => Field::Mixed,
                    };
                }
            }
        }
    }
    matches!(
        fields.as_slice(),
        [Field::Lit("arn"), partition, Field::Lit("iam"), Field::Lit(""), account, Field::Lit("root")]
            if match partition {
                Field::Lit(p) => p.starts_with("aws"),
                Field::Hole => true,
                Field::Mixed => false,
            } && match account {
                Field::Lit(a) => a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()),
                Field::Hole => true,
                Field::Mixed => false,
            }
    )
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
            val: Val::Unknown(Unknown::opaque(expr)),
            span,
        }
    }

    /// An unknown value of a known shape.
    pub fn unknown_shaped(expr: impl Into<String>, shape: Shape, span: Option<Span>) -> Self {
        Spanned {
            val: Val::Unknown(Unknown::with_shape(expr, shape)),
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
mod shape_tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Lit(s.to_string())
    }

    fn hole() -> Part {
        Part::Hole(Shape::Opaque)
    }

    #[test]
    fn templates_are_normalised() {
        // Adjacent literals merge, empty ones go, nested templates flatten.
        let inner = Shape::Template(vec![lit("b"), hole()]);
        assert_eq!(
            Shape::template(vec![
                lit("a"),
                lit(""),
                Part::Hole(inner),
                lit("c"),
                lit("d")
            ]),
            Shape::Template(vec![lit("ab"), hole(), lit("cd")])
        );
        // A lone hole is that hole's shape.
        let attr = Shape::Attribute {
            owner: "aws_s3_bucket.b".into(),
            name: "arn".into(),
        };
        assert_eq!(
            Shape::template(vec![lit(""), Part::Hole(attr.clone()), lit("")]),
            attr
        );
        assert_eq!(Shape::template(vec![lit("only text")]), Shape::Opaque);
    }

    #[test]
    fn templates_match_as_globs() {
        let t = Shape::template(vec![lit("arn:"), hole(), lit("/"), hole(), lit("/*")]);
        assert!(t.may_be("arn:aws:s3:::b/k/*"));
        assert!(t.may_be("arn://*"));
        assert!(!t.may_be("*"));
        assert!(!t.may_be("arn:/*"), "prefix and suffix may not overlap");
        assert_eq!(t.glob().as_deref(), Some("arn:*/*/*"));
        let open = Shape::template(vec![hole(), lit("*")]);
        assert!(open.may_be("*"));
        assert!(Shape::template(vec![hole(), hole()]).may_be("*"));
        assert!(Shape::Opaque.may_be("*"));
    }

    #[test]
    fn attributes_know_arns() {
        let a = |owner: &str, name: &str| Shape::Attribute {
            owner: owner.into(),
            name: name.into(),
        };
        assert!(!a("aws_s3_bucket.b", "arn").may_be("*"));
        assert!(a("aws_s3_bucket.b", "arn").may_be("arn:aws:s3:::b"));
        assert!(a("aws_s3_bucket.b", "bucket").may_be("*"));
        assert!(a("aws_iam_role.r", "arn").is_resource_arn());
        assert!(a("Role", "Arn").is_resource_arn());
        assert!(!a("data.aws_iam_role.r", "arn").is_resource_arn());
        assert!(!a("module.m", "role_arn").is_resource_arn());
        assert!(a("module.m", "role_arn").is_arn());
    }

    #[test]
    fn account_roots_are_recognised_from_parts() {
        let root = |parts: Vec<Part>| Shape::template(parts).is_account_root();
        assert!(root(vec![
            lit("arn:"),
            hole(),
            lit(":iam::"),
            hole(),
            lit(":root")
        ]));
        assert!(root(vec![lit("arn:aws-cn:iam::"), hole(), lit(":root")]));
        assert!(!root(vec![lit("arn:aws:iam::111122223333:root"), hole()]));
        assert!(!root(vec![lit("arn:aws:iam::"), hole(), lit(":role/x")]));
        assert!(!root(vec![lit("arn:aws:iam::"), hole(), lit("1:root")]));
        assert!(!root(vec![lit("arn:aws:s3::"), hole(), lit(":root")]));
        assert!(is_account_root(&[lit("arn:aws:iam::111122223333:root")]));
        assert!(!is_account_root(&[lit("arn:aws:iam::11112222333:root")]));
        // Still a template: it is never `*`.
        let r = Shape::template(vec![lit("arn:aws:iam::"), hole(), lit(":root")]);
        assert!(!r.may_be("*"));
        assert!(r.may_be("arn:aws:iam::111122223333:root"));
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
