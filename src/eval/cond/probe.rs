//! Test helpers: one value as a front end reads it, to test conditions over what the front
//! ends know of unknowns.

use std::sync::Arc;

use crate::source::{FileId, SourceFile};
use crate::value::{Shape, Spanned, Val};

/// Resources the probes refer to.
const TF_PRELUDE: &str = r#"
resource "aws_s3_bucket" "data" {}
resource "aws_ecr_repository" "api" {}
resource "aws_dynamodb_table" "jobs" {}
resource "aws_iam_role" "app" {}
data "aws_caller_identity" "current" {}
variable "resource" {}
variable "prefix" {}
variable "x" {}
variable "bucket_arn" {}
variable "admin_arn" {}
locals {
  arn = var.bucket_arn
}
"#;

/// The value of Terraform attribute `v = <expr>` (`expr` may be a heredoc).
pub(crate) fn terraform(expr: &str) -> Spanned {
    let text = format!("{TF_PRELUDE}\nresource \"x_probe\" \"p\" {{\n  v = {expr}\n}}\n");
    let f = SourceFile::new("p.tf".into(), "p.tf".into(), Arc::from(text.as_str()));
    let body = match crate::terraform::parse_file(FileId(0), &f) {
        Ok(b) => b,
        Err(e) => panic!("{expr}: {e:?}"),
    };
    let input = crate::terraform::ModuleInput {
        dir: "m".into(),
        files: vec![(FileId(0), &f, body)],
        tfvars: vec![],
    };
    let frag = crate::terraform::build_module(&input);
    let node = frag.nodes.iter().find(|n| n.address == "x_probe.p");
    match node.and_then(|n| n.attrs.get("v")) {
        Some(v) => v.clone(),
        None => panic!("no probe value for {expr}"),
    }
}

/// The value of CloudFormation property `V: <value>` (YAML, flow style for JSON forms).
pub(crate) fn cloudformation(value: &str) -> Spanned {
    let text = format!(
        "Resources:
  LogsKey: {{Type: AWS::KMS::Key}}
  JobsTable: {{Type: AWS::DynamoDB::Table}}
  Topic: {{Type: AWS::SNS::Topic}}
  Api: {{Type: AWS::ApiGateway::RestApi}}
  AppRole: {{Type: AWS::IAM::Role}}
  Probe:
    Type: AWS::SQS::Queue
    Properties:
      V: {value}
"
    );
    let f = SourceFile::new("p.yaml".into(), "p.yaml".into(), Arc::from(text.as_str()));
    let frag = match crate::cloudformation::build_template(FileId(0), &f) {
        Ok(frag) => frag,
        Err(e) => panic!("{value}: {}", e.message),
    };
    let node = frag.nodes.iter().find(|n| n.address == "Probe");
    match node.and_then(|n| n.attrs.get("V")) {
        Some(v) => v.clone(),
        None => panic!("no probe value for {value}"),
    }
}

/// What is known of an unknown value (panics on a known one).
pub(crate) fn shape(v: &Spanned) -> &Shape {
    match &v.val {
        Val::Unknown(u) => u.shape(),
        other => panic!("expected an unknown, got {other:?}"),
    }
}
