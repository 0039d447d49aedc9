//! Three-valued answers and how they combine, plus the message helpers the value tests share.

use crate::path::{JsonPath, Match};
use crate::source::Span;
use crate::value::{Route, Seg, Spanned, Val, route_to_string};

use super::{Ctx, Subject};

/// Three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// Definitely true.
    True,
    /// Definitely false.
    False,
    /// Cannot be known statically.
    Unknown,
}

impl std::ops::Not for Tri {
    type Output = Tri;
    /// Negation (unknown stays unknown).
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A location that explains an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Witness {
    /// Where.
    pub at: WitnessAt,
    /// What to say there.
    pub message: String,
    /// True for witnesses of plain value tests (`equals`, `exists`, ...). In a `forbid` check
    /// they only choose the primary label: "`Effect` is Allow" as a label is noise.
    pub value_test: bool,
}

/// Where a witness points.
#[derive(Clone, Debug, PartialEq)]
pub enum WitnessAt {
    /// A route in a subject.
    Route(Subject, Route),
    /// A raw span (a policy document inlined from elsewhere); shown as its first line.
    Span(Span),
    /// Exactly these bytes (the part of a string a regex matched) of the value at a route.
    Exact(Subject, Route, Span),
}

/// The result of a condition.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The answer.
    pub truth: Tri,
    /// Why.
    pub witnesses: Vec<Witness>,
    /// For an unknown answer: what could not be known (shown by `--verbose`).
    pub reason: Option<String>,
}

impl Outcome {
    /// An answer with its witnesses.
    pub fn new(truth: Tri, witnesses: Vec<Witness>) -> Self {
        Outcome {
            truth,
            witnesses,
            reason: None,
        }
    }
    /// Unknown, without a reason.
    pub fn unknown() -> Self {
        Outcome::new(Tri::Unknown, Vec::new())
    }
    /// Unknown, saying what could not be known.
    pub fn unknown_because(reason: impl Into<String>) -> Self {
        Outcome {
            truth: Tri::Unknown,
            witnesses: Vec::new(),
            reason: Some(reason.into()),
        }
    }
}

/// `all`: false if any is false (with the false witnesses), else unknown if any is unknown,
/// else true with every witness.
pub fn combine_all(outs: Vec<Outcome>) -> Outcome {
    if outs.iter().any(|o| o.truth == Tri::False) {
        let w = outs
            .into_iter()
            .filter(|o| o.truth == Tri::False)
            .flat_map(|o| o.witnesses)
            .collect();
        Outcome::new(Tri::False, w)
    } else if outs.iter().any(|o| o.truth == Tri::Unknown) {
        first_unknown(outs)
    } else {
        Outcome::new(
            Tri::True,
            outs.into_iter().flat_map(|o| o.witnesses).collect(),
        )
    }
}

fn first_unknown(outs: Vec<Outcome>) -> Outcome {
    let reason = outs
        .into_iter()
        .filter(|o| o.truth == Tri::Unknown)
        .find_map(|o| o.reason);
    Outcome {
        truth: Tri::Unknown,
        witnesses: Vec::new(),
        reason,
    }
}

/// `any`: true if any is true (with the true witnesses), else unknown if any is unknown, else
/// false with every witness.
pub fn combine_any(outs: Vec<Outcome>) -> Outcome {
    if outs.iter().any(|o| o.truth == Tri::True) {
        let w = outs
            .into_iter()
            .filter(|o| o.truth == Tri::True)
            .flat_map(|o| o.witnesses)
            .collect();
        Outcome::new(Tri::True, w)
    } else if outs.iter().any(|o| o.truth == Tri::Unknown) {
        first_unknown(outs)
    } else {
        Outcome::new(
            Tri::False,
            outs.into_iter().flat_map(|o| o.witnesses).collect(),
        )
    }
}

/// How many of the matched values must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Quantifier {
    /// At least one (default).
    #[default]
    Any,
    /// Every matched value (and at least one).
    All,
}

/// Applies a value test to every match of `p`; `f` returns None for "cannot tell". `expected`
/// describes what passes, for messages.
pub fn value_test(
    cx: &Ctx<'_>,
    p: &JsonPath,
    s: Subject,
    q: Quantifier,
    f: &dyn Fn(&Spanned) -> Option<(bool, String)>,
    expected: &str,
) -> Outcome {
    let root = cx.root(s);
    let matches = p.query(root);
    if matches.is_empty() {
        let route = p.deepest_existing(root);
        return Outcome::new(
            Tri::False,
            vec![Witness {
                message: missing_message(p, &route, expected),
                at: WitnessAt::Route(s, route),
                value_test: true,
            }],
        );
    }
    let mut trues = Vec::new();
    let mut falses = Vec::new();
    let mut unknown: Option<String> = None;
    for m in &matches {
        if m.partial {
            unknown.get_or_insert_with(|| unknown_reason(m));
            continue;
        }
        match f(m.value) {
            None => {
                unknown.get_or_insert_with(|| unknown_reason(m));
            }
            Some((ok, shown)) => {
                let key = last_key(&m.route);
                let w = Witness {
                    at: WitnessAt::Route(s, m.route.clone()),
                    message: if ok {
                        format!("`{key}` is {shown}")
                    } else {
                        format!("`{key}` is {shown}, expected {expected}")
                    },
                    value_test: true,
                };
                if ok { trues.push(w) } else { falses.push(w) }
            }
        }
    }
    match q {
        Quantifier::Any => {
            if !trues.is_empty() {
                Outcome::new(Tri::True, trues)
            } else if let Some(r) = unknown {
                Outcome::unknown_because(r)
            } else {
                Outcome::new(Tri::False, falses)
            }
        }
        Quantifier::All => {
            if !falses.is_empty() {
                Outcome::new(Tri::False, falses)
            } else if let Some(r) = unknown {
                Outcome::unknown_because(r)
            } else {
                Outcome::new(Tri::True, trues)
            }
        }
    }
}

/// "`kms_key_id` is `var.key_arn`, which cannot be known statically".
pub fn unknown_reason(m: &Match<'_>) -> String {
    let key = last_key(&m.route);
    match &m.value.val {
        Val::Unknown(u) => format!(
            "`{key}` is `{}`, which iaclint cannot know statically",
            short(&u.expr)
        ),
        _ => format!("`{key}` cannot be read statically"),
    }
}

/// An expression shortened for messages.
pub fn short(expr: &str) -> String {
    let one_line: String = expr.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(59).collect::<String>())
    } else {
        one_line
    }
}

/// A value as messages show it (`"x"`, `3`, `a list`).
pub fn describe(v: &Spanned) -> String {
    match &v.val {
        Val::String(s) => format!("\"{s}\""),
        Val::Bool(b) => b.to_string(),
        Val::Number(n) => n.to_string(),
        Val::Null => "null".into(),
        Val::Array(_) => "a list".into(),
        Val::Object(_) => "a block".into(),
        Val::Unknown(u) => format!("`{}`", u.expr),
    }
}

/// The last key of a route (the attribute a message names).
pub fn last_key(route: &[Seg]) -> String {
    route
        .iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        })
        .unwrap_or_else(|| route_to_string(route))
}

/// "`deployment_circuit_breaker` is not set": names the first missing step of the path.
pub fn missing_message(p: &JsonPath, existing: &[Seg], expected: &str) -> String {
    let prefix = p.static_prefix();
    let keys_existing = existing.iter().filter(|s| matches!(s, Seg::Key(_))).count();
    let missing = prefix
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .nth(keys_existing);
    let is_last = prefix.iter().filter(|s| matches!(s, Seg::Key(_))).count() == keys_existing + 1;
    match missing {
        Some(k) if is_last && !expected.is_empty() => {
            format!("`{k}` is not set (expected {expected})")
        }
        Some(k) => format!("`{k}` is not set"),
        None => format!("`{}` is not set", display_path(p)),
    }
}

/// A path as messages show it (`kms_key_id`, not `$.kms_key_id`).
pub fn display_path(p: &JsonPath) -> String {
    p.as_str()
        .trim_start_matches("$.")
        .replace("[*]", "")
        .to_string()
}
