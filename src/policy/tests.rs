//! Evaluator and extraction tests (glob and normalization tests live next to their code).

use indexmap::IndexMap;
use serde_json::json;

use super::*;
use crate::graph::{Edge, Format, Fragment, GraphBuilder, Node, NodeKind, NodeMeta, ResourceGraph};
use crate::source::{FileId, Span};
use crate::value::{Seg, Val};

fn doc(v: serde_json::Value) -> Vec<Spanned> {
    let d = normalize(&Spanned::from_json(&v)).expect("a policy");
    d.get("Statement")
        .and_then(Spanned::as_array)
        .expect("statements")
        .to_vec()
}

fn ask(stmts: &[Spanned], action: &str, resource: &str) -> Evaluation {
    evaluate(
        stmts,
        &Request {
            action,
            resource,
            principal: None,
        },
    )
}

fn ask_p(stmts: &[Spanned], action: &str, p: &PrincipalQuery) -> Decision {
    evaluate(
        stmts,
        &Request {
            action,
            resource: "*",
            principal: Some(p),
        },
    )
    .decision
}

fn d(stmts: &[Spanned], action: &str, resource: &str) -> Decision {
    ask(stmts, action, resource).decision
}

fn logs() -> PrincipalQuery {
    PrincipalQuery::Service(vec![
        "logs.amazonaws.com".into(),
        "logs.*.amazonaws.com".into(),
    ])
}

#[test]
fn allow_with_wildcards() {
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "Action": ["s3:Get*", "ec2:*NetworkInterface*"], "Resource": "*"}
    ]}));
    assert_eq!(d(&s, "s3:GetObject", "arn:aws:s3:::b/k"), Decision::Allow);
    assert_eq!(d(&s, "S3:GETOBJECT", "arn:aws:s3:::b/k"), Decision::Allow);
    assert_eq!(d(&s, "ec2:DeleteNetworkInterface", "*"), Decision::Allow);
    assert_eq!(d(&s, "s3:PutObject", "*"), Decision::ImplicitDeny);
    let e = ask(&s, "s3:GetObject", "x");
    assert_eq!(e.statements, vec![0]);
}

#[test]
fn resources_are_case_sensitive() {
    let s = doc(
        json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/*"}}),
    );
    assert_eq!(
        d(&s, "s3:GetObject", "arn:aws:s3:::bucket/a"),
        Decision::Allow
    );
    assert_eq!(
        d(&s, "s3:GetObject", "arn:aws:s3:::Bucket/a"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        d(&s, "s3:GetObject", "arn:aws:s3:::other/a"),
        Decision::ImplicitDeny
    );
}

#[test]
fn not_action_and_not_resource() {
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "NotResource": "arn:aws:s3:::secret/*"}
    ]}));
    assert_eq!(
        d(&s, "s3:GetObject", "arn:aws:s3:::public/a"),
        Decision::Allow
    );
    assert_eq!(d(&s, "IAM:CreateUser", "*"), Decision::ImplicitDeny);
    assert_eq!(
        d(&s, "s3:GetObject", "arn:aws:s3:::secret/a"),
        Decision::ImplicitDeny
    );
}

#[test]
fn missing_action_applies_to_nothing_missing_resource_to_everything() {
    let s = doc(json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}));
    assert_eq!(d(&s, "s3:GetObject", "*"), Decision::ImplicitDeny);
    let s = doc(json!({"Statement": [{"Effect": "Allow", "Action": "kms:*"}]}));
    assert_eq!(
        d(&s, "kms:Decrypt", "arn:aws:kms:us-east-1:1:key/x"),
        Decision::Allow
    );
}

#[test]
fn explicit_deny_wins() {
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
    ]}));
    let e = ask(&s, "s3:DeleteBucket", "arn:aws:s3:::b");
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.statements, vec![1]);
    let e = ask(&s, "s3:PutObject", "arn:aws:s3:::b/k");
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.statements, vec![0]);
}

#[test]
fn several_allowing_statements_are_all_reported() {
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    ]}));
    assert_eq!(ask(&s, "s3:GetObject", "*").statements, vec![0, 2]);
}

#[test]
fn conditions_are_conservative_both_ways() {
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
         "Condition": {"StringEquals": {"cloudwatch:namespace": "App"}}}
    ]}));
    assert_eq!(d(&s, "cloudwatch:PutMetricData", "*"), Decision::Allow);
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]}));
    assert_eq!(d(&s, "s3:GetObject", "*"), Decision::Allow);
    // An empty condition is no condition.
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {}}
    ]}));
    assert_eq!(d(&s, "s3:GetObject", "*"), Decision::ExplicitDeny);
}

#[test]
fn effect_is_case_sensitive() {
    let s = doc(json!({"Statement": [
        {"effect": "allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}
    ]}));
    assert_eq!(d(&s, "s3:GetObject", "*"), Decision::ImplicitDeny);
}

#[test]
fn principals() {
    let s = doc(json!({"Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], "Resource": "*"}
    ]}));
    assert_eq!(ask_p(&s, "kms:GenerateDataKey", &logs()), Decision::Allow);
    assert_eq!(
        ask_p(&s, "kms:CreateGrant", &logs()),
        Decision::ImplicitDeny
    );
    let sns = PrincipalQuery::Service(vec!["sns.amazonaws.com".into()]);
    assert_eq!(
        ask_p(&s, "kms:GenerateDataKey", &sns),
        Decision::ImplicitDeny
    );
    let root = PrincipalQuery::Aws("arn:aws:iam::111122223333:root".into());
    assert_eq!(ask_p(&s, "kms:PutKeyPolicy", &root), Decision::Allow);
    let acct = PrincipalQuery::Aws("111122223333".into());
    assert_eq!(ask_p(&s, "kms:PutKeyPolicy", &acct), Decision::Allow);
    let other = PrincipalQuery::Aws("arn:aws:iam::999999999999:root".into());
    assert_eq!(
        ask_p(&s, "kms:PutKeyPolicy", &other),
        Decision::ImplicitDeny
    );
    // Without a principal query the principal is ignored.
    assert_eq!(d(&s, "kms:PutKeyPolicy", "*"), Decision::Allow);
}

#[test]
fn global_service_principal_and_wildcard_statement_values() {
    let s = doc(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": ["logs.amazonaws.com"]}, "Action": "kms:*"}]}),
    );
    assert_eq!(ask_p(&s, "kms:Decrypt", &logs()), Decision::Allow);
    let s = doc(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "logs.*.amazonaws.com"}, "Action": "kms:*"}]}),
    );
    let regional = PrincipalQuery::Service(vec!["logs.eu-west-1.amazonaws.com".into()]);
    assert_eq!(ask_p(&s, "kms:Decrypt", &regional), Decision::Allow);
}

#[test]
fn star_principals_match_everyone() {
    for p in [json!("*"), json!({"AWS": "*"})] {
        let s = doc(
            json!({"Statement": [{"Effect": "Allow", "Principal": p, "Action": "sqs:SendMessage"}]}),
        );
        assert_eq!(ask_p(&s, "sqs:SendMessage", &logs()), Decision::Allow);
        assert_eq!(
            ask_p(
                &s,
                "sqs:SendMessage",
                &PrincipalQuery::Aws("arn:aws:iam::1:user/x".into())
            ),
            Decision::Allow
        );
    }
}

#[test]
fn no_principal_does_not_apply_to_principal_requests() {
    let s = doc(json!({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}));
    assert_eq!(ask_p(&s, "kms:Decrypt", &logs()), Decision::ImplicitDeny);
}

#[test]
fn not_principal_inverts() {
    let s = doc(json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*"},
        {"Effect": "Deny", "NotPrincipal": {"Service": "logs.amazonaws.com"}, "Action": "s3:*"}
    ]}));
    assert_eq!(ask_p(&s, "s3:PutObject", &logs()), Decision::Allow);
    let other = PrincipalQuery::Service(vec!["sns.amazonaws.com".into()]);
    assert_eq!(ask_p(&s, "s3:PutObject", &other), Decision::ExplicitDeny);
}

fn unknown_stmt(fields: Vec<(&str, Spanned)>) -> Spanned {
    let m: IndexMap<String, Spanned> = fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut d = IndexMap::new();
    d.insert(
        "Statement".to_string(),
        Spanned::bare(Val::Array(vec![Spanned::bare(Val::Object(Box::new(m)))])),
    );
    normalize(&Spanned::bare(Val::Object(Box::new(d))))
        .and_then(|d| {
            d.get("Statement")
                .and_then(Spanned::as_array)
                .map(|a| a[0].clone())
        })
        .expect("statement")
}

fn s(v: &str) -> Spanned {
    Spanned::string(v, None)
}

fn u(e: &str) -> Spanned {
    Spanned::unknown(e, None)
}

#[test]
fn unknown_action_item() {
    let known = s("s3:GetObject");
    let stmt = unknown_stmt(vec![
        ("Effect", s("Allow")),
        (
            "Action",
            Spanned::bare(Val::Array(vec![known, u("var.action")])),
        ),
        ("Resource", s("*")),
    ]);
    let stmts = vec![stmt];
    assert_eq!(d(&stmts, "s3:GetObject", "*"), Decision::Allow);
    let e = ask(&stmts, "ec2:RunInstances", "*");
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.statements, vec![0]);
}

#[test]
fn unknown_resource_and_not_action() {
    let stmts = vec![unknown_stmt(vec![
        ("Effect", s("Allow")),
        ("Action", s("s3:*")),
        ("Resource", u("aws_s3_bucket.b.arn")),
    ])];
    assert_eq!(
        d(&stmts, "s3:GetObject", "arn:aws:s3:::b"),
        Decision::Unknown
    );
    assert_eq!(
        d(&stmts, "ec2:RunInstances", "arn:aws:s3:::b"),
        Decision::ImplicitDeny
    );
    let stmts = vec![unknown_stmt(vec![
        ("Effect", s("Allow")),
        ("NotAction", u("var.excluded")),
    ])];
    assert_eq!(d(&stmts, "s3:GetObject", "*"), Decision::Unknown);
}

#[test]
fn unknown_effect_and_whole_statement() {
    let allow = doc(json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}));
    let maybe_deny = unknown_stmt(vec![("Effect", u("var.effect")), ("Action", s("s3:*"))]);
    let mut stmts = allow.clone();
    stmts.push(maybe_deny);
    // An unknown effect could be a Deny that overturns the Allow.
    assert_eq!(d(&stmts, "s3:GetObject", "*"), Decision::Unknown);
    assert_eq!(d(&stmts, "ec2:RunInstances", "*"), Decision::Allow);
    // A whole unknown statement could be anything.
    let mut stmts = allow.clone();
    stmts.push(u("dynamic statement"));
    let e = ask(&stmts, "ec2:RunInstances", "*");
    assert_eq!((e.decision, e.statements), (Decision::Unknown, vec![1]));
    // ...but never overturns a known explicit deny.
    let mut stmts = doc(json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}));
    stmts.push(u("dynamic statement"));
    assert_eq!(d(&stmts, "ec2:RunInstances", "*"), Decision::ExplicitDeny);
}

#[test]
fn unknowns_that_cannot_change_the_answer_are_ignored() {
    let mut stmts =
        doc(json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}));
    // Another Allow cannot change an Allow.
    stmts.push(unknown_stmt(vec![
        ("Effect", s("Allow")),
        ("Action", u("var.a")),
    ]));
    // A conditional Deny never denies.
    stmts.push(unknown_stmt(vec![
        ("Effect", s("Deny")),
        ("Action", u("var.a")),
        (
            "Condition",
            Spanned::from_json(&json!({"Bool": {"aws:SecureTransport": "false"}})),
        ),
    ]));
    assert_eq!(d(&stmts, "s3:GetObject", "*"), Decision::Allow);
    // An unknown Deny with a known action that does not match cannot apply.
    stmts.push(unknown_stmt(vec![
        ("Effect", s("Deny")),
        ("Action", s("iam:*")),
        ("Resource", u("var.r")),
    ]));
    assert_eq!(d(&stmts, "s3:GetObject", "*"), Decision::Allow);
    // An unknown Deny that may apply can.
    stmts.push(unknown_stmt(vec![
        ("Effect", s("Deny")),
        ("Action", s("s3:*")),
        ("Resource", u("var.r")),
    ]));
    let e = ask(&stmts, "s3:GetObject", "*");
    assert_eq!((e.decision, e.statements), (Decision::Unknown, vec![4]));
}

#[test]
fn unknown_principal_matters_only_for_principal_requests() {
    let stmts = vec![unknown_stmt(vec![
        ("Effect", s("Allow")),
        (
            "Principal",
            Spanned::bare(Val::Object(Box::new(IndexMap::from([(
                "Service".to_string(),
                u("var.svc"),
            )])))),
        ),
        ("Action", s("kms:*")),
    ])];
    assert_eq!(ask_p(&stmts, "kms:Decrypt", &logs()), Decision::Unknown);
    assert_eq!(d(&stmts, "kms:Decrypt", "*"), Decision::Allow);
    let stmts = vec![unknown_stmt(vec![
        ("Effect", s("Allow")),
        ("Principal", u("var.p")),
        ("Action", s("kms:*")),
    ])];
    assert_eq!(ask_p(&stmts, "kms:Decrypt", &logs()), Decision::Unknown);
}

#[test]
fn default_key_policy_allows_the_account_root() {
    let p = default_key_policy();
    assert_eq!(normalize(&p).as_ref(), Some(&p));
    let stmts = p
        .get("Statement")
        .and_then(Spanned::as_array)
        .expect("statements");
    let root = PrincipalQuery::Aws("arn:aws:iam::ACCOUNT_ID:root".into());
    assert_eq!(ask_p(stmts, "kms:Decrypt", &root), Decision::Allow);
    assert_eq!(ask_p(stmts, "kms:Decrypt", &logs()), Decision::ImplicitDeny);
    assert!(p.span.is_none());
}

#[test]
fn kind_names() {
    let all = [
        PolicyKind::Identity,
        PolicyKind::Trust,
        PolicyKind::Key,
        PolicyKind::Resource,
        PolicyKind::Boundary,
    ];
    let names: Vec<_> = all.iter().map(|k| k.as_str()).collect();
    assert_eq!(names, ["identity", "trust", "key", "resource", "boundary"]);
}

// ---- extraction ----

fn node(kind: NodeKind, type_name: &str, name: &str, attrs: serde_json::Value) -> Node {
    let span = Span::new(FileId(0), 0..1);
    let address = match kind {
        NodeKind::Data => format!("data.{type_name}.{name}"),
        NodeKind::Output => format!("output.{name}"),
        _ => format!("{type_name}.{name}"),
    };
    Node {
        id: crate::graph::NodeId(0),
        format: Format::Terraform,
        kind,
        type_name: type_name.to_string(),
        name: name.to_string(),
        address,
        module: ".".to_string(),
        file: FileId(0),
        span,
        header: span,
        attrs: Spanned::from_json(&attrs),
        meta: NodeMeta::default(),
    }
}

fn edge(from: u32, route: &[&str], to: u32, attr: &str) -> Edge {
    Edge {
        from: crate::graph::NodeId(from),
        route: route.iter().map(|k| Seg::Key(k.to_string())).collect(),
        to: crate::graph::NodeId(to),
        attr: Some(attr.to_string()),
        span: None,
    }
}

fn graph(nodes: Vec<Node>, edges: Vec<Edge>) -> ResourceGraph {
    let mut b = GraphBuilder::new();
    b.add(Fragment {
        nodes,
        edges,
        ..Fragment::default()
    });
    b.finish()
}

fn policy_json(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
    )
}

#[test]
fn extracts_terraform_policies_with_kinds_and_routes() {
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let g = graph(
        vec![
            // 0
            node(
                NodeKind::Resource,
                "aws_iam_role",
                "fn",
                json!({
                    "name": "fn",
                    "assume_role_policy": trust,
                    "inline_policy": [
                        {"name": "a", "policy": policy_json("s3:GetObject")},
                        {"name": "b"},
                        {"name": "c", "policy": {"Statement": {"Effect": "Allow", "Action": "sqs:*"}}}
                    ]
                }),
            ),
            // 1
            node(
                NodeKind::Resource,
                "aws_kms_key",
                "k",
                json!({"policy": policy_json("kms:*")}),
            ),
            // 2: no policy
            node(
                NodeKind::Resource,
                "aws_kms_key",
                "k2",
                json!({"description": "x"}),
            ),
            // 3: not a policy
            node(
                NodeKind::Resource,
                "aws_s3_bucket_policy",
                "bp",
                json!({"policy": "not json"}),
            ),
            // 4
            node(
                NodeKind::Resource,
                "aws_sqs_queue_policy",
                "qp",
                json!({"policy": policy_json("sqs:SendMessage")}),
            ),
            // 5: not a policy-holding type
            node(
                NodeKind::Resource,
                "aws_s3_bucket",
                "b",
                json!({"policy": policy_json("s3:*")}),
            ),
            // 6
            node(
                NodeKind::Resource,
                "aws_iam_role_policy",
                "rp",
                json!({"policy": policy_json("logs:*")}),
            ),
        ],
        vec![],
    );
    let docs = extract(&g);
    let summary: Vec<_> = docs
        .iter()
        .map(|d| (d.owner.0, crate::value::route_to_string(&d.route), d.kind))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                0,
                "$.inline_policy[0].policy".to_string(),
                PolicyKind::Identity
            ),
            (
                0,
                "$.inline_policy[2].policy".to_string(),
                PolicyKind::Identity
            ),
            (0, "$.assume_role_policy".to_string(), PolicyKind::Trust),
            (1, "$.policy".to_string(), PolicyKind::Key),
            (4, "$.policy".to_string(), PolicyKind::Resource),
            (6, "$.policy".to_string(), PolicyKind::Identity),
        ]
    );
    assert_eq!(docs[1].statements().len(), 1);
    assert_eq!(
        docs[1].statements()[0].get("Action").map(Spanned::to_json),
        Some(json!(["sqs:*"]))
    );
    assert!(!docs[0].has_unknown_statements());
    let lambda = PrincipalQuery::Service(vec!["lambda.amazonaws.com".into()]);
    assert_eq!(
        ask_p(docs[2].statements(), "sts:AssumeRole", &lambda),
        Decision::Allow
    );
}

#[test]
fn boundary_kind_rule() {
    let g = graph(
        vec![
            // 0: used only as a boundary
            node(
                NodeKind::Resource,
                "aws_iam_policy",
                "boundary",
                json!({"policy": policy_json("s3:*")}),
            ),
            // 1: a boundary that is also attached
            node(
                NodeKind::Resource,
                "aws_iam_policy",
                "both",
                json!({"policy": policy_json("s3:*")}),
            ),
            // 2: attached only
            node(
                NodeKind::Resource,
                "aws_iam_policy",
                "attached",
                json!({"policy": policy_json("s3:*")}),
            ),
            // 3: unused
            node(
                NodeKind::Resource,
                "aws_iam_policy",
                "unused",
                json!({"policy": policy_json("s3:*")}),
            ),
            // 4: boundary, and in a role's managed_policy_arns
            node(
                NodeKind::Resource,
                "aws_iam_policy",
                "managed",
                json!({"policy": policy_json("s3:*")}),
            ),
            // 5
            node(
                NodeKind::Resource,
                "aws_iam_role",
                "r",
                json!({"name": "r"}),
            ),
            // 6
            node(
                NodeKind::Resource,
                "aws_iam_role_policy_attachment",
                "att",
                json!({}),
            ),
            // 7: an output naming the boundary does not make it an attachment
            node(NodeKind::Output, "output", "arn", json!({})),
        ],
        vec![
            edge(5, &["permissions_boundary"], 0, "arn"),
            edge(7, &["value"], 0, "arn"),
            edge(5, &["permissions_boundary"], 1, "arn"),
            edge(6, &["policy_arn"], 1, "arn"),
            edge(6, &["policy_arn"], 2, "arn"),
            edge(5, &["permissions_boundary"], 4, "arn"),
            edge(5, &["managed_policy_arns"], 4, "arn"),
        ],
    );
    let kinds: Vec<_> = extract(&g).iter().map(|d| (d.owner.0, d.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (0, PolicyKind::Boundary),
            (1, PolicyKind::Identity),
            (2, PolicyKind::Identity),
            (3, PolicyKind::Identity),
            (4, PolicyKind::Identity),
        ]
    );
}

#[test]
fn data_documents_only_when_not_inlined() {
    let json_doc = |a: &str| json!({"json": policy_json(a), "statement": [{"actions": [a]}]});
    let g = graph(
        vec![
            // 0: used by a policy (inlined there)
            node(
                NodeKind::Data,
                "aws_iam_policy_document",
                "used",
                json_doc("s3:*"),
            ),
            // 1: unused
            node(
                NodeKind::Data,
                "aws_iam_policy_document",
                "unused",
                json_doc("sqs:*"),
            ),
            // 2: referenced only from an output
            node(
                NodeKind::Data,
                "aws_iam_policy_document",
                "exported",
                json_doc("sns:*"),
            ),
            // 3: minified_json used
            node(
                NodeKind::Data,
                "aws_iam_policy_document",
                "mini",
                json_doc("ec2:*"),
            ),
            // 4: the user of 0 and 3, with the inlined document
            node(
                NodeKind::Resource,
                "aws_iam_role_policy",
                "p",
                json!({"policy": policy_json("s3:*")}),
            ),
            // 5
            node(NodeKind::Output, "output", "doc", json!({})),
            // 6: only a non-document attribute is referenced
            node(
                NodeKind::Data,
                "aws_iam_policy_document",
                "other_attr",
                json_doc("kms:*"),
            ),
            // 7: unknown json (rejected by normalize)
            node(
                NodeKind::Data,
                "aws_iam_policy_document",
                "unknown",
                json!({}),
            ),
        ],
        vec![
            edge(4, &["policy"], 0, "json"),
            edge(5, &["value"], 2, "json"),
            edge(4, &["policy"], 3, "minified_json"),
            edge(4, &["policy"], 6, "id"),
        ],
    );
    let docs = extract(&g);
    let got: Vec<_> = docs
        .iter()
        .map(|d| (d.owner.0, d.kind, d.route.clone()))
        .collect();
    let json_route = vec![Seg::Key("json".to_string())];
    assert_eq!(
        got,
        vec![
            (1, PolicyKind::Identity, json_route.clone()),
            (2, PolicyKind::Identity, json_route.clone()),
            (
                4,
                PolicyKind::Identity,
                vec![Seg::Key("policy".to_string())]
            ),
            (6, PolicyKind::Identity, json_route),
        ]
    );
}

#[test]
fn non_terraform_nodes_and_unknown_statements() {
    let mut cfn = node(
        NodeKind::Resource,
        "aws_kms_key",
        "k",
        json!({"policy": policy_json("kms:*")}),
    );
    cfn.format = Format::Cloudformation;
    let mut tf = node(NodeKind::Resource, "aws_kms_key", "k", json!({}));
    let mut stmt = IndexMap::new();
    stmt.insert("Statement".to_string(), Spanned::unknown("dynamic", None));
    let mut attrs = IndexMap::new();
    attrs.insert(
        "policy".to_string(),
        Spanned::bare(Val::Object(Box::new(stmt))),
    );
    tf.attrs = Spanned::bare(Val::Object(Box::new(attrs)));
    let g = graph(vec![cfn, tf], vec![]);
    let docs = extract(&g);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].owner.0, 1);
    assert!(docs[0].has_unknown_statements());
    assert_eq!(
        ask(docs[0].statements(), "kms:Decrypt", "*").decision,
        Decision::Unknown
    );
}
