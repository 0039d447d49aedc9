//! Finding the policy documents in a resource graph.

use indexmap::IndexMap;

use crate::graph::{Format, Node, NodeKind, ResourceGraph};
use crate::value::{Route, Seg, Spanned, Val};

use super::normalize::normalize;
use super::{PolicyDocument, PolicyKind};

/// One step of a policy attribute's route pattern.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// An object member.
    Key(&'static str),
    /// Every item of an array (a repeated nested block).
    Each,
}

/// The kind of the documents an attribute holds.
#[derive(Clone, Copy, Debug)]
enum KindRule {
    /// Always this kind.
    Fixed(PolicyKind),
    /// `aws_iam_policy`: [`PolicyKind::Boundary`] when only used as a permissions boundary, else
    /// [`PolicyKind::Identity`]. See [`boundary_only`].
    IdentityOrBoundary,
}

use KindRule::{Fixed, IdentityOrBoundary};
use PolicyKind::{Identity, Key, Resource, Trust};

/// Terraform attributes that hold a policy document: (resource type, route pattern, kind).
/// Adding a resource type is one line.
const TERRAFORM_POLICY_ATTRIBUTES: &[(&str, &[Step], KindRule)] = &[
    ("aws_iam_policy", &[Step::Key("policy")], IdentityOrBoundary),
    (
        "aws_iam_role_policy",
        &[Step::Key("policy")],
        Fixed(Identity),
    ),
    (
        "aws_iam_user_policy",
        &[Step::Key("policy")],
        Fixed(Identity),
    ),
    (
        "aws_iam_group_policy",
        &[Step::Key("policy")],
        Fixed(Identity),
    ),
    (
        "aws_iam_role",
        &[Step::Key("inline_policy"), Step::Each, Step::Key("policy")],
        Fixed(Identity),
    ),
    (
        "aws_iam_role",
        &[Step::Key("assume_role_policy")],
        Fixed(Trust),
    ),
    ("aws_kms_key", &[Step::Key("policy")], Fixed(Key)),
    ("aws_kms_key_policy", &[Step::Key("policy")], Fixed(Key)),
    (
        "aws_s3_bucket_policy",
        &[Step::Key("policy")],
        Fixed(Resource),
    ),
    (
        "aws_sqs_queue_policy",
        &[Step::Key("policy")],
        Fixed(Resource),
    ),
    (
        "aws_sns_topic_policy",
        &[Step::Key("policy")],
        Fixed(Resource),
    ),
    ("aws_sns_topic", &[Step::Key("policy")], Fixed(Resource)),
    ("aws_sqs_queue", &[Step::Key("policy")], Fixed(Resource)),
    (
        "aws_ecr_repository_policy",
        &[Step::Key("policy")],
        Fixed(Resource),
    ),
    (
        "aws_secretsmanager_secret_policy",
        &[Step::Key("policy")],
        Fixed(Resource),
    ),
    (
        "aws_secretsmanager_secret",
        &[Step::Key("policy")],
        Fixed(Resource),
    ),
];

/// CloudFormation attributes (inside `Properties`) that hold a policy document, same shape as
/// [`TERRAFORM_POLICY_ATTRIBUTES`].
const CLOUDFORMATION_POLICY_ATTRIBUTES: &[(&str, &[Step], KindRule)] = &[
    (
        "AWS::IAM::ManagedPolicy",
        &[Step::Key("PolicyDocument")],
        IdentityOrBoundary,
    ),
    (
        "AWS::IAM::Policy",
        &[Step::Key("PolicyDocument")],
        Fixed(Identity),
    ),
    (
        "AWS::IAM::Role",
        &[
            Step::Key("Policies"),
            Step::Each,
            Step::Key("PolicyDocument"),
        ],
        Fixed(Identity),
    ),
    (
        "AWS::IAM::Role",
        &[Step::Key("AssumeRolePolicyDocument")],
        Fixed(Trust),
    ),
    (
        "AWS::IAM::User",
        &[
            Step::Key("Policies"),
            Step::Each,
            Step::Key("PolicyDocument"),
        ],
        Fixed(Identity),
    ),
    (
        "AWS::IAM::Group",
        &[
            Step::Key("Policies"),
            Step::Each,
            Step::Key("PolicyDocument"),
        ],
        Fixed(Identity),
    ),
    ("AWS::KMS::Key", &[Step::Key("KeyPolicy")], Fixed(Key)),
    (
        "AWS::SQS::QueuePolicy",
        &[Step::Key("PolicyDocument")],
        Fixed(Resource),
    ),
    (
        "AWS::SNS::TopicPolicy",
        &[Step::Key("PolicyDocument")],
        Fixed(Resource),
    ),
    (
        "AWS::S3::BucketPolicy",
        &[Step::Key("PolicyDocument")],
        Fixed(Resource),
    ),
    (
        "AWS::IAM::RolePolicy",
        &[Step::Key("PolicyDocument")],
        Fixed(Identity),
    ),
    (
        "AWS::IAM::UserPolicy",
        &[Step::Key("PolicyDocument")],
        Fixed(Identity),
    ),
    (
        "AWS::IAM::GroupPolicy",
        &[Step::Key("PolicyDocument")],
        Fixed(Identity),
    ),
    (
        "AWS::ECR::Repository",
        &[Step::Key("RepositoryPolicyText")],
        Fixed(Resource),
    ),
    (
        "AWS::SecretsManager::ResourcePolicy",
        &[Step::Key("ResourcePolicy")],
        Fixed(Resource),
    ),
    (
        "AWS::Logs::ResourcePolicy",
        &[Step::Key("PolicyDocument")],
        Fixed(Resource),
    ),
];

/// CloudFormation principal types whose `ManagedPolicyArns` attach a managed policy.
const CLOUDFORMATION_PRINCIPAL_TYPES: &[&str] =
    &["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"];

/// CloudFormation principal types that take a `PermissionsBoundary`.
const CLOUDFORMATION_BOUNDARY_TYPES: &[&str] = &["AWS::IAM::Role", "AWS::IAM::User"];

/// Terraform resource types that attach a managed policy to a principal.
const POLICY_ATTACHMENT_TYPES: &[&str] = &[
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
];

/// The Terraform data source whose rendered document is inlined where it is referenced.
const POLICY_DOCUMENT_DATA: &str = "aws_iam_policy_document";

/// Attributes of [`POLICY_DOCUMENT_DATA`] that hold the rendered document.
const POLICY_DOCUMENT_OUTPUTS: &[&str] = &["json", "minified_json"];

/// Every policy document in the graph, in node order (and, within a node, in table order).
///
/// Terraform and CloudFormation; see the module docs of [`crate::policy`] for what is extracted.
pub fn extract(graph: &ResourceGraph) -> Vec<PolicyDocument> {
    let mut out = Vec::new();
    for node in &graph.nodes {
        let table = match node.format {
            Format::Terraform => TERRAFORM_POLICY_ATTRIBUTES,
            Format::Cloudformation => CLOUDFORMATION_POLICY_ATTRIBUTES,
            Format::Workflow => continue,
        };
        match node.kind {
            NodeKind::Resource => {
                for (type_name, pattern, rule) in table {
                    if *type_name != node.type_name {
                        continue;
                    }
                    let kind = match rule {
                        Fixed(k) => *k,
                        IdentityOrBoundary if boundary_only(graph, node) => PolicyKind::Boundary,
                        IdentityOrBoundary => PolicyKind::Identity,
                    };
                    let mut found = Vec::new();
                    collect(&node.attrs, pattern, &mut Vec::new(), &mut found);
                    for (route, value) in found {
                        if let Some(doc) = normalize(value) {
                            out.push(PolicyDocument {
                                owner: node.id,
                                route,
                                kind,
                                doc,
                            });
                        }
                    }
                }
            }
            NodeKind::Data
                if node.format == Format::Terraform
                    && node.type_name == POLICY_DOCUMENT_DATA
                    && !inlined(graph, node) =>
            {
                if let Some(doc) = node.attrs.get("json").and_then(normalize) {
                    out.push(PolicyDocument {
                        owner: node.id,
                        route: vec![Seg::Key("json".to_string())],
                        kind: PolicyKind::Identity,
                        doc,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The values at `pattern` below `value`, with their routes.
fn collect<'a>(
    value: &'a Spanned,
    pattern: &[Step],
    route: &mut Route,
    out: &mut Vec<(Route, &'a Spanned)>,
) {
    let Some((step, rest)) = pattern.split_first() else {
        out.push((route.clone(), value));
        return;
    };
    match step {
        Step::Key(k) => {
            if let Some(v) = value.get(k) {
                route.push(Seg::Key((*k).to_string()));
                collect(v, rest, route, out);
                route.pop();
            }
        }
        Step::Each => {
            if let Some(items) = value.as_array() {
                for (i, v) in items.iter().enumerate() {
                    route.push(Seg::Index(i));
                    collect(v, rest, route, out);
                    route.pop();
                }
            }
        }
    }
}

fn starts_with_key(route: &[Seg], key: &str) -> bool {
    matches!(route.first(), Some(Seg::Key(k)) if k == key)
}

/// True when an `aws_iam_policy` is used as a permissions boundary and never attached: at least one
/// incoming reference from a `permissions_boundary` attribute, and no incoming reference from a
/// policy attachment resource or from an `aws_iam_role`'s `managed_policy_arns`.
///
/// CloudFormation (`AWS::IAM::ManagedPolicy`): the same rule, where the boundary references come
/// from the `PermissionsBoundary` of an `AWS::IAM::Role`/`User`, the attachments are the
/// `ManagedPolicyArns` of a role, user or group, and a policy that lists its own `Roles`, `Users`
/// or `Groups` is attached.
fn boundary_only(graph: &ResourceGraph, node: &Node) -> bool {
    if node.format == Format::Cloudformation {
        return cloudformation_boundary_only(graph, node);
    }
    let mut boundary = false;
    for edge in graph.incoming(node.id) {
        if starts_with_key(&edge.route, "permissions_boundary") {
            boundary = true;
            continue;
        }
        let from = graph.node(edge.from);
        let attachment = POLICY_ATTACHMENT_TYPES.contains(&from.type_name.as_str())
            || (from.type_name == "aws_iam_role"
                && starts_with_key(&edge.route, "managed_policy_arns"));
        if attachment {
            return false;
        }
    }
    boundary
}

fn cloudformation_boundary_only(graph: &ResourceGraph, node: &Node) -> bool {
    let attaches_itself = ["Roles", "Users", "Groups"]
        .iter()
        .any(|k| match node.attrs.get(k) {
            Some(v) => v.as_array().is_none_or(|a| !a.is_empty()),
            None => false,
        });
    if attaches_itself {
        return false;
    }
    let mut boundary = false;
    for edge in graph.incoming(node.id) {
        let from = graph.node(edge.from);
        let ty = from.type_name.as_str();
        if CLOUDFORMATION_BOUNDARY_TYPES.contains(&ty)
            && starts_with_key(&edge.route, "PermissionsBoundary")
        {
            boundary = true;
        } else if CLOUDFORMATION_PRINCIPAL_TYPES.contains(&ty)
            && starts_with_key(&edge.route, "ManagedPolicyArns")
        {
            return false;
        }
    }
    boundary
}

/// True when a policy document data source is referenced (through `json`/`minified_json`) by some
/// other node than an output, and so is inlined into that node's attributes.
fn inlined(graph: &ResourceGraph, node: &Node) -> bool {
    graph.incoming(node.id).any(|e| {
        e.from != node.id
            && e.attr
                .as_deref()
                .is_some_and(|a| POLICY_DOCUMENT_OUTPUTS.contains(&a))
            && graph.node(e.from).kind != NodeKind::Output
    })
}

/// The KMS default key policy, in normalized shape and spanless: one statement allowing `kms:*` on
/// `*` to the account root, `{"AWS": ["arn:aws:iam::ACCOUNT_ID:root"]}`. Use it for a key that sets
/// no policy.
pub fn default_key_policy() -> Spanned {
    let s = |v: &str| Spanned::string(v, None);
    let arr = |v: &str| Spanned::bare(Val::Array(vec![s(v)]));
    let obj = |entries: Vec<(&str, Spanned)>| {
        Spanned::bare(Val::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<IndexMap<_, _>>()
                .into(),
        ))
    };
    let statement = obj(vec![
        ("Sid", s("Enable IAM User Permissions")),
        ("Effect", s("Allow")),
        (
            "Principal",
            obj(vec![("AWS", arr("arn:aws:iam::ACCOUNT_ID:root"))]),
        ),
        ("Action", arr("kms:*")),
        ("Resource", arr("*")),
    ]);
    obj(vec![
        ("Version", s("2012-10-17")),
        ("Id", s("key-default-1")),
        ("Statement", Spanned::bare(Val::Array(vec![statement]))),
    ])
}
