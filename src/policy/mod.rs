//! IAM policies: the normalized document model, extraction from the resource graph, and the
//! evaluator that answers "does this document allow action A on resource R (for principal P)".
//!
//! # Normalized shape
//!
//! [`normalize`] turns any policy-shaped value (an object from `jsonencode`, heredoc JSON, a data
//! document, or a known string holding JSON, whose every parsed value gets the string's span) into:
//!
//! - an object with `Version` and `Id` (when present) and `Statement`, always an array (a single
//!   statement object becomes a one-item array; an unknown statement list becomes a one-item array
//!   holding that unknown); other top-level keys are dropped;
//! - each statement object keeps `Sid`, `Effect`, `Action`/`NotAction`, `Resource`/`NotResource`,
//!   `Principal`/`NotPrincipal`, `Condition` (and any other key, as written). `Action`, `NotAction`,
//!   `Resource`, `NotResource` are always arrays: a lone value (string or unknown) becomes a
//!   one-item array with the value's span. `Principal`/`NotPrincipal`: the string `"*"` (or any
//!   non-object) stays as it is; an object keeps its keys (`AWS`, `Service`, `Federated`,
//!   `CanonicalUser`), each value made an array. `Condition` is kept as written. Statement keys whose
//!   value is `null` are dropped (as if not written);
//! - key names (document, statement and principal keys) are matched case-insensitively and
//!   rewritten to the canonical case; when two keys differ only in case the first wins. Values are
//!   never case-folded (`"allow"` is not `"Allow"`);
//! - unknown values are kept, anywhere; a statement may be entirely unknown. Statement items that
//!   are not objects are kept as they are (the evaluator ignores them).
//!
//! Normalizing a normalized document gives it back unchanged.
//!
//! # Evaluation semantics ([`evaluate`])
//!
//! - A statement applies to a request when its `Action` matches (any pattern, [`action_matches`],
//!   case-insensitive) or, for `NotAction`, no pattern matches (no `Action` nor `NotAction`: it
//!   applies to nothing); likewise `Resource`/`NotResource` with [`wildcard_matches`]
//!   (case-sensitive; no `Resource` nor `NotResource`: any resource, as in key and resource
//!   policies); and, when `req.principal` is `Some`, when the principal matches:
//!   - `"*"` and `{"AWS": "*"}` (and `{"Service": "*"}`) match everyone;
//!   - [`PrincipalQuery::Service`]: some `Service` value `wildcard_matches` some acceptable pattern
//!     or the other way round (statement `logs.us-east-1.amazonaws.com` matches the pattern
//!     `logs.*.amazonaws.com`; a statement value with a wildcard matches an acceptable name it
//!     covers);
//!   - [`PrincipalQuery::Aws`]: some `AWS` value `wildcard_matches` the query; a bare 12-digit
//!     account id on either side stands for `arn:aws:iam::ID:root`;
//!   - `NotPrincipal` inverts; a statement with neither `Principal` nor `NotPrincipal` does not apply
//!     to a principal request.
//!
//!   When `req.principal` is `None` (an identity or boundary policy question), `Principal` and
//!   `NotPrincipal` are ignored.
//! - `Effect` must be exactly `Allow` or `Deny` (case-sensitive, as AWS); any other effect, or a
//!   statement that is not an object, is ignored.
//! - An applicable explicit `Deny` wins over `Allow`; no applicable `Allow` is an implicit deny.
//! - Conditions are conservative so that a "not allowed" answer is never caused by a condition: an
//!   `Allow` with a `Condition` counts as allowing, a `Deny` with a `Condition` never denies. An
//!   empty `Condition` object is no condition.
//! - Unknowns: a statement "may apply" when an unknown `Action`/`NotAction`/`Resource`/
//!   `NotResource` item, unknown principal (principal requests only) or unknown `Effect` could make
//!   it apply, or when the statement is entirely unknown. The decision is first computed from what
//!   is known; it is [`Decision::Unknown`] when some resolution of the unknowns would give another
//!   decision: never after a known unconditional explicit deny; after a known `Allow` only when a
//!   statement that may apply could be an unconditional `Deny`; after an implicit deny when any
//!   statement may apply (as an `Allow` or an unconditional `Deny`).
//!
//! # Extraction ([`extract`])
//!
//! Terraform and CloudFormation. The tables of policy attributes live at the top of `extract.rs`
//! (CloudFormation routes are inside `Properties`: `PolicyDocument`, `Policies[*].PolicyDocument`,
//! `AssumeRolePolicyDocument`, `KeyPolicy`). An `AWS::IAM::ManagedPolicy` is
//! [`PolicyKind::Boundary`] by the same rule as `aws_iam_policy` below, with `PermissionsBoundary`
//! of a role or user as the boundary reference and `ManagedPolicyArns` of a role, user or group
//! (or the policy's own `Roles`/`Users`/`Groups`) as attachments.
//! `aws_iam_policy.policy` is [`PolicyKind::Boundary`] when the policy is referenced from some
//! `permissions_boundary` attribute and never attached (no reference from a policy attachment
//! resource nor from an `aws_iam_role`'s `managed_policy_arns`), else [`PolicyKind::Identity`].
//! `data "aws_iam_policy_document"` documents (attribute `json`, kind Identity) are extracted only
//! when no node other than an output references their `json`/`minified_json` (references inline
//! them where they are used). Values that [`normalize`] rejects (including unknown attributes) are
//! skipped.

mod eval;
mod extract;
mod glob;
mod normalize;

pub use eval::{Decision, Evaluation, PrincipalQuery, Request, evaluate};
pub use extract::{default_key_policy, extract};
pub use glob::{action_matches, pattern_covered_by, wildcard_matches};
pub use normalize::normalize;

use crate::graph::NodeId;
use crate::value::{Route, Spanned};

/// What a policy document governs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Attached to (or inline in) an IAM role, user or group.
    Identity,
    /// A role's trust (assume-role) policy.
    Trust,
    /// A KMS key policy.
    Key,
    /// A resource-based policy (bucket, queue, topic, repository, secret).
    Resource,
    /// A managed policy used only as a permissions boundary.
    Boundary,
}

impl PolicyKind {
    /// The lowercase name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Trust => "trust",
            PolicyKind::Key => "key",
            PolicyKind::Resource => "resource",
            PolicyKind::Boundary => "boundary",
        }
    }
}

/// One policy document found in the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument {
    /// The node holding the policy attribute.
    pub owner: NodeId,
    /// The attribute's route in the owner, e.g. `[Key("policy")]` or
    /// `[Key("inline_policy"), Index(0), Key("policy")]`.
    pub route: Route,
    /// What the document governs.
    pub kind: PolicyKind,
    /// The normalized document (see the module docs).
    pub doc: Spanned,
}

impl PolicyDocument {
    /// The normalized statements (empty if none).
    pub fn statements(&self) -> &[Spanned] {
        self.doc
            .get("Statement")
            .and_then(Spanned::as_array)
            .unwrap_or(&[])
    }

    /// True when some statement is entirely unknown (a `dynamic "statement"` block, a statement
    /// list built by `concat(var.extra, ...)`), so the statements seen are not all there are.
    pub fn has_unknown_statements(&self) -> bool {
        self.statements().iter().any(Spanned::is_unknown)
    }
}

#[cfg(test)]
mod tests;
