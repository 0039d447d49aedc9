//! `policy_allows: {document, principal, actions, resource, name}`: an IAM policy document
//! reachable from this node (an attribute, a referrer's attribute, or a built-in default)
//! allows every action for the principal.

use serde::Deserialize;

use super::{CompileCx, Condition, PathField, nonempty};
use crate::eval::outcome::{short, unknown_reason};
use crate::eval::{Ctx, Outcome, Subject, Tri, Witness, WitnessAt, is_type};
use crate::graph::route_starts_with;
use crate::policy::{self, Decision, PrincipalQuery, Request};
use crate::value::{Spanned, Val};

/// `policy_allows`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyAllows {
    /// Where the document comes from; the first source that exists is used.
    pub document: Vec<DocSource>,
    /// The principal asking (absent for identity policies/boundaries).
    #[serde(default)]
    pub principal: Option<PrincipalSpec>,
    /// Actions that must all be allowed.
    pub actions: Vec<String>,
    /// Resource asked for (default `*`).
    #[serde(default = "star")]
    pub resource: String,
    /// What to call the document in labels (`key policy`, `permissions boundary`).
    #[serde(default = "policy_name")]
    pub name: String,
}

fn policy_name() -> String {
    "policy".into()
}

fn star() -> String {
    "*".into()
}

/// A source of a policy document.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DocSource {
    /// An attribute of this node.
    Path(PathField),
    /// An attribute of a node that references this one.
    Referrer(ReferrerDoc),
    /// A built-in document.
    Builtin(BuiltinDoc),
}

/// Built-in policy documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum BuiltinDoc {
    /// `kms-default-key-policy`: the policy KMS gives a key created without one (only the
    /// account root).
    #[serde(rename = "kms-default-key-policy")]
    KmsDefaultKeyPolicy,
}

/// A policy document held by a referrer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferrerDoc {
    /// Referrer type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Where its reference to this node is written.
    pub via: PathField,
    /// Where its document is.
    pub path: PathField,
}

/// The principal of a `policy_allows` request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalSpec {
    /// A service name (`logs`): accepts `logs.amazonaws.com` and `logs.<region>.amazonaws.com`
    /// (the region of the module's `aws` provider, any region when unknown).
    pub service: String,
}

impl Condition for PolicyAllows {
    fn compile(&mut self, _: &CompileCx<'_>) -> Result<(), String> {
        if self.document.is_empty() {
            return Err("policy_allows.document: list at least one source".into());
        }
        for (i, d) in self.document.iter().enumerate() {
            let f = format!("policy_allows.document[{i}]");
            match d {
                DocSource::Path(x) => x.check(&f)?,
                DocSource::Referrer(r) => {
                    r.via.check(&format!("{f}.via"))?;
                    r.path.check(&format!("{f}.path"))?;
                }
                DocSource::Builtin(_) => {}
            }
        }
        nonempty(&self.actions, "policy_allows.actions")
    }

    fn eval(&self, cx: &Ctx<'_>, s: Subject, _: usize) -> Outcome {
        let Subject::Node(id) = s else {
            return Outcome::unknown();
        };
        let name = &self.name;
        let node = cx.graph.node(id);
        // Find the document: (value, where to point, description).
        let mut found: Option<(Spanned, WitnessAt, String)> = None;
        'sources: for src in &self.document {
            match src {
                DocSource::Referrer(r) => {
                    let (Some(via), Some(path)) = (r.via.get(), r.path.get()) else {
                        continue;
                    };
                    for e in cx.graph.incoming(id) {
                        let from = cx.graph.node(e.from);
                        if !is_type(from, &r.type_name) {
                            continue;
                        }
                        let via_ok = via
                            .query(&from.attrs)
                            .iter()
                            .any(|m| route_starts_with(&e.route, &m.route));
                        if !via_ok {
                            continue;
                        }
                        if let Some(m) = path.query(&from.attrs).into_iter().next() {
                            let at = m
                                .value
                                .span
                                .map(WitnessAt::Span)
                                .unwrap_or(WitnessAt::Route(
                                    Subject::Node(e.from),
                                    m.route.clone(),
                                ));
                            found = Some((m.value.clone(), at, name.to_string()));
                            break 'sources;
                        }
                    }
                }
                DocSource::Path(p) => {
                    let Some(p) = p.get() else { continue };
                    if let Some(m) = p.query(&node.attrs).into_iter().next() {
                        if m.partial {
                            return Outcome::unknown_because(unknown_reason(&m));
                        }
                        let at = m
                            .value
                            .span
                            .map(WitnessAt::Span)
                            .unwrap_or(WitnessAt::Route(s, m.route.clone()));
                        found = Some((m.value.clone(), at, name.to_string()));
                        break 'sources;
                    }
                }
                DocSource::Builtin(BuiltinDoc::KmsDefaultKeyPolicy) => {
                    found = Some((
                        policy::default_key_policy(),
                        WitnessAt::Route(s, Vec::new()),
                        format!(
                            "the default {name} (none is set; it lets only the account root use the key)"
                        ),
                    ));
                    break 'sources;
                }
            }
        }
        let Some((value, at, what)) = found else {
            return Outcome::unknown_because(format!("no {name} found"));
        };
        let Some(doc) = policy::normalize(&value) else {
            return Outcome::unknown_because(format!(
                "the {name} is not known statically{}",
                match &value.val {
                    Val::Unknown(u) => format!(" (`{}`)", short(&u.expr)),
                    _ => String::new(),
                }
            ));
        };
        let statements = doc
            .get("Statement")
            .and_then(|s| s.as_array())
            .unwrap_or(&[]);
        let principal = self.principal.as_ref().map(|p| {
            let svc = &p.service;
            let mut pats = vec![format!("{svc}.amazonaws.com")];
            match cx.region_of(id) {
                Some(r) => pats.push(format!("{svc}.{r}.amazonaws.com")),
                None => pats.push(format!("{svc}.*.amazonaws.com")),
            }
            PrincipalQuery::Service(pats)
        });
        let mut missing = Vec::new();
        let mut unknown = false;
        for a in &self.actions {
            let req = Request {
                action: a,
                resource: &self.resource,
                principal: principal.as_ref(),
            };
            match policy::evaluate(statements, &req).decision {
                Decision::Allow => {}
                Decision::Unknown => unknown = true,
                Decision::ImplicitDeny | Decision::ExplicitDeny => missing.push(a.as_str()),
            }
        }
        let who = match &principal {
            Some(PrincipalQuery::Service(p)) => {
                format!("`{}`", p.last().cloned().unwrap_or_default())
            }
            _ => String::new(),
        };
        let who = if who.is_empty() {
            who
        } else {
            format!("{who} ")
        };
        if !missing.is_empty() {
            return Outcome::new(
                Tri::False,
                vec![Witness {
                    at,
                    message: format!("{what} does not allow {who}{}", missing.join(", ")),
                    value_test: false,
                }],
            );
        }
        if unknown {
            return Outcome::unknown_because(format!(
                "whether the {name} allows {} depends on values iaclint cannot know",
                self.actions.join(", ")
            ));
        }
        Outcome::new(
            Tri::True,
            vec![Witness {
                at,
                message: format!("{what} allows {who}{}", self.actions.join(", ")),
                value_test: false,
            }],
        )
    }
}
