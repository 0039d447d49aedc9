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
    /// Witnesses left out of `witnesses` (see [`Collector`]): only counted.
    pub omitted: Omitted,
    /// For an unknown answer: what could not be known (shown by `--verbose`).
    pub reason: Option<String>,
}

/// How many witnesses an answer left out, each at a location of its own (distinct from each
/// other and from the kept witnesses of the same condition). A finding counts them in its "and
/// N more locations" label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Omitted {
    /// Witnesses that would have been related labels.
    pub plain: usize,
    /// Witnesses of value tests (labels only outside `forbid` checks).
    pub value_tests: usize,
}

impl std::ops::AddAssign for Omitted {
    fn add_assign(&mut self, o: Omitted) {
        self.plain = self.plain.saturating_add(o.plain);
        self.value_tests = self.value_tests.saturating_add(o.value_tests);
    }
}

/// Collects the witnesses of one answer, keeping in full only those at the first
/// [`Ctx::keep_witnesses`] distinct locations (a finding shows at most `related-labels` of them);
/// later witnesses at new locations are only counted, and repeats of a kept location dropped.
/// A statement with 600k actions thus costs a hundred witnesses and a list of spans, not 600k
/// routes and messages.
pub struct Collector {
    keep: usize,
    kept: Vec<Witness>,
    kept_spans: Vec<Span>,
    omitted_plain: Vec<Span>,
    omitted_value_tests: Vec<Span>,
}

impl Collector {
    /// An empty collector with the run's bound.
    pub fn new(cx: &Ctx<'_>) -> Self {
        Collector::keeping(cx.keep_witnesses)
    }

    /// An empty collector keeping `keep` distinct locations in full.
    pub fn keeping(keep: usize) -> Self {
        Collector {
            keep: keep.max(1),
            kept: Vec::new(),
            kept_spans: Vec::new(),
            omitted_plain: Vec::new(),
            omitted_value_tests: Vec::new(),
        }
    }

    /// Whether a witness at `span` is kept: call before building it, and build it only then.
    /// A `false` answer has already counted it.
    pub fn wants(&mut self, span: Span, value_test: bool) -> bool {
        if self.kept_spans.contains(&span) {
            // A repeat: labels show one per location; keep a few for the primary label's choice.
            return self.kept.len() < 2 * self.keep;
        }
        if self.kept_spans.len() < self.keep {
            self.kept_spans.push(span);
            return true;
        }
        if value_test {
            self.omitted_value_tests.push(span);
        } else {
            self.omitted_plain.push(span);
        }
        false
    }

    /// Adds a witness [`wants`](Self::wants) accepted.
    pub fn push(&mut self, w: Witness) {
        self.kept.push(w);
    }

    /// Whether nothing was collected (kept or counted).
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.omitted_plain.is_empty() && self.omitted_value_tests.is_empty()
    }

    /// The answer `truth` with the collected witnesses.
    pub fn finish(self, truth: Tri) -> Outcome {
        let distinct = |mut v: Vec<Span>| {
            v.sort_unstable_by_key(|s| (s.file, s.start, s.end));
            v.dedup();
            v.len()
        };
        Outcome {
            truth,
            witnesses: self.kept,
            omitted: Omitted {
                plain: distinct(self.omitted_plain),
                value_tests: distinct(self.omitted_value_tests),
            },
            reason: None,
        }
    }
}

impl Outcome {
    /// An answer with its witnesses.
    pub fn new(truth: Tri, witnesses: Vec<Witness>) -> Self {
        Outcome {
            truth,
            witnesses,
            omitted: Omitted::default(),
            reason: None,
        }
    }
    /// Unknown, without a reason.
    pub fn unknown() -> Self {
        Outcome::new(Tri::Unknown, Vec::new())
    }
    /// Unknown because the `reference-depth` limit stopped the chase of references (cycles,
    /// deep chains): an undecided check whose reason names the limit.
    pub fn depth_reached(max_depth: usize) -> Self {
        Outcome::unknown_because(format!(
            "references were followed {max_depth} hops deep without an answer {}",
            crate::limits::hint("reference-depth")
        ))
    }
    /// Unknown, saying what could not be known.
    pub fn unknown_because(reason: impl Into<String>) -> Self {
        Outcome {
            truth: Tri::Unknown,
            witnesses: Vec::new(),
            omitted: Omitted::default(),
            reason: Some(reason.into()),
        }
    }
}

/// `all`: false if any is false (with the false witnesses), else unknown if any is unknown,
/// else true with every witness.
pub fn combine_all(outs: Vec<Outcome>) -> Outcome {
    if outs.iter().any(|o| o.truth == Tri::False) {
        merge(Tri::False, outs)
    } else if outs.iter().any(|o| o.truth == Tri::Unknown) {
        first_unknown(outs)
    } else {
        merge(Tri::True, outs)
    }
}

/// `truth` with the witnesses (and omitted counts) of the outcomes that answered `truth`.
fn merge(truth: Tri, outs: Vec<Outcome>) -> Outcome {
    let mut omitted = Omitted::default();
    let mut witnesses = Vec::new();
    for o in outs.into_iter().filter(|o| o.truth == truth) {
        omitted += o.omitted;
        witnesses.extend(o.witnesses);
    }
    Outcome {
        truth,
        witnesses,
        omitted,
        reason: None,
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
        omitted: Omitted::default(),
        reason,
    }
}

/// `any`: true if any is true (with the true witnesses), else unknown if any is unknown, else
/// false with every witness.
pub fn combine_any(outs: Vec<Outcome>) -> Outcome {
    if outs.iter().any(|o| o.truth == Tri::True) {
        merge(Tri::True, outs)
    } else if outs.iter().any(|o| o.truth == Tri::Unknown) {
        first_unknown(outs)
    } else {
        merge(Tri::False, outs)
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
    let mut any_match = false;
    let mut trues = Collector::new(cx);
    let mut falses = Collector::new(cx);
    let mut unknown: Option<String> = None;
    p.visit(root, &mut |route, value, partial| {
        any_match = true;
        let verdict = if partial { None } else { f(value) };
        let Some((ok, shown)) = verdict else {
            unknown.get_or_insert_with(|| {
                unknown_reason(&Match {
                    route: route.to_vec(),
                    value,
                    partial,
                })
            });
            return;
        };
        let sink = if ok { &mut trues } else { &mut falses };
        if !sink.wants(cx.span_of_route(s, route), true) {
            return;
        }
        let key = last_key(route);
        sink.push(Witness {
            at: WitnessAt::Route(s, route.to_vec()),
            message: if ok {
                format!("`{key}` is {shown}")
            } else {
                format!("`{key}` is {shown}, expected {expected}")
            },
            value_test: true,
        });
    });
    if !any_match {
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
    match q {
        Quantifier::Any => {
            if !trues.is_empty() {
                trues.finish(Tri::True)
            } else if let Some(r) = unknown {
                Outcome::unknown_because(r)
            } else {
                falses.finish(Tri::False)
            }
        }
        Quantifier::All => {
            if !falses.is_empty() {
                falses.finish(Tri::False)
            } else if let Some(r) = unknown {
                Outcome::unknown_because(r)
            } else {
                trues.finish(Tri::True)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn collector_keeps_a_bounded_number_of_witnesses_and_counts_distinct_others() {
        let mut c = Collector::keeping(3);
        let span = |i: usize| Span {
            file: FileId(0),
            start: i,
            end: i + 1,
        };
        let mut built = 0;
        // 100k witnesses at 1000 locations, each location seen 100 times.
        for _ in 0..100 {
            for i in 0..1000 {
                if c.wants(span(i), false) {
                    built += 1;
                    c.push(Witness {
                        at: WitnessAt::Span(span(i)),
                        message: format!("{i}"),
                        value_test: false,
                    });
                }
            }
        }
        assert!(built <= 6, "{built}");
        let out = c.finish(Tri::True);
        assert_eq!(out.witnesses[0].message, "0");
        // The 997 locations not kept, each counted once.
        assert_eq!(out.omitted.plain, 997);
        assert_eq!(out.omitted.value_tests, 0);
    }
}
