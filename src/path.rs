//! iaclint's JSONPath dialect over [`Spanned`] trees, which knows about unknown values.
//!
//! Its syntax is a small part of RFC 9535's: `$`, `.name`, `['name']`/`["name"]`, `[n]`, `[*]`,
//! `.*`, and `..name` (descendants). Its meaning differs from RFC 9535 where rules over
//! infrastructure need it to, so it is a dialect, not a subset:
//!
//! - `.name` on an array reads `name` of every object in it (RFC 9535: nothing), so
//!   `$.block.attr` reads every Terraform nested block as `$.block[*].attr` would;
//! - `null` is absent: a path never matches a `null` value;
//! - a step into a value iaclint cannot know yields a match marked `partial` (below) instead
//!   of nothing;
//! - no filters (`?...`), slices, unions, negative indices or functions: rules compose
//!   `all`/`any`/`not` and `some` instead.
//!
//! Why not `jsonpath-rust` or `serde_json_path`: both evaluate over plain JSON, where a path that
//! runs into a value iaclint cannot know (a `dynamic` block, `var.x` without a default) simply
//! matches nothing — which a rule would read as "absent" and fire on. Here such a step yields a
//! [`Match`] marked `partial`, so the rule engine can answer *unknown* instead of guessing.

use std::fmt;

use crate::value::{Route, Seg, Spanned, Val};

/// A compiled path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
    steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Name(String),
    Index(usize),
    Wildcard,
    Descendant(String),
}

/// A path that failed to compile, with the byte offset of the problem in the path text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSONPath `{path}` at character {at}: {reason}")]
pub struct PathError {
    /// The path text.
    pub path: String,
    /// Offset of the problem.
    pub at: usize,
    /// What is wrong.
    pub reason: String,
}

/// One value a path reached.
#[derive(Clone, Debug)]
pub struct Match<'a> {
    /// Where the value is, relative to the root the path ran on.
    pub route: Route,
    /// The value.
    pub value: &'a Spanned,
    /// True when the walk stopped early at an unknown value: the path may or may not exist.
    pub partial: bool,
}

impl JsonPath {
    /// Compiles `text`.
    pub fn parse(text: &str) -> Result<JsonPath, PathError> {
        let err = |at: usize, reason: &str| PathError {
            path: text.to_string(),
            at,
            reason: reason.to_string(),
        };
        let b = text.as_bytes();
        if b.first() != Some(&b'$') {
            return Err(err(0, "a path starts with `$`"));
        }
        let mut i = 1;
        let mut steps = Vec::new();
        let is_name = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b':';
        while i < b.len() {
            match b[i] {
                b'.' if b.get(i + 1) == Some(&b'.') => {
                    let start = i + 2;
                    let mut j = start;
                    while j < b.len() && is_name(b[j]) {
                        j += 1;
                    }
                    if j == start {
                        return Err(err(start, "expected a member name after `..`"));
                    }
                    steps.push(Step::Descendant(text[start..j].to_string()));
                    i = j;
                }
                b'.' => {
                    let start = i + 1;
                    if b.get(start) == Some(&b'*') {
                        steps.push(Step::Wildcard);
                        i = start + 1;
                        continue;
                    }
                    let mut j = start;
                    while j < b.len() && is_name(b[j]) {
                        j += 1;
                    }
                    if j == start {
                        return Err(err(start, "expected a member name or `*` after `.`"));
                    }
                    steps.push(Step::Name(text[start..j].to_string()));
                    i = j;
                }
                b'[' => {
                    let close = text[i..]
                        .find(']')
                        .map(|k| i + k)
                        .ok_or_else(|| err(i, "unclosed `[`"))?;
                    let inner = text[i + 1..close].trim();
                    if inner == "*" {
                        steps.push(Step::Wildcard);
                    } else if let Ok(n) = inner.parse::<usize>() {
                        steps.push(Step::Index(n));
                    } else if inner.len() >= 2
                        && ((inner.starts_with('\'') && inner.ends_with('\''))
                            || (inner.starts_with('"') && inner.ends_with('"')))
                    {
                        steps.push(Step::Name(inner[1..inner.len() - 1].to_string()));
                    } else {
                        return Err(err(
                            i + 1,
                            "expected `*`, an index or a quoted name inside `[...]` (filters are not supported; use all/any/not)",
                        ));
                    }
                    i = close + 1;
                }
                _ => return Err(err(i, "expected `.` or `[`")),
            }
        }
        Ok(JsonPath {
            text: text.to_string(),
            steps,
        })
    }

    /// This path run from the value at `route` instead of the root: `$.a` under `$.x[0]` is
    /// `$.x[0].a`.
    pub fn under(&self, route: &[Seg]) -> JsonPath {
        let mut steps: Vec<Step> = route
            .iter()
            .map(|s| match s {
                Seg::Key(k) => Step::Name(k.clone()),
                Seg::Index(i) => Step::Index(*i),
            })
            .collect();
        steps.extend(self.steps.iter().cloned());
        JsonPath {
            text: format!(
                "{}{}",
                crate::value::route_to_string(route),
                self.text.strip_prefix('$').unwrap_or(&self.text)
            ),
            steps,
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The route of the longest prefix of plain member/index steps (where a missing value would be).
    pub fn static_prefix(&self) -> Route {
        let mut r = Vec::new();
        for s in &self.steps {
            match s {
                Step::Name(n) => r.push(Seg::Key(n.clone())),
                Step::Index(i) => r.push(Seg::Index(*i)),
                _ => break,
            }
        }
        r
    }

    /// Every value the path reaches from `root`, in document order. `null` values count as absent.
    pub fn query<'a>(&self, root: &'a Spanned) -> Vec<Match<'a>> {
        let mut out = Vec::new();
        self.visit(root, &mut |route, value, partial| {
            out.push(Match {
                route: route.to_vec(),
                value,
                partial,
            })
        });
        out
    }

    /// Calls `f(route, value, partial)` for every value the path reaches, in document order, as
    /// [`query`](Self::query) would list them, without copying a route per match (a path over a
    /// 600k-element array costs no 600k routes).
    pub fn visit<'a>(&self, root: &'a Spanned, f: &mut dyn FnMut(&[Seg], &'a Spanned, bool)) {
        let mut route = Vec::new();
        walk(&self.steps, root, &mut route, f);
    }

    /// The deepest route along the path's static prefix that exists in `root` (for locating
    /// "missing attribute" findings).
    pub fn deepest_existing(&self, root: &Spanned) -> Route {
        let mut cur = root;
        let mut route = Vec::new();
        for seg in self.static_prefix() {
            let next = match (&seg, &cur.val) {
                (Seg::Key(k), Val::Object(m)) => m.get(k),
                (Seg::Index(i), Val::Array(a)) => a.get(*i),
                // `[*]` over blocks: descend into the first item to get closer.
                _ => None,
            };
            match next {
                Some(n) => {
                    route.push(seg);
                    cur = n;
                }
                None => break,
            }
        }
        route
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn walk<'a>(
    steps: &[Step],
    v: &'a Spanned,
    route: &mut Route,
    out: &mut dyn FnMut(&[Seg], &'a Spanned, bool),
) {
    if matches!(v.val, Val::Null) {
        return;
    }
    let Some((step, rest)) = steps.split_first() else {
        out(route, v, false);
        return;
    };
    if let Val::Unknown(_) = v.val {
        out(route, v, true);
        return;
    }
    match step {
        Step::Name(n) => {
            if let Val::Object(m) = &v.val {
                if let Some(x) = m.get(n) {
                    route.push(Seg::Key(n.clone()));
                    walk(rest, x, route, out);
                    route.pop();
                }
            } else if let Val::Array(a) = &v.val {
                // Terraform nested blocks are arrays of objects; `$.block.attr` reads every block,
                // as `$.block[*].attr` would. This keeps rule paths short and format-neutral.
                for (i, x) in a.iter().enumerate() {
                    if matches!(x.val, Val::Object(_) | Val::Unknown(_)) {
                        route.push(Seg::Index(i));
                        walk(steps, x, route, out);
                        route.pop();
                    }
                }
            }
        }
        Step::Index(i) => {
            if let Val::Array(a) = &v.val
                && let Some(x) = a.get(*i)
            {
                route.push(Seg::Index(*i));
                walk(rest, x, route, out);
                route.pop();
            }
        }
        Step::Wildcard => match &v.val {
            Val::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    route.push(Seg::Index(i));
                    walk(rest, x, route, out);
                    route.pop();
                }
            }
            Val::Object(m) => {
                for (k, x) in m.iter() {
                    route.push(Seg::Key(k.clone()));
                    walk(rest, x, route, out);
                    route.pop();
                }
            }
            _ => {}
        },
        Step::Descendant(n) => {
            descend(n, rest, v, route, out);
        }
    }
}

fn descend<'a>(
    name: &str,
    rest: &[Step],
    v: &'a Spanned,
    route: &mut Route,
    out: &mut dyn FnMut(&[Seg], &'a Spanned, bool),
) {
    match &v.val {
        Val::Object(m) => {
            for (k, x) in m.iter() {
                route.push(Seg::Key(k.clone()));
                if k == name {
                    walk(rest, x, route, out);
                }
                descend(name, rest, x, route, out);
                route.pop();
            }
        }
        Val::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                route.push(Seg::Index(i));
                descend(name, rest, x, route, out);
                route.pop();
            }
        }
        Val::Unknown(_) => out(route, v, true),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree(v: serde_json::Value) -> Spanned {
        Spanned::from_json(&v)
    }

    #[test]
    fn parses_and_rejects() {
        assert!(JsonPath::parse("$.a.b[0][*]['c d'].*").is_ok());
        assert!(JsonPath::parse("$..Action").is_ok());
        assert!(JsonPath::parse("a.b").is_err());
        assert!(JsonPath::parse("$.a[?(@.x)]").is_err());
        assert!(JsonPath::parse("$.a[").is_err());
        assert!(JsonPath::parse("$.").is_err());
    }

    #[test]
    fn blocks_are_read_through_arrays() {
        let t = tree(json!({"deployment_circuit_breaker": [{"enable": true, "rollback": false}]}));
        let p = JsonPath::parse("$.deployment_circuit_breaker.rollback").unwrap();
        let m = p.query(&t);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].route,
            vec![
                Seg::Key("deployment_circuit_breaker".into()),
                Seg::Index(0),
                Seg::Key("rollback".into())
            ]
        );
        let p2 = JsonPath::parse("$.deployment_circuit_breaker[*].rollback").unwrap();
        assert_eq!(p2.query(&t).len(), 1);
    }

    #[test]
    fn unknown_steps_are_partial_and_null_is_absent() {
        let mut t = tree(json!({"a": null, "b": 1}));
        if let Val::Object(m) = &mut t.val {
            m.insert("dyn".into(), Spanned::unknown("dynamic block", None));
        }
        assert!(JsonPath::parse("$.a").unwrap().query(&t).is_empty());
        let m = JsonPath::parse("$.dyn.rollback").unwrap().query(&t);
        assert_eq!(m.len(), 1);
        assert!(m[0].partial);
        let m = JsonPath::parse("$.dyn").unwrap().query(&t);
        assert!(!m[0].partial);
    }

    #[test]
    fn descendants_and_wildcards() {
        let t = tree(json!({"Statement": [{"Action": ["a", "b"]}, {"Action": "c"}]}));
        assert_eq!(JsonPath::parse("$..Action").unwrap().query(&t).len(), 2);
        assert_eq!(
            JsonPath::parse("$.Statement[*].Action[*]")
                .unwrap()
                .query(&t)
                .len(),
            2
        );
        assert_eq!(
            JsonPath::parse("$.Statement[1].Action").unwrap().query(&t)[0]
                .value
                .as_str(),
            Some("c")
        );
    }
}
