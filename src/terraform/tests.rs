use std::sync::Arc;

use super::*;
use crate::graph::Edge;

struct T {
    files: Vec<SourceFile>,
    frag: Fragment,
}

fn build(tf: &[&str], tfvars: &[&str]) -> T {
    let files: Vec<SourceFile> = tf
        .iter()
        .chain(tfvars)
        .enumerate()
        .map(|(i, t)| SourceFile::new(format!("f{i}.tf"), format!("f{i}.tf").into(), Arc::from(*t)))
        .collect();
    let mut input = ModuleInput {
        dir: "m".into(),
        files: vec![],
        tfvars: vec![],
    };
    for (i, f) in files.iter().enumerate() {
        let id = FileId(i as u32);
        let body = match parse_file(id, f) {
            Ok(b) => b,
            Err(e) => panic!("parse error: {e:?}"),
        };
        if i < tf.len() {
            input.files.push((id, f, body));
        } else {
            input.tfvars.push((id, f, body));
        }
    }
    let frag = build_module(&input);
    drop(input);
    // Every span lies inside its file, on character boundaries.
    for n in &frag.nodes {
        n.attrs.walk(&mut |_, v| {
            if let Some(sp) = v.span {
                let text: &str = &files[sp.file.0 as usize].text;
                assert!(
                    sp.end <= text.len()
                        && text.is_char_boundary(sp.start)
                        && text.is_char_boundary(sp.end)
                );
            }
        });
    }
    T { files, frag }
}

fn one(tf: &str) -> T {
    build(&[tf], &[])
}

fn route(path: &str) -> Vec<Seg> {
    if path.is_empty() {
        return vec![];
    }
    path.split('.')
        .map(|p| match p.parse::<usize>() {
            Ok(i) => Seg::Index(i),
            Err(_) => Seg::Key(p.to_string()),
        })
        .collect()
}

impl T {
    fn node(&self, addr: &str) -> &Node {
        self.frag
            .nodes
            .iter()
            .find(|n| n.address == addr)
            .unwrap_or_else(|| panic!("no node {addr}"))
    }
    fn idx(&self, addr: &str) -> u32 {
        self.frag
            .nodes
            .iter()
            .position(|n| n.address == addr)
            .unwrap_or_else(|| panic!("no node {addr}")) as u32
    }
    fn get(&self, addr: &str, path: &str) -> &Spanned {
        self.node(addr)
            .attrs
            .at(&route(path))
            .unwrap_or_else(|| panic!("no {path} in {addr}: {:?}", self.node(addr).attrs.to_json()))
    }
    fn json(&self, addr: &str, path: &str) -> serde_json::Value {
        self.get(addr, path).to_json()
    }
    fn text(&self, s: Option<Span>) -> &str {
        let s = s.expect("span");
        self.files[s.file.0 as usize].slice(s)
    }
    fn span_text(&self, addr: &str, path: &str) -> &str {
        self.text(self.get(addr, path).span)
    }
    fn edges_from(&self, addr: &str) -> Vec<&Edge> {
        let i = self.idx(addr);
        self.frag.edges.iter().filter(|e| e.from.0 == i).collect()
    }
}

fn unknown(v: &serde_json::Value) -> bool {
    v.get("$unknown").is_some()
}

// ---------------------------------------------------------------- structure and spans

#[test]
fn nodes_addresses_and_spans() {
    let t = one(r#"
resource "aws_ecs_service" "api" {
  name = "api"
  count = 2
  deployment_circuit_breaker {
    enable   = true
    rollback = false
  }
}
data "aws_caller_identity" "current" {}
module "net" { source = "./net" }
variable "region" { default = "eu-west-1" }
output "o" { value = var.region }
provider "aws" { alias = "us" }
provider "google" {}
terraform {
  backend "s3" { bucket = "b" }
}
"#);
    // `count = 2`: two instances, same block
    assert_eq!(t.node("aws_ecs_service.api[1]").name, "api");
    assert!(
        t.frag
            .nodes
            .iter()
            .all(|n| n.address != "aws_ecs_service.api")
    );
    let n = t.node("aws_ecs_service.api[0]");
    assert_eq!(n.kind, NodeKind::Resource);
    assert_eq!(n.type_name, "aws_ecs_service");
    assert_eq!(n.name, "api");
    assert_eq!(n.module, "m");
    assert!(n.meta.count && !n.meta.for_each);
    assert_eq!(
        t.text(Some(n.header)),
        r#"resource "aws_ecs_service" "api""#
    );
    assert!(t.text(Some(n.span)).starts_with("resource") && t.text(Some(n.span)).ends_with('}'));
    assert_eq!(t.span_text("aws_ecs_service.api[0]", "name"), "\"api\"");
    assert_eq!(
        t.span_text(
            "aws_ecs_service.api[0]",
            "deployment_circuit_breaker.0.rollback"
        ),
        "false"
    );
    let blk = t.get("aws_ecs_service.api[0]", "deployment_circuit_breaker.0");
    assert!(t.text(blk.span).starts_with("deployment_circuit_breaker {"));
    assert_eq!(
        t.get("aws_ecs_service.api[0]", "deployment_circuit_breaker")
            .span,
        blk.span
    );
    assert_eq!(
        t.node("data.aws_caller_identity.current").kind,
        NodeKind::Data
    );
    assert_eq!(t.node("module.net").type_name, "module");
    assert_eq!(t.node("var.region").kind, NodeKind::Variable);
    assert_eq!(t.node("output.o").kind, NodeKind::Output);
    assert_eq!(t.json("output.o", "value"), "eu-west-1");
    assert_eq!(t.node("provider.aws.us").type_name, "aws");
    assert_eq!(t.node("provider.google").kind, NodeKind::Provider);
    let b = t.node("terraform.backend.s3");
    assert_eq!((b.kind, b.type_name.as_str()), (NodeKind::Backend, "s3"));
    assert_eq!(t.json("terraform.backend.s3", "bucket"), "b");
}

#[test]
fn nested_blocks_are_arrays_and_dynamic_is_unknown() {
    let t = one(r#"
resource "aws_security_group" "sg" {
  ingress { from_port = 1 }
  ingress { from_port = 2 }
  dynamic "egress" {
    for_each = var.rules
    content { from_port = egress.value }
  }
  lifecycle { create_before_destroy = true }
}
"#);
    assert_eq!(t.json("aws_security_group.sg", "ingress.1.from_port"), 2);
    assert_eq!(
        t.json("aws_security_group.sg", "ingress")
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let eg = t.get("aws_security_group.sg", "egress");
    assert!(eg.is_unknown());
    assert!(t.text(eg.span).starts_with("dynamic \"egress\""));
    assert_eq!(
        t.json("aws_security_group.sg", "lifecycle.0.create_before_destroy"),
        true
    );
}

// ---------------------------------------------------------------- vars, locals, tfvars

#[test]
fn locals_vars_and_tfvars_precedence() {
    let t = build(
        &[r#"
variable "a" { default = "def-a" }
variable "b" { default = "def-b" }
variable "c" {
  type = list(string)
  description = "c"
}
variable "d" { default = "def-d" }
locals {
  x = "${var.a}-${var.b}"
  obj = { field = "f", list = [1, 2, 3] }
}
resource "r" "n" {
  x = local.x
  c = var.c
  f = local.obj.field
  l = local.obj.list[1]
  d = var.d
  m = local.obj["field"]
}
"#],
        &[
            r#"b = "tfvars-b""#,
            r#"b = "auto-b"
d = "auto-d""#,
        ],
    );
    assert_eq!(t.json("r.n", "x"), "def-a-auto-b");
    assert_eq!(t.span_text("r.n", "x"), "local.x");
    assert!(unknown(&t.json("r.n", "c")));
    assert_eq!(t.json("r.n", "f"), "f");
    assert_eq!(t.json("r.n", "l"), 2);
    assert_eq!(t.span_text("r.n", "l"), "local.obj.list[1]");
    assert_eq!(t.json("r.n", "d"), "auto-d");
    assert_eq!(t.json("r.n", "m"), "f");
    // the variable node
    assert_eq!(t.json("var.b", "default"), "def-b");
    assert_eq!(t.json("var.b", "value"), "auto-b");
    assert_eq!(t.span_text("var.b", "value"), "\"auto-b\"");
    assert!(t.node("var.c").attrs.get("value").is_none());
    assert!(t.get("var.c", "type").is_unknown());
    assert_eq!(t.json("var.c", "description"), "c");
    // var references add edges to the variable node
    let to_var_d: Vec<_> = t
        .edges_from("r.n")
        .into_iter()
        .filter(|e| e.to.0 == t.idx("var.d"))
        .collect();
    assert_eq!(to_var_d.len(), 1);
    assert_eq!(to_var_d[0].route, route("d"));
    assert_eq!(to_var_d[0].attr, None);
}

#[test]
fn structured_locals_keep_their_spans() {
    let t = one(r#"
locals {
  doc = {
    Statement = [{ Action = "s3:GetObject" }]
  }
}
resource "aws_iam_policy" "p" {
  policy = jsonencode(local.doc)
}
"#);
    assert_eq!(
        t.span_text("aws_iam_policy.p", "policy.Statement.0.Action"),
        "\"s3:GetObject\""
    );
}

#[test]
fn local_cycle_is_unknown() {
    let t = one(r#"
locals {
  a = local.b
  b = local.a
  c = "${local.c}x"
}
resource "r" "n" {
  a = local.a
  c = local.c
}
"#);
    assert!(unknown(&t.json("r.n", "a")));
    assert!(unknown(&t.json("r.n", "c")));
}

#[test]
fn deep_local_chain_is_capped() {
    let mut src = String::from("locals {\n  l0 = \"v\"\n");
    for i in 1..200 {
        src.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    src.push_str("}\nresource \"r\" \"n\" {\n  a = local.l199\n  b = local.l10\n}\n");
    let t = one(&src);
    assert!(unknown(&t.json("r.n", "a")));
    assert_eq!(t.json("r.n", "b"), "v");
}

// ---------------------------------------------------------------- references and edges

#[test]
fn references_are_unknown_and_make_edges() {
    let t = one(r#"
resource "aws_kms_key" "k" {}
resource "aws_subnet" "s" { count = 2 }
module "m" { source = "./m" }
data "aws_caller_identity" "current" {}
locals {
  key = aws_kms_key.k.arn
}
resource "aws_lambda_function" "f" {
  kms_key_arn = local.key
  vpc_config {
    subnet_ids = aws_subnet.s[*].id
  }
  a = aws_kms_key.k[0].arn
  b = aws_kms_key.k["x"].id
  c = data.aws_caller_identity.current.account_id
  d = module.m.out
  e = aws_missing.x.arn
  g = "${each.key}-${count.index}-${path.module}-${terraform.workspace}"
  h = aws_kms_key.k
}
"#);
    let f = "aws_lambda_function.f";
    let v = t.get(f, "kms_key_arn");
    assert!(v.is_unknown());
    assert_eq!(t.text(v.span), "local.key");
    let edges = t.edges_from(f);
    let find = |path: &str| -> Vec<&Edge> {
        edges
            .iter()
            .copied()
            .filter(|e| e.route == route(path))
            .collect()
    };
    let k = find("kms_key_arn");
    assert_eq!(k.len(), 1);
    assert_eq!(k[0].to.0, t.idx("aws_kms_key.k"));
    assert_eq!(k[0].attr.as_deref(), Some("arn"));
    assert_eq!(t.text(k[0].span), "aws_kms_key.k.arn");
    // a splat over a `count = 2` resource: an edge to each instance
    let s = find("vpc_config.0.subnet_ids");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].to.0, t.idx("aws_subnet.s[0]"));
    assert_eq!(s[1].to.0, t.idx("aws_subnet.s[1]"));
    assert!(s.iter().all(|e| e.attr.as_deref() == Some("id")));
    assert!(t.get(f, "vpc_config.0.subnet_ids").is_unknown());
    assert_eq!(find("a")[0].attr.as_deref(), Some("arn"));
    assert_eq!(find("b")[0].attr.as_deref(), Some("id"));
    assert_eq!(find("c")[0].to.0, t.idx("data.aws_caller_identity.current"));
    assert_eq!(find("c")[0].attr.as_deref(), Some("account_id"));
    assert_eq!(find("d")[0].to.0, t.idx("module.m"));
    assert_eq!(find("d")[0].attr.as_deref(), Some("out"));
    assert!(find("e").is_empty());
    assert!(t.get(f, "e").is_unknown());
    assert!(t.get(f, "g").is_unknown());
    assert!(find("g").is_empty());
    assert_eq!(find("h")[0].attr, None);
}

#[test]
fn conditionals() {
    let t = one(r#"
variable "on" { default = true }
resource "aws_kms_key" "k" {}
resource "r" "n" {
  a = var.on ? "yes" : "no"
  b = false ? 1 : 2
  c = var.unset ? aws_kms_key.k.arn : "x"
  d = 1 + 2 * 3
  e = !var.on || 2 > 1
  f = "a" == "a" && 3 != 4
  g = -4 % 3
  h = var.unset + 1
}
"#);
    assert_eq!(t.json("r.n", "a"), "yes");
    assert_eq!(t.json("r.n", "b"), 2);
    assert!(unknown(&t.json("r.n", "c")));
    let edges = t.edges_from("r.n");
    assert!(
        edges
            .iter()
            .any(|e| e.route == route("c") && e.to.0 == t.idx("aws_kms_key.k"))
    );
    assert_eq!(t.json("r.n", "d"), 7);
    assert_eq!(t.json("r.n", "e"), true);
    assert_eq!(t.json("r.n", "f"), true);
    assert_eq!(t.json("r.n", "g"), -1);
    assert!(unknown(&t.json("r.n", "h")));
}

#[test]
fn for_expressions_and_templates_record_edges() {
    let t = one(r#"
resource "aws_subnet" "s" {}
resource "r" "n" {
  a = [for x in aws_subnet.s.ids : upper(x)]
  b = "%{ if aws_subnet.s.id != "" }x%{ endif }"
  c = "prefix-${aws_subnet.s.arn}"
  d = { for k, v in { a = 1 } : k => v }
}
"#);
    for p in ["a", "b", "c", "d"] {
        assert!(t.get("r.n", p).is_unknown(), "{p}");
    }
    let edges = t.edges_from("r.n");
    for p in ["a", "b", "c"] {
        assert!(edges.iter().any(|e| e.route == route(p)), "{p}");
    }
    assert_eq!(
        t.get("r.n", "c").to_json()["$unknown"],
        "\"prefix-${aws_subnet.s.arn}\""
    );
}

// ---------------------------------------------------------------- functions

#[test]
fn functions() {
    let t = one(r##"
locals {
  m = { a = "x", b = "y" }
}
resource "r" "n" {
  jsonencode = jsonencode({ a = [1] })
  jsondecode = jsondecode("{\"k\": [true, null]}")
  merge      = merge({ a = 1, b = 2 }, { b = 3 }, null)
  concat     = concat([1], [2, 3])
  format     = format("%s-%d-%q-%v %%", "a", 42, "q", true)
  lookup     = lookup(local.m, "a")
  lookup_def = lookup(local.m, "z", "dflt")
  lookup_err = lookup(local.m, "z")
  tolist     = tolist(["a"])
  toset      = toset(["a", "b", "a"])
  tomap      = tomap({ k = "v" })
  length     = length([1, 2, 3])
  length_s   = length("héllo")
  join       = join(",", ["a", "b"], ["c"])
  split      = split(",", "a,b")
  replace    = replace("a-b-c", "-", "_")
  replace_re = replace("abc123", "/[0-9]+/", "#")
  lower      = lower("AbC")
  upper      = upper("AbC")
  coalesce   = coalesce(null, "", "first", "second")
  try        = try(local.m.missing, local.m["nope"], "fallback")
  try_unk    = try(aws_x.y.z, "fallback")
  can_t      = can(local.m.a)
  can_f      = can(local.m.missing)
  flatten    = flatten([[1, [2]], 3])
  distinct   = distinct([1, 2, 1])
  element    = element(["a", "b"], 3)
  keys       = keys({ b = 1, a = 2 })
  values     = values({ b = 1, a = 2 })
  contains_t = contains(["a", "b"], "b")
  contains_f = contains(["a", "b"], "c")
  trimspace  = trimspace("  x \n")
  tostring   = tostring(12)
  tonumber   = tonumber("1.5")
  tobool     = tobool("true")
  unknown_fn = timestamp()
  unknown_arg = upper(aws_x.y.name)
  other_fn   = cidrsubnet(aws_vpc.v.cidr_block, 4, 1)
}
resource "aws_vpc" "v" {}
"##);
    let j = |p: &str| t.json("r.n", p);
    use serde_json::json;
    assert_eq!(j("jsonencode"), json!({"a": [1]}));
    assert_eq!(j("jsondecode"), json!({"k": [true, null]}));
    assert_eq!(j("merge"), json!({"a": 1, "b": 3}));
    assert_eq!(j("concat"), json!([1, 2, 3]));
    assert_eq!(j("format"), json!("a-42-\"q\"-true %"));
    assert_eq!(j("lookup"), json!("x"));
    assert_eq!(j("lookup_def"), json!("dflt"));
    assert!(unknown(&j("lookup_err")));
    assert_eq!(j("tolist"), json!(["a"]));
    assert_eq!(j("toset"), json!(["a", "b"]));
    assert_eq!(j("tomap"), json!({"k": "v"}));
    assert_eq!(j("length"), json!(3));
    assert_eq!(j("length_s"), json!(5));
    assert_eq!(j("join"), json!("a,b,c"));
    assert_eq!(j("split"), json!(["a", "b"]));
    assert_eq!(j("replace"), json!("a_b_c"));
    assert_eq!(j("replace_re"), json!("abc#"));
    assert_eq!(j("lower"), json!("abc"));
    assert_eq!(j("upper"), json!("ABC"));
    assert_eq!(j("coalesce"), json!("first"));
    assert_eq!(j("try"), json!("fallback"));
    assert!(unknown(&j("try_unk")));
    assert_eq!(j("can_t"), json!(true));
    assert_eq!(j("can_f"), json!(false));
    assert_eq!(j("flatten"), json!([1, 2, 3]));
    assert_eq!(j("distinct"), json!([1, 2]));
    assert_eq!(j("element"), json!("b"));
    assert_eq!(j("keys"), json!(["a", "b"]));
    assert_eq!(j("values"), json!([2, 1]));
    assert_eq!(j("contains_t"), json!(true));
    assert_eq!(j("contains_f"), json!(false));
    assert_eq!(j("trimspace"), json!("x"));
    assert_eq!(j("tostring"), json!("12"));
    assert_eq!(j("tonumber"), json!(1.5));
    assert_eq!(j("tobool"), json!(true));
    assert!(unknown(&j("unknown_fn")));
    assert!(unknown(&j("unknown_arg")));
    assert!(unknown(&j("other_fn")));
    assert!(
        t.edges_from("r.n")
            .iter()
            .any(|e| e.route == route("other_fn") && e.to.0 == t.idx("aws_vpc.v"))
    );
    // scalar results point at the call
    assert_eq!(t.span_text("r.n", "lookup"), "lookup(local.m, \"a\")");
}

// ---------------------------------------------------------------- JSON in heredocs and strings

#[test]
fn heredoc_json_spans_map_to_the_source() {
    let t = one(r#"
resource "aws_iam_policy" "p" {
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
  ]
}
EOT
}
"#);
    let p = "aws_iam_policy.p";
    assert_eq!(t.json(p, "policy.Statement.0.Action.0"), "s3:GetObject");
    // Decision: the span of a JSON string covers its quotes.
    assert_eq!(
        t.span_text(p, "policy.Statement.0.Action.0"),
        "\"s3:GetObject\""
    );
    assert!(
        t.span_text(p, "policy.Statement.0")
            .starts_with("{\"Effect\"")
    );
}

#[test]
fn indented_heredoc_and_interpolations() {
    let t = one(r#"
resource "aws_s3_bucket" "b" {}
variable "acct" { default = "123" }
resource "aws_iam_policy" "p" {
  policy = <<-EOT
    {
      "Statement": [{
        "Effect": "Allow",
        "Action": "s3:*",
        "Principal": {"AWS": "arn:aws:iam::${var.acct}:root"},
        "Resource": "${aws_s3_bucket.b.arn}/*",
        "Condition": ${jsonencode({ Bool = { "aws:SecureTransport" = "true" } })},
        "NotResource": ${aws_s3_bucket.b.tags}
      }]
    }
  EOT
}
"#);
    let p = "aws_iam_policy.p";
    let heredoc = t.get(p, "policy");
    assert!(t.text(heredoc.span).starts_with("<<-EOT"));
    assert_eq!(t.json(p, "policy.Statement.0.Action"), "s3:*");
    // de-indented: spans fall back to the heredoc
    assert_eq!(t.get(p, "policy.Statement.0.Action").span, heredoc.span);
    assert_eq!(
        t.json(p, "policy.Statement.0.Principal.AWS"),
        "arn:aws:iam::123:root"
    );
    let res = t.json(p, "policy.Statement.0.Resource");
    assert_eq!(res["$unknown"], "${aws_s3_bucket.b.arn}/*");
    assert_eq!(
        t.json(p, "policy.Statement.0.Condition"),
        serde_json::json!({"Bool": {"aws:SecureTransport": "true"}})
    );
    assert!(unknown(&t.json(p, "policy.Statement.0.NotResource")));
    assert!(
        t.edges_from(p)
            .iter()
            .any(|e| e.route == route("policy") && e.attr.as_deref() == Some("arn"))
    );
}

#[test]
fn heredoc_that_is_not_json_is_a_string() {
    let t =
        one("resource \"r\" \"n\" {\n  a = <<EOT\nhello\nEOT\n  b = <<EOT\n{ not json\nEOT\n}\n");
    assert_eq!(t.json("r.n", "a"), "hello\n");
    assert_eq!(t.json("r.n", "b"), "{ not json\n");
}

#[test]
fn string_literal_json_object() {
    let t = one(r#"resource "r" "n" {
  policy = "{\"Version\": \"2012-10-17\", \"Statement\": []}"
}"#);
    assert_eq!(t.json("r.n", "policy.Version"), "2012-10-17");
    assert!(t.span_text("r.n", "policy.Version").starts_with("\"{"));
}

// ---------------------------------------------------------------- aws_iam_policy_document

#[test]
fn policy_document_synthesis() {
    let t = one(r#"
resource "aws_s3_bucket" "b" {}
data "aws_iam_policy_document" "d" {
  policy_id = "pid"
  statement {
    sid     = "Read"
    actions = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.b.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::1:root"]
    }
    principals {
      type        = "Service"
      identifiers = ["logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["1"]
    }
  }
  statement {
    effect     = "Deny"
    not_actions = ["kms:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
  dynamic "statement" {
    for_each = []
    content {}
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
"#);
    let d = "data.aws_iam_policy_document.d";
    let j = t.json(d, "json");
    assert_eq!(j["Version"], "2012-10-17");
    assert_eq!(j["Id"], "pid");
    let s0 = &j["Statement"][0];
    assert_eq!(s0["Sid"], "Read");
    assert_eq!(s0["Effect"], "Allow");
    assert_eq!(
        s0["Action"],
        serde_json::json!(["s3:GetObject", "s3:ListBucket"])
    );
    assert!(unknown(&s0["Resource"][0]));
    assert_eq!(
        s0["Principal"],
        serde_json::json!({"AWS": ["arn:aws:iam::1:root"], "Service": ["logs.amazonaws.com"]})
    );
    assert_eq!(
        s0["Condition"],
        serde_json::json!({"StringEquals": {"aws:SourceAccount": ["1"]}})
    );
    let s1 = &j["Statement"][1];
    assert_eq!(s1["Effect"], "Deny");
    assert_eq!(s1["NotAction"], serde_json::json!(["kms:*"]));
    assert_eq!(s1["Principal"], "*");
    assert!(unknown(&j["Statement"][2]));
    // spans
    assert!(
        t.span_text(d, "json.Statement.0")
            .starts_with("statement {")
    );
    assert_eq!(
        t.span_text(d, "json.Statement.0.Action.0"),
        "\"s3:GetObject\""
    );
    assert!(
        t.span_text(d, "json.Statement.0.Effect")
            .starts_with("statement {")
    );
    // the raw body is there too; a dynamic statement block makes `statement` unknown
    assert_eq!(t.json(d, "policy_id"), "pid");
    assert!(t.get(d, "statement").is_unknown());
    // a reference to .json is the document, with an edge attr "json"
    let p = "aws_iam_policy.p";
    assert_eq!(t.json(p, "policy"), j);
    assert_eq!(
        t.span_text(p, "policy.Statement.0.Action.0"),
        "\"s3:GetObject\""
    );
    let e = t.edges_from(p);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].to.0, t.idx(d));
    assert_eq!(e[0].attr.as_deref(), Some("json"));
    // the document's own references are edges of the data node
    assert!(
        t.edges_from(d).iter().any(
            |e| e.to.0 == t.idx("aws_s3_bucket.b") && e.route == route("statement.0.resources")
        )
    );
}

#[test]
fn policy_document_source_and_override_merge() {
    let t = one(r#"
data "aws_iam_policy_document" "over" {
  statement {
    sid     = "B"
    actions = ["b:override"]
  }
  statement {
    sid     = "D"
    actions = ["d:new"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents   = [data.aws_iam_policy_document.src.json, aws_x.y.json]
  override_policy_documents = [data.aws_iam_policy_document.over.json]
  statement {
    sid     = "A"
    actions = ["a:mine"]
  }
  statement {
    sid     = "C"
    actions = ["c:mine"]
  }
}
data "aws_iam_policy_document" "src" {
  statement {
    sid     = "A"
    actions = ["a:source"]
  }
  statement {
    sid     = "B"
    actions = ["b:source"]
  }
}
data "aws_iam_policy_document" "cyc1" {
  source_policy_documents = [data.aws_iam_policy_document.cyc2.json]
}
data "aws_iam_policy_document" "cyc2" {
  source_policy_documents = [data.aws_iam_policy_document.cyc1.json]
}
"#);
    let j = t.json("data.aws_iam_policy_document.merged", "json");
    let st = j["Statement"].as_array().cloned().unwrap_or_default();
    let acts: Vec<serde_json::Value> = st.iter().map(|s| s["Action"][0].clone()).collect();
    assert_eq!(acts[0], "a:mine");
    assert_eq!(acts[1], "b:override");
    assert!(unknown(&st[2]));
    assert_eq!(acts[3], "c:mine");
    assert_eq!(acts[4], "d:new");
    assert_eq!(st.len(), 5);
    let c = t.json("data.aws_iam_policy_document.cyc1", "json");
    assert!(
        c["Statement"]
            .as_array()
            .is_some_and(|a| a.iter().any(unknown))
    );
}

// ---------------------------------------------------------------- malformed input

fn parse_err(text: &str) -> InputError {
    let f = SourceFile::new("bad.tf".into(), "bad.tf".into(), Arc::from(text));
    match parse_file(FileId(7), &f) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => {
            let span = e.span.expect("error span");
            assert_eq!(span.file, FileId(7));
            assert!(span.end <= text.len());
            e
        }
    }
}

#[test]
fn malformed_inputs_are_errors_with_spans() {
    let e = parse_err("resource \"a\" \"b\" {\n  x = 1\n");
    assert!(
        e.message.contains("`}`") && e.message.contains("resource"),
        "{}",
        e.message
    );
    assert!(e.message.contains("line 1"), "{}", e.message);
    let e = parse_err("resource \"a\" \"b\" {\n  x = \"abc\n}\n");
    assert!(e.message.contains("unterminated string"), "{}", e.message);
    assert_eq!(e.span.map(|s| s.start), Some(25));
    parse_err("\u{0}\u{1}\u{2}\u{3}\u{ff}\u{fe}garbage{{{");
    let deep = "x = ".to_string() + &"[".repeat(10_000);
    let e = parse_err(&deep);
    assert!(e.message.contains("nesting"), "{}", e.message);
    let deep_interp = "x = \"".to_string() + &"${\"".repeat(5_000);
    parse_err(&deep_interp);
    parse_err("resource \"a\" {\n  x = <<EOT\nabc\n");
    parse_err("x = (1]");
    parse_err("}}}}");
}

#[test]
fn nesting_at_the_limit_parses() {
    // hcl-edit itself refuses more than 64 levels (with an error, not a crash).
    let depth = 60;
    let text = format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let f = SourceFile::new("ok.tf".into(), "ok.tf".into(), Arc::from(text.as_str()));
    let body = parse_file(FileId(0), &f);
    assert!(body.is_ok(), "{body:?}");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let samples = [
        "",
        "{",
        "}",
        "\"",
        "<<",
        "<<EOT",
        "${",
        "resource",
        "a = b.c[",
        "a = [for x in y : ]",
        "a = \"${\"",
        "a = 1 ? : 2",
        "a = jsondecode(\"{\")",
        "/* unterminated",
    ];
    for s in samples {
        let f = SourceFile::new("x.tf".into(), "x.tf".into(), Arc::from(s));
        if let Ok(body) = parse_file(FileId(0), &f) {
            let input = ModuleInput {
                dir: ".".into(),
                files: vec![(FileId(0), &f, body)],
                tfvars: vec![],
            };
            let _ = build_module(&input);
        }
    }
}

#[test]
fn hcl_edit_refusals_terraform_accepts() {
    let t = one(
        "resource \"r\" \"n\" {\n  a = {\n    port = 1\n    other = [1, 2]\n    port = 2\n  }\n  b = {for k, v in { x = 1 } : k =>\n    true\n    ? \"yes\"\n    : \"no\"\n  }\n}\n",
    );
    assert_eq!(
        t.json("r.n", "a"),
        serde_json::json!({"other": [1, 2], "port": 2})
    );
    assert_eq!(t.span_text("r.n", "a.port"), "2");
    assert!(t.get("r.n", "b").is_unknown());
}

#[test]
fn exponential_locals_are_bounded() {
    let mut src =
        String::from("locals {\n  l0 = [\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", aws_x.y.z]\n");
    for i in 1..60 {
        let p = i - 1;
        src.push_str(&format!(
            "  l{i} = [local.l{p}, local.l{p}, local.l{p}, local.l{p}]\n"
        ));
    }
    src.push_str("}\nresource \"aws_x\" \"y\" {}\nresource \"r\" \"n\" {\n  a = local.l59\n}\n");
    let t = one(&src);
    // Something became unknown rather than exhausting memory; the reference is still an edge.
    assert!(serde_json::to_string(&t.json("r.n", "a")).is_ok_and(|s| s.contains("$unknown")));
    assert_eq!(t.edges_from("r.n").len(), 1);
}

#[test]
fn for_expressions_see_references_through_locals_and_indexed_documents() {
    let t = one(r#"
resource "aws_subnet" "s" {}
locals {
  subnets = aws_subnet.s.ids
}
data "aws_iam_policy_document" "d" {
  count = 1
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
resource "r" "n" {
  a = [for x in local.subnets : x]
  b = { for k, v in var.m : k => local.subnets }
  p = data.aws_iam_policy_document.d[0].json
}
"#);
    let e = t.edges_from("r.n");
    let s = t.idx("aws_subnet.s");
    assert!(e.iter().any(|e| e.route == route("a") && e.to.0 == s));
    assert!(e.iter().any(|e| e.route == route("b") && e.to.0 == s));
    assert_eq!(t.json("r.n", "p.Statement.0.Action.0"), "s3:GetObject");
    assert!(
        e.iter()
            .any(|e| e.route == route("p") && e.attr.as_deref() == Some("json"))
    );
}

fn check_spans(text: &str, frag: &Fragment) {
    for n in &frag.nodes {
        assert!(n.span.end <= text.len() && n.header.end <= text.len());
        n.attrs.walk(&mut |_, v| {
            if let Some(s) = v.span {
                assert!(s.start <= s.end && s.end <= text.len(), "{s:?}");
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
        });
    }
    for e in &frag.edges {
        assert!((e.to.0 as usize) < frag.nodes.len() && (e.from.0 as usize) < frag.nodes.len());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn random_hcl_never_panics(
        s in "(resource \"a\" \"b\" |data \"aws_iam_policy_document\" \"d\" |locals |x = |y = |\\{|\\}|\\[|\\]|\\(|\\)|\n|local\\.x|local\\.y|var\\.v|data\\.aws_iam_policy_document\\.d\\.json|aws_a\\.b\\.arn|\"\\$\\{|<<EOT\n|<<-EOT\n|EOT\n|jsonencode\\(|merge\\(|try\\(|format\\(\"%s\", |, |\\? |: |1|é|#|\"|\\{\"A\": \\[\"s3:x\"\\]\\}|statement \\{|principals \\{|type = \"\\*\"|identifiers = \\[\"\\*\"\\]|for k in |=> | ){0,50}"
    ) {
        let f = SourceFile::new("p.tf".into(), "p.tf".into(), Arc::from(s.as_str()));
        match parse_file(FileId(0), &f) {
            Ok(body) => {
                let input = ModuleInput { dir: ".".into(), files: vec![(FileId(0), &f, body)], tfvars: vec![] };
                let frag = build_module(&input);
                check_spans(&s, &frag);
            }
            Err(e) => {
                let span = e.span.expect("span");
                proptest::prop_assert!(span.end <= s.len());
            }
        }
    }
}

#[test]
fn seed_scenario_kms_key_policy_and_log_group() {
    let t = one(r#"
variable "region" { default = "eu-west-1" }
data "aws_region" "current" {}
resource "aws_kms_key" "logs" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Logs"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
      {
        Sid       = "Other"
        Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" }
      }
    ]
  })
}
resource "aws_cloudwatch_log_group" "app" {
  name       = "/ecs/app"
  kms_key_id = aws_kms_key.logs.arn
}
"#);
    let k = "aws_kms_key.logs";
    assert_eq!(
        t.json(k, "policy.Statement.0.Principal.Service"),
        "logs.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        t.span_text(k, "policy.Statement.0.Action.1"),
        "\"kms:GenerateDataKey*\""
    );
    assert!(
        t.get(k, "policy.Statement.1.Principal.Service")
            .is_unknown()
    );
    let e = t.edges_from("aws_cloudwatch_log_group.app");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].to.0, t.idx(k));
    assert_eq!(e[0].route, route("kms_key_id"));
    assert_eq!(t.text(e[0].span), "aws_kms_key.logs.arn");
    assert_eq!(
        t.span_text("aws_cloudwatch_log_group.app", "kms_key_id"),
        "aws_kms_key.logs.arn"
    );
    // the key's own edges: the data source and the variable, both on the `policy` route
    let ke = t.edges_from(k);
    assert!(ke.iter().all(|e| e.route == route("policy")));
    assert!(ke.iter().any(|e| e.to.0 == t.idx("var.region")));
    assert!(
        ke.iter()
            .any(|e| e.to.0 == t.idx("data.aws_region.current"))
    );
}

#[test]
fn single_interpolation_is_the_value_itself() {
    let t = one(r#"
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["s3:GetObject"]
  }
}
variable "n" { default = 3 }
resource "r" "n" {
  policy = "${data.aws_iam_policy_document.d.json}"
  n      = "${var.n}"
}
"#);
    assert_eq!(t.json("r.n", "policy.Statement.0.Action.0"), "s3:GetObject");
    assert_eq!(t.json("r.n", "n"), 3);
    assert_eq!(t.span_text("r.n", "n"), "\"${var.n}\"");
}

#[test]
fn provider_references_make_edges() {
    let t = one(r#"
provider "aws" { region = "eu-west-1" }
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
resource "aws_s3_bucket" "a" { provider = aws.us }
resource "aws_s3_bucket" "b" { provider = aws }
"#);
    let a = t.edges_from("aws_s3_bucket.a");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].to.0, t.idx("provider.aws.us"));
    let b = t.edges_from("aws_s3_bucket.b");
    assert_eq!(b[0].to.0, t.idx("provider.aws"));
    assert_eq!(t.json("provider.aws.us", "region"), "us-east-1");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let t = one(
        "\u{feff}resource \"r\" \"n\" {\r\n  a = \"x\"\r\n  p = <<EOT\r\n{\"A\": [\"s3:GetObject\"]}\r\nEOT\r\n}\r\n",
    );
    assert_eq!(t.json("r.n", "a"), "x");
    assert_eq!(t.span_text("r.n", "p.A.0"), "\"s3:GetObject\"");
}

// ---------------------------------------------------------------- instances (for_each, count)

#[test]
fn each_value_links_to_what_for_each_iterates() {
    let t = one(r#"
resource "aws_ecs_cluster" "main" { name = "main" }
resource "aws_ecs_service" "svc" {
  for_each = toset(["api"])
  name = each.key
  cluster = aws_ecs_cluster.main.id
}
resource "aws_appautoscaling_target" "svc" {
  for_each           = aws_ecs_service.svc
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${each.value.name}"
  min_capacity = 1
  max_capacity = 4
}
resource "aws_appautoscaling_policy" "svc" {
  for_each = aws_appautoscaling_target.svc
  name = each.key
  policy_type = "TargetTrackingScaling"
  service_namespace = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id = each.value.resource_id
  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification { predefined_metric_type = "ECSServiceAverageCPUUtilization" }
  }
}
"#);
    // the service's for_each is known: one instance, keyed "api", each.key known
    let svc = "aws_ecs_service.svc[\"api\"]";
    let n = t.node(svc);
    assert_eq!((n.name.as_str(), n.meta.for_each), ("svc", true));
    assert_eq!(t.json(svc, "name"), "api");
    assert_eq!(t.span_text(svc, "name"), "each.key");
    // the target's for_each is a resource: one node, each.* unknown, but `each.value` in
    // resource_id refers to what for_each iterates
    let tg = "aws_appautoscaling_target.svc";
    assert!(t.get(tg, "resource_id").is_unknown());
    let e = t.edges_from(tg);
    let rid: Vec<_> = e
        .iter()
        .filter(|e| e.route == route("resource_id"))
        .collect();
    assert!(rid.iter().any(|e| e.to.0 == t.idx(svc)));
    assert!(
        rid.iter()
            .any(|e| e.to.0 == t.idx("aws_ecs_cluster.main") && e.attr.as_deref() == Some("name"))
    );
    assert!(
        e.iter()
            .any(|e| e.route == route("for_each") && e.to.0 == t.idx(svc))
    );
    // the policy: resource_id (each.value.resource_id) refers to the target, and so does `name`
    // (each.key)
    let pe = t.edges_from("aws_appautoscaling_policy.svc");
    for r in ["resource_id", "name"] {
        assert!(
            pe.iter()
                .any(|e| e.route == route(r) && e.to.0 == t.idx(tg)),
            "{r}"
        );
    }
    // each.* in a block without for_each stays unknown without edges
    assert!(pe.iter().all(|e| e.to.0 == t.idx(tg)));
}

#[test]
fn for_each_over_a_known_map_expands_with_known_each_value() {
    let src = r#"
resource "aws_iam_role_policy" "svc" {
  for_each = { queue = { Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "arn:aws:sqs:us-east-1:123456789012:jobs" }] } }
  name = each.key
  role = "app"
  policy = jsonencode(each.value)
}
"#;
    let t = one(src);
    assert_eq!(t.frag.nodes.len(), 1);
    let a = "aws_iam_role_policy.svc[\"queue\"]";
    let n = t.node(a);
    assert_eq!((n.name.as_str(), n.meta.for_each), ("svc", true));
    assert_eq!(t.json(a, "name"), "queue");
    assert_eq!(t.json(a, "policy.Statement.0.Action"), "sqs:*");
    assert!(!serde_json::to_string(&t.json(a, "policy")).is_ok_and(|s| s.contains("$unknown")));
    // parts of each.value keep the spans of the for_each collection
    assert_eq!(t.span_text(a, "policy.Statement.0.Action"), "\"sqs:*\"");
    assert!(t.edges_from(a).is_empty());
}

#[test]
fn count_zero_and_empty_for_each_make_no_node() {
    let t = one(r#"
variable "enabled" { default = false }
resource "aws_kms_key" "k" { count = var.enabled ? 1 : 0 }
resource "aws_s3_bucket" "b" { for_each = {} }
resource "aws_s3_bucket" "c" { for_each = toset([]) }
resource "r" "n" {
  k = aws_kms_key.k[0].arn
  b = aws_s3_bucket.b
}
"#);
    for a in ["aws_kms_key.k", "aws_s3_bucket.b", "aws_s3_bucket.c"] {
        assert!(
            t.frag.nodes.iter().all(|n| !n.address.starts_with(a)),
            "{a}"
        );
    }
    assert!(t.get("r.n", "k").is_unknown());
    // only the variable edge from the count condition is left
    assert!(t.frag.edges.iter().all(|e| e.to.0 == t.idx("var.enabled")));
}

#[test]
fn count_two_makes_two_indexed_instances() {
    let t = one(r#"
resource "aws_sqs_queue" "q" {
  count = 2
  name  = "q-${count.index}"
  index = count.index
}
resource "r" "n" {
  one = aws_sqs_queue.q[1].arn
  all = aws_sqs_queue.q[*].arn
  bare = aws_sqs_queue.q
  unknown = aws_sqs_queue.q[var.i].arn
  missing = aws_sqs_queue.q[5].arn
}
"#);
    let (q0, q1) = ("aws_sqs_queue.q[0]", "aws_sqs_queue.q[1]");
    assert_eq!(t.node(q0).name, "q");
    assert!(t.node(q1).meta.count);
    assert_eq!(t.json(q0, "name"), "q-0");
    assert_eq!(t.json(q1, "name"), "q-1");
    assert_eq!(t.json(q1, "index"), 1);
    assert_eq!(t.span_text(q1, "index"), "count.index");
    let e = t.edges_from("r.n");
    let to = |r: &str| -> Vec<u32> {
        e.iter()
            .filter(|e| e.route == route(r))
            .map(|e| e.to.0)
            .collect()
    };
    // an indexed reference: that instance only, with the attribute after the index
    assert_eq!(to("one"), vec![t.idx(q1)]);
    assert!(
        e.iter()
            .filter(|e| e.route == route("one"))
            .all(|e| e.attr.as_deref() == Some("arn"))
    );
    // splat, bare address, unknown or missing index: every instance
    for r in ["all", "bare", "unknown", "missing"] {
        assert_eq!(to(r), vec![t.idx(q0), t.idx(q1)], "{r}");
    }
}

#[test]
fn unknown_for_each_keeps_one_node_with_each_edges() {
    let t = one(r#"
variable "queues" { type = map(string) }
resource "aws_sqs_queue" "q" {
  for_each = var.queues
  name     = each.value
  tags     = { k = each.key }
}
resource "aws_sqs_queue" "big" {
  count = 65
  name  = count.index
}
"#);
    let q = "aws_sqs_queue.q";
    assert!(t.node(q).meta.for_each);
    assert!(t.get(q, "name").is_unknown());
    assert!(t.get(q, "tags.k").is_unknown());
    let e = t.edges_from(q);
    for r in ["name", "tags", "for_each"] {
        assert!(
            e.iter()
                .any(|e| e.route == route(r) && e.to.0 == t.idx("var.queues")),
            "{r}"
        );
    }
    // more than 64 instances: one node, count.index unknown
    assert!(t.get("aws_sqs_queue.big", "name").is_unknown());
}

#[test]
fn for_each_set_instances_are_sorted_and_indexed_references_pick_one() {
    let t = one(r#"
resource "aws_s3_bucket" "b" {
  for_each = toset(["logs", "assets", "logs"])
  bucket   = "acme-${each.value}"
}
resource "r" "n" {
  a = aws_s3_bucket.b["assets"].arn
  k = aws_s3_bucket.b[local.k].arn
}
locals { k = "logs" }
"#);
    let addrs: Vec<&str> = t.frag.nodes.iter().map(|n| n.address.as_str()).collect();
    assert_eq!(
        addrs,
        vec![
            "aws_s3_bucket.b[\"assets\"]",
            "aws_s3_bucket.b[\"logs\"]",
            "r.n"
        ]
    );
    assert_eq!(t.json("aws_s3_bucket.b[\"logs\"]", "bucket"), "acme-logs");
    let e = t.edges_from("r.n");
    let a: Vec<_> = e.iter().filter(|e| e.route == route("a")).collect();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].to.0, t.idx("aws_s3_bucket.b[\"assets\"]"));
    assert_eq!(t.text(a[0].span), "aws_s3_bucket.b[\"assets\"].arn");
    let k: Vec<_> = e.iter().filter(|e| e.route == route("k")).collect();
    assert_eq!(k.len(), 1);
    assert_eq!(k[0].to.0, t.idx("aws_s3_bucket.b[\"logs\"]"));
}

#[test]
fn for_each_over_a_policy_document_builds_each_instance() {
    let t = one(r#"
locals {
  buckets = { logs = "acme-logs", assets = "acme-assets" }
}
data "aws_iam_policy_document" "read" {
  for_each = local.buckets
  statement {
    sid       = each.key
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${each.value}/*"]
  }
}
resource "aws_iam_policy" "p" {
  for_each = local.buckets
  name     = each.key
  policy   = data.aws_iam_policy_document.read[each.key].json
}
resource "aws_iam_policy" "one" {
  policy = data.aws_iam_policy_document.read["assets"].json
}
"#);
    let d = "data.aws_iam_policy_document.read[\"logs\"]";
    assert_eq!(t.json(d, "json.Statement.0.Sid"), "logs");
    assert_eq!(
        t.json(d, "json.Statement.0.Resource.0"),
        "arn:aws:s3:::acme-logs/*"
    );
    for k in ["logs", "assets"] {
        let p = format!("aws_iam_policy.p[\"{k}\"]");
        assert_eq!(t.json(&p, "policy.Statement.0.Sid"), k);
        assert_eq!(
            t.json(&p, "policy.Statement.0.Resource.0"),
            format!("arn:aws:s3:::acme-{k}/*").as_str()
        );
        let e = t.edges_from(&p);
        let pol: Vec<_> = e.iter().filter(|e| e.route == route("policy")).collect();
        assert_eq!(pol.len(), 1);
        assert_eq!(
            pol[0].to.0,
            t.idx(&format!("data.aws_iam_policy_document.read[\"{k}\"]"))
        );
        assert_eq!(pol[0].attr.as_deref(), Some("json"));
    }
    assert_eq!(
        t.json("aws_iam_policy.one", "policy.Statement.0.Sid"),
        "assets"
    );
    // a document's own references (here: none besides the local) stay on the data node
    assert!(t.edges_from("aws_iam_policy.one").len() == 1);
}

#[test]
fn toset_of_many_items_is_linear_and_keeps_terraform_equality() {
    // Used to compare every item with every kept item: 10^10 comparisons for 100k items.
    let n = 100_000;
    let items: Vec<String> = (0..n).map(|i| format!("\"i{}\"", i % (n / 2))).collect();
    let code = format!(
        "resource \"r\" \"n\" {{\n  big = toset([{}])\n  mixed = distinct([{{a = 1, b = [2]}}, {{b = [2], a = 1}}, 0, -0, \"0\", [1], [1.0]])\n}}\n",
        items.join(", ")
    );
    let t = one(&code);
    let big = t.json("r.n", "big");
    assert_eq!(big.as_array().map(Vec::len), Some(n / 2));
    assert_eq!(
        t.json("r.n", "mixed"),
        serde_json::json!([{"a": 1, "b": [2]}, 0, "0", [1]])
    );
}

// ---------------------------------------------------------------- what unknowns know

fn shape_at<'t>(t: &'t T, addr: &str, path: &str) -> &'t crate::value::Shape {
    match &t.get(addr, path).val {
        Val::Unknown(u) => u.shape(),
        other => panic!("{path}: expected an unknown, got {other:?}"),
    }
}

#[test]
fn unknowns_know_the_resource_attribute_they_read() {
    use crate::value::Shape;
    let t = one(r#"
resource "aws_s3_bucket" "b" {
  count = 2
}
data "aws_caller_identity" "current" {}
resource "r" "n" {
  plain     = aws_s3_bucket.b[0].arn
  quoted    = "${aws_s3_bucket.b[1].arn}"
  account   = data.aws_caller_identity.current.account_id
  deeper    = aws_s3_bucket.b[0].tags.Name
  expr_text = aws_s3_bucket.b[0].arn
}
"#);
    let attr = |owner: &str, name: &str| Shape::Attribute {
        owner: owner.into(),
        name: name.into(),
    };
    assert_eq!(
        shape_at(&t, "r.n", "plain"),
        &attr("aws_s3_bucket.b", "arn")
    );
    assert_eq!(
        shape_at(&t, "r.n", "quoted"),
        &attr("aws_s3_bucket.b", "arn")
    );
    assert_eq!(
        shape_at(&t, "r.n", "account"),
        &attr("data.aws_caller_identity.current", "account_id")
    );
    assert_eq!(shape_at(&t, "r.n", "deeper"), &Shape::Opaque);
    // The expression text is unchanged.
    assert_eq!(
        t.json("r.n", "expr_text"),
        serde_json::json!({"$unknown": "aws_s3_bucket.b[0].arn"})
    );
}

#[test]
fn unknowns_know_a_template_and_an_account_root() {
    use crate::value::{Part, Shape};
    let t = one(r#"
variable "x" {}
resource "aws_s3_bucket" "b" {}
data "aws_caller_identity" "current" {}
resource "r" "n" {
  objects  = "${aws_s3_bucket.b.arn}/*"
  root     = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"
  escaped  = "$${aws:username}-${var.x}"
  directed = "%{if var.x}*%{endif}${var.x}"
  heredoc  = <<EOT
prefix-${var.x}
EOT
}
"#);
    let arn = Shape::Attribute {
        owner: "aws_s3_bucket.b".into(),
        name: "arn".into(),
    };
    assert_eq!(
        shape_at(&t, "r.n", "objects"),
        &Shape::Template(vec![Part::Hole(arn), Part::Lit("/*".into())])
    );
    assert!(shape_at(&t, "r.n", "root").is_account_root());
    assert_eq!(
        shape_at(&t, "r.n", "escaped"),
        &Shape::Template(vec![
            Part::Lit("${aws:username}-".into()),
            Part::Hole(Shape::Opaque)
        ])
    );
    // The directive is a hole: its `*` may or may not be in the value.
    assert_eq!(
        shape_at(&t, "r.n", "directed"),
        &Shape::Template(vec![Part::Hole(Shape::Opaque), Part::Hole(Shape::Opaque)])
    );
    assert_eq!(
        t.json("r.n", "directed"),
        serde_json::json!({"$unknown": "\"%{if var.x}*%{endif}${var.x}\""})
    );
    assert_eq!(
        shape_at(&t, "r.n", "heredoc"),
        &Shape::Template(vec![
            Part::Lit("prefix-".into()),
            Part::Hole(Shape::Opaque),
            Part::Lit("\n".into())
        ])
    );
}

#[test]
fn variables_locals_and_function_results_know_nothing() {
    use crate::value::Shape;
    let t = one(r#"
variable "x" {}
resource "aws_s3_bucket" "b" {}
locals {
  arn = aws_s3_bucket.b.arn
}
resource "r" "n" {
  var   = var.x
  local = local.arn
  fn    = upper(var.x)
  cond  = var.x ? "a" : "b"
}
"#);
    for p in ["var", "local", "fn", "cond"] {
        assert_eq!(shape_at(&t, "r.n", p), &Shape::Opaque, "{p}");
    }
}

#[test]
fn if_directives_with_a_known_condition_are_evaluated() {
    use crate::value::{Part, Shape};
    let t = one(r#"
variable "on" {
  default = true
}
variable "x" {}
resource "aws_s3_bucket" "b" {}
resource "r" "n" {
  chosen   = "a-%{if var.on}yes%{else}no%{endif}"
  other    = "a-%{if !var.on}yes%{else}no%{endif}"
  no_else  = "a-%{if false}yes%{endif}"
  inner    = "%{if var.on}${aws_s3_bucket.b.arn}/*%{endif}"
  unknown  = "%{if var.x}*%{endif}"
  stripped = "%{~if var.x~} * %{~endif~}"
  trimmed  = "a  %{~if var.x}*%{endif~}  b"
  trim_in  = "a ${~var.x~} b"
  loop     = "%{for s in ["a"]}${s}%{endfor}"
  heredoc  = <<EOT
%{if var.on}{"A": 1}%{endif}
EOT
}
"#);
    assert_eq!(t.get("r.n", "chosen").as_str(), Some("a-yes"));
    assert_eq!(t.get("r.n", "other").as_str(), Some("a-no"));
    assert_eq!(t.get("r.n", "no_else").as_str(), Some("a-"));
    let arn = Shape::Attribute {
        owner: "aws_s3_bucket.b".into(),
        name: "arn".into(),
    };
    assert_eq!(
        shape_at(&t, "r.n", "inner"),
        &Shape::Template(vec![Part::Hole(arn), Part::Lit("/*".into())])
    );
    // The reference inside the chosen branch is an edge, once.
    let to_bucket = t
        .edges_from("r.n")
        .iter()
        .filter(|e| e.to.0 == t.idx("aws_s3_bucket.b"))
        .count();
    assert_eq!(to_bucket, 1);
    for p in ["unknown", "stripped", "loop"] {
        assert!(shape_at(&t, "r.n", p).may_be("*"), "{p}");
    }
    assert_eq!(t.json("r.n", "heredoc"), serde_json::json!({"A": 1}));
    // Strip markers trim the literal next to them.
    let hole = || Part::Hole(Shape::Opaque);
    assert_eq!(
        shape_at(&t, "r.n", "trimmed"),
        &Shape::Template(vec![Part::Lit("a".into()), hole(), Part::Lit("b".into())])
    );
    assert_eq!(
        shape_at(&t, "r.n", "trim_in"),
        &Shape::Template(vec![Part::Lit("a".into()), hole(), Part::Lit("b".into())])
    );
}

#[test]
fn heredocs_with_strip_markers_know_nothing_of_their_text() {
    use crate::value::Shape;
    let t = one(r#"
variable "x" {}
resource "r" "n" {
  plain = <<EOT
prefix-${var.x}
EOT
  stripped = <<EOT
prefix %{~ if var.x ~} * %{~ endif ~}
EOT
}
"#);
    assert!(!shape_at(&t, "r.n", "plain").may_be("*"));
    assert_eq!(shape_at(&t, "r.n", "stripped"), &Shape::Opaque);
}
