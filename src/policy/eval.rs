//! The policy evaluator: one request against the statements of one normalized document. See the
//! module docs of [`crate::policy`] for the semantics.

use crate::value::{Shape, Spanned, Val};

use super::glob::{action_matches, wildcard_matches};

/// The principal a request is made by, for trust, key and resource policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalQuery {
    /// A service principal; the acceptable service principal patterns with `*` wildcards, e.g.
    /// `["logs.amazonaws.com", "logs.*.amazonaws.com"]`.
    Service(Vec<String>),
    /// An AWS principal: an account id or an IAM ARN.
    Aws(String),
}

/// One question to a policy: may `principal` perform `action` on `resource`?
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The action, e.g. `kms:GenerateDataKey`.
    pub action: &'a str,
    /// The resource ARN (or `*`).
    pub resource: &'a str,
    /// The principal for principal-bearing policies; `None` for identity and boundary policies,
    /// where `Principal` is ignored.
    pub principal: Option<&'a PrincipalQuery>,
}

/// The answer of [`evaluate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some applicable statement allows, none explicitly denies.
    Allow,
    /// No applicable statement allows.
    ImplicitDeny,
    /// An applicable unconditional `Deny` statement.
    ExplicitDeny,
    /// Unknown values decide the answer.
    Unknown,
}

/// A decision with the statements that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// Indices (into the statements evaluated) of the statements that decided: every allowing
    /// statement for [`Decision::Allow`], the first denying one for [`Decision::ExplicitDeny`], the
    /// statements whose unknown values could change the answer for [`Decision::Unknown`], none for
    /// [`Decision::ImplicitDeny`].
    pub statements: Vec<usize>,
}

/// Three-valued truth for "does this part of the statement apply".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Maybe,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        }
    }

    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Maybe, _) | (_, Tri::Maybe) => Tri::Maybe,
            _ => Tri::Yes,
        }
    }
}

/// `Yes` when some item matches, else `Maybe` when some item is unknown, else `No`.
fn any_item(list: &Spanned, matches: &dyn Fn(&str) -> bool) -> Tri {
    any_item_with(list, matches, &|_| Tri::Maybe)
}

/// [`any_item`], with `unknown` deciding what an unknown item (given what is known of it) may be.
fn any_item_with(
    list: &Spanned,
    matches: &dyn Fn(&str) -> bool,
    unknown: &dyn Fn(&Shape) -> Tri,
) -> Tri {
    let items: &[Spanned] = match &list.val {
        Val::Array(items) => items,
        _ => std::slice::from_ref(list),
    };
    let mut maybe = false;
    for item in items {
        match &item.val {
            Val::String(s) if matches(s) => return Tri::Yes,
            Val::Unknown(u) => match unknown(u.shape()) {
                Tri::Yes => return Tri::Yes,
                Tri::Maybe => maybe = true,
                Tri::No => {}
            },
            _ => {}
        }
    }
    if maybe { Tri::Maybe } else { Tri::No }
}

/// Applicability of a `Positive`/`NotPositive` pair (Action/NotAction, Resource/NotResource);
/// `missing` when neither is written.
fn positive_or_not(
    stmt: &Spanned,
    key: &str,
    not_key: &str,
    missing: Tri,
    m: &dyn Fn(&str) -> bool,
) -> Tri {
    if let Some(list) = stmt.get(key) {
        any_item(list, m)
    } else if let Some(list) = stmt.get(not_key) {
        any_item(list, m).not()
    } else {
        missing
    }
}

/// A bare 12-digit account id stands for the account's root principal.
fn aws_principal_arn(p: &str) -> String {
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        format!("arn:aws:iam::{p}:root")
    } else {
        p.to_string()
    }
}

fn principal_matches(principal: &Spanned, query: &PrincipalQuery) -> Tri {
    match &principal.val {
        Val::String(s) if s == "*" => Tri::Yes,
        Val::Unknown(_) => Tri::Maybe,
        Val::Object(m) => {
            let mut result = Tri::No;
            for (kind, values) in m.iter() {
                // An unknown value under a principal kind the query cannot be (an `AWS` ARN
                // template when asking about a service) can only ever be that kind: no match.
                let kind_matches_query = matches!(
                    (kind.as_str(), query),
                    ("AWS", PrincipalQuery::Aws(_)) | ("Service", PrincipalQuery::Service(_))
                );
                if !kind_matches_query {
                    if any_item(values, &|v| v == "*") == Tri::Yes {
                        return Tri::Yes;
                    }
                    continue;
                }
                let t = match kind.as_str() {
                    "AWS" => any_item(values, &|v| {
                        v == "*"
                            || matches!(query, PrincipalQuery::Aws(q)
                                if wildcard_matches(&aws_principal_arn(v), &aws_principal_arn(q)))
                    }),
                    "Service" => any_item_with(
                        values,
                        &|v| {
                            v == "*"
                                || matches!(query, PrincipalQuery::Service(patterns)
                                    if patterns.iter().any(|p| wildcard_matches(p, v) || wildcard_matches(v, p)))
                        },
                        // `logs.${AWS::Region}.amazonaws.com` is a logs principal in any region.
                        &|shape| match (shape.glob(), query) {
                            (Some(glob), PrincipalQuery::Service(patterns))
                                if patterns.iter().any(|p| super::pattern_covered_by(&glob, p)) =>
                            {
                                Tri::Yes
                            }
                            _ => Tri::Maybe,
                        },
                    ),
                    // Federated and CanonicalUser principals never match the queries we can ask,
                    // but an unknown value among them is still unknown.
                    _ => any_item(values, &|_| false),
                };
                match t {
                    Tri::Yes => return Tri::Yes,
                    Tri::Maybe => result = Tri::Maybe,
                    Tri::No => {}
                }
            }
            result
        }
        _ => Tri::No,
    }
}

/// Does the statement apply to the request (ignoring Effect and Condition)?
fn applies(stmt: &Spanned, req: &Request) -> Tri {
    let action = positive_or_not(stmt, "Action", "NotAction", Tri::No, &|p| {
        action_matches(p, req.action)
    });
    let resource = positive_or_not(stmt, "Resource", "NotResource", Tri::Yes, &|p| {
        wildcard_matches(p, req.resource)
    });
    let principal = match req.principal {
        None => Tri::Yes,
        Some(q) => {
            if let Some(p) = stmt.get("Principal") {
                principal_matches(p, q)
            } else if let Some(p) = stmt.get("NotPrincipal") {
                principal_matches(p, q).not()
            } else {
                Tri::No
            }
        }
    };
    action.and(resource).and(principal)
}

/// A statement's effect as far as it is known.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
    Unknown,
}

/// True when the statement has a non-empty (or unknown) `Condition`.
fn has_condition(stmt: &Spanned) -> bool {
    match stmt.get("Condition").map(|c| &c.val) {
        None | Some(Val::Null) => false,
        Some(Val::Object(m)) => !m.is_empty(),
        Some(_) => true,
    }
}

/// Evaluates one request against one document's statements (normalized, as returned by
/// [`super::PolicyDocument::statements`]).
pub fn evaluate(statements: &[Spanned], req: &Request) -> Evaluation {
    let mut allows = Vec::new();
    let mut deny = None;
    // Statements whose unknowns could make them allow, or deny.
    let mut maybe_allow = Vec::new();
    let mut maybe_deny = Vec::new();
    for (i, stmt) in statements.iter().enumerate() {
        let effect = match &stmt.val {
            Val::Unknown(_) => {
                maybe_allow.push(i);
                maybe_deny.push(i);
                continue;
            }
            Val::Object(_) => match stmt.get("Effect").map(|e| &e.val) {
                Some(Val::String(s)) if s == "Allow" => Effect::Allow,
                Some(Val::String(s)) if s == "Deny" => Effect::Deny,
                Some(Val::Unknown(_)) => Effect::Unknown,
                _ => continue,
            },
            _ => continue,
        };
        let applies = applies(stmt, req);
        if applies == Tri::No {
            continue;
        }
        // Conservative conditions: an Allow with a condition still allows; a Deny with a
        // condition never denies.
        let conditional = has_condition(stmt);
        let can_deny = !conditional;
        match (effect, applies) {
            (Effect::Allow, Tri::Yes) => allows.push(i),
            (Effect::Deny, Tri::Yes) if can_deny => {
                deny.get_or_insert(i);
            }
            (Effect::Allow, _) => maybe_allow.push(i),
            (Effect::Deny, _) if can_deny => maybe_deny.push(i),
            (Effect::Unknown, _) => {
                maybe_allow.push(i);
                if can_deny {
                    maybe_deny.push(i);
                }
            }
            _ => {}
        }
    }
    if let Some(i) = deny {
        return Evaluation {
            decision: Decision::ExplicitDeny,
            statements: vec![i],
        };
    }
    // Unknown exactly when some resolution of the unknowns gives another decision.
    let mut undecided: Vec<usize> = if allows.is_empty() {
        maybe_allow.iter().chain(&maybe_deny).copied().collect()
    } else {
        maybe_deny
    };
    if !undecided.is_empty() {
        undecided.sort_unstable();
        undecided.dedup();
        return Evaluation {
            decision: Decision::Unknown,
            statements: undecided,
        };
    }
    if allows.is_empty() {
        Evaluation {
            decision: Decision::ImplicitDeny,
            statements: Vec::new(),
        }
    } else {
        Evaluation {
            decision: Decision::Allow,
            statements: allows,
        }
    }
}
