//! The condition types of the rule language, one module each.
//!
//! Each module holds one condition's spec (the fields a rule file writes, deserialized straight
//! into the module's struct), its compile step (check paths and regexes, resolve named lists)
//! and its evaluation. There is one enum, [`Cond`], generated from the registration list at the
//! bottom of this file; every operation goes through the [`Condition`] trait, so dispatch is
//! written once (in [`Cond::inner`]) instead of one `match` per operation. A trait object
//! rather than an enum-per-operation keeps a new condition to its module, one line in
//! `conditions!` below, and its section in `rules/README.md`.
//!
//! Compiling happens in place: paths and regexes are parsed when the rule file is read and kept
//! with their error ([`PathField`], [`RegexField`]); `compile` reports the first error under
//! the field's name (`all[0].equals.path: ...`), so a rule with a bad path never loads.

mod absent;
mod account_root_principal;
mod actions_outside;
mod all;
mod any;
mod compare;
mod condition_key;
mod equals;
mod exists;
mod follow;
mod matches;
mod not;
mod one_of;
mod policy_allows;
#[cfg(test)]
mod probe;
mod referrers;
mod some;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer};

use super::{Ctx, Outcome, Subject};
use crate::path::JsonPath;
use crate::value::Seg;

pub use compare::CmpOp;
pub use follow::{Follow, Hop};
pub use policy_allows::{BuiltinDoc, DocSource};
pub use referrers::Referrers;

/// What compiling a condition may look up in its rule file.
pub struct CompileCx<'a> {
    /// The rule's named lists (`lists:`).
    pub lists: &'a BTreeMap<String, Vec<String>>,
}

/// One condition type: its compile step and its evaluation.
pub trait Condition: fmt::Debug + Send + Sync {
    /// Checks the spec and prepares it for evaluation; errors name the field
    /// (`equals.path: ...`), relative to this condition.
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String>;
    /// True, false or unknown for subject `s`; `depth` counts nested reference hops.
    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome;
    /// True when the condition only tests values under paths (no references, no policies), so
    /// it can be evaluated under any root: what `some.where` allows.
    fn is_value_condition(&self) -> bool {
        false
    }
    /// Moves every path under `route` (only value conditions have paths to move).
    fn rebase(&mut self, _route: &[Seg]) {}
    /// The conditions nested in this one.
    fn children(&self) -> Vec<&Cond> {
        Vec::new()
    }
}

/// A JSONPath field of a condition, parsed when read; a parse error is kept for `compile` to
/// report under the field's name.
#[derive(Debug, Clone)]
pub enum PathField {
    /// A valid path.
    Ok(JsonPath),
    /// The path text and why it does not parse.
    Invalid(String),
}

impl PathField {
    /// `Err("{field}: why")` for an invalid path.
    pub fn check(&self, field: &str) -> Result<(), String> {
        match self {
            PathField::Ok(_) => Ok(()),
            PathField::Invalid(e) => Err(format!("{field}: {e}")),
        }
    }

    /// The path; `None` only for a path `compile` rejected.
    pub fn get(&self) -> Option<&JsonPath> {
        match self {
            PathField::Ok(p) => Some(p),
            PathField::Invalid(_) => None,
        }
    }

    fn rebase(&mut self, route: &[Seg]) {
        if let PathField::Ok(p) = self {
            *p = p.under(route);
        }
    }
}

impl<'de> Deserialize<'de> for PathField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match JsonPath::parse(&text) {
            Ok(p) => PathField::Ok(p),
            Err(e) => PathField::Invalid(e.to_string()),
        })
    }
}

/// A regular-expression field, compiled when read (see [`PathField`]).
#[derive(Debug, Clone)]
pub enum RegexField {
    /// A valid regex.
    Ok(regex::Regex),
    /// Why it does not compile.
    Invalid(String),
}

impl RegexField {
    /// `Err("{field}: why")` for an invalid regex.
    pub fn check(&self, field: &str) -> Result<(), String> {
        match self {
            RegexField::Ok(_) => Ok(()),
            RegexField::Invalid(e) => Err(format!("{field}: {e}")),
        }
    }
}

impl<'de> Deserialize<'de> for RegexField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match regex::Regex::new(&text) {
            Ok(r) => RegexField::Ok(r),
            Err(e) => RegexField::Invalid(e.to_string()),
        })
    }
}

/// `Err("{field}: must not be empty")` for an empty list.
fn nonempty(v: &[String], field: &str) -> Result<(), String> {
    if v.is_empty() {
        Err(format!("{field}: must not be empty"))
    } else {
        Ok(())
    }
}

/// Compiles a nested condition, prefixing its errors with `field.`.
fn compile_nested(c: &mut Cond, cx: &CompileCx<'_>, field: &str) -> Result<(), String> {
    c.compile(cx).map_err(|m| format!("{field}.{m}"))
}

macro_rules! conditions {
    ($($(#[$doc:meta])* $variant:ident($ty:ty),)*) => {
        /// A condition. Every condition evaluates to true, false or unknown, with the locations
        /// that explain the answer. The YAML key is the variant name in snake_case.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        pub enum Cond {
            $($(#[$doc])* $variant($ty),)*
        }

        impl Cond {
            /// The single dispatch point.
            fn inner(&self) -> &dyn Condition {
                match self {
                    $(Cond::$variant(c) => c,)*
                }
            }

            fn inner_mut(&mut self) -> &mut dyn Condition {
                match self {
                    $(Cond::$variant(c) => c,)*
                }
            }
        }
    };
}

// The registration list: one line per condition type.
conditions! {
    /// All must hold.
    All(all::All),
    /// At least one must hold.
    Any(any::Any),
    /// Negation.
    Not(not::Not),
    /// The path reaches a (non-null) value.
    Exists(exists::Exists),
    /// The path reaches nothing.
    Absent(absent::Absent),
    /// A value at the path equals `value`.
    Equals(equals::Equals),
    /// A value at the path is one of `values`.
    OneOf(one_of::OneOf),
    /// A string at the path matches `regex` (Rust syntax).
    Matches(matches::Matches),
    /// A number at the path compares to `value` with `op` (`<`, `<=`, `>`, `>=`, `==`, `!=`).
    Compare(compare::Compare),
    /// Follow references from the path to nodes of the given types.
    Follow(Box<follow::Follow>),
    /// Nodes of the given types reference this one.
    Referrers(Box<referrers::Referrers>),
    /// Some value reached by `path` satisfies `where`, evaluated with that value as the root.
    Some(Box<some::Some>),
    /// An IAM policy document reachable from this node allows the request.
    PolicyAllows(Box<policy_allows::PolicyAllows>),
    /// (statements) Some known action in `path` is not covered by any pattern in the list.
    ActionsOutside(actions_outside::ActionsOutside),
    /// (statements) `Principal` is only AWS account roots (`arn:aws:iam::123456789012:root`).
    AccountRootPrincipal(account_root_principal::AccountRootPrincipal),
    /// (statements) `Condition` uses a key matching one of these patterns (`*` wildcards).
    ConditionKey(condition_key::ConditionKey),
}

impl<C: Condition + ?Sized> Condition for Box<C> {
    fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        (**self).compile(cx)
    }
    fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        (**self).eval(cx, s, depth)
    }
    fn is_value_condition(&self) -> bool {
        (**self).is_value_condition()
    }
    fn rebase(&mut self, route: &[Seg]) {
        (**self).rebase(route)
    }
    fn children(&self) -> Vec<&Cond> {
        (**self).children()
    }
}

impl Cond {
    /// Checks the condition and everything under it (see [`Condition::compile`]).
    pub fn compile(&mut self, cx: &CompileCx<'_>) -> Result<(), String> {
        self.inner_mut().compile(cx)
    }

    /// Evaluates the condition on `s`.
    pub fn eval(&self, cx: &Ctx<'_>, s: Subject, depth: usize) -> Outcome {
        self.inner().eval(cx, s, depth)
    }

    /// See [`Condition::is_value_condition`].
    pub fn is_value_condition(&self) -> bool {
        self.inner().is_value_condition()
    }

    /// The same value condition with every path moved under `route` (see
    /// [`JsonPath::under`]); other conditions are returned unchanged.
    pub fn under(&self, route: &[Seg]) -> Cond {
        let mut c = self.clone();
        c.rebase(route);
        c
    }

    /// Moves every path under `route`, in place.
    fn rebase(&mut self, route: &[Seg]) {
        self.inner_mut().rebase(route);
    }

    /// The `follow` conditions in this condition (for rule-file validation of their types).
    pub fn follows(&self) -> Vec<&Follow> {
        let mut out = Vec::new();
        self.visit(&mut |c| {
            if let Cond::Follow(f) = c {
                out.push(&**f);
            }
        });
        out
    }

    /// The `referrers` conditions in this condition.
    pub fn referrers(&self) -> Vec<&Referrers> {
        let mut out = Vec::new();
        self.visit(&mut |c| {
            if let Cond::Referrers(r) = c {
                out.push(&**r);
            }
        });
        out
    }

    /// Calls `f` on this condition and every condition nested in it.
    fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Cond)) {
        f(self);
        for c in self.inner().children() {
            c.visit(f);
        }
    }
}
