#!/usr/bin/env python3
"""Generate a tree of Terraform modules for benchmarking iaclint.

    python3 benches/gen_tree.py OUT_DIR --modules N [--seed S] [--force]

Writes OUT_DIR/mod_0001 ... OUT_DIR/mod_NNNN. Each module has 3-5 .tf files
(providers.tf, variables.tf and 1-3 scenario files) plus a terraform.tfvars.
The scenarios follow examples/terraform: ECS service + autoscaling, KMS key +
log group, VPC Lambda + role + boundary, IAM policies (jsonencode, heredoc,
aws_iam_policy_document) and S3 bucket + policy. About a third of the
scenario instances violate a rule; the rest are clean.

About one module in twelve also gets a .terraform/ directory (the provider and
module cache `terraform init` leaves behind). It holds .tf files full of
violations: the linter must skip .terraform/, so these must never show up in
the findings.

Output depends only on --seed and the module index: the same arguments always
produce the same files. Standard library only.
"""

import argparse
import json
import os
import random
import shutil
import sys

WORDS = [
    "orders", "billing", "catalog", "search", "checkout", "payments", "ledger",
    "inventory", "shipping", "reports", "profile", "notify", "audit", "ingest",
    "export", "pricing", "session", "media", "quota", "events",
]
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]


def render(template, **values):
    """Replace @KEY@ placeholders (HCL uses ${...} itself, so no str.format)."""
    out = template
    for key, value in values.items():
        out = out.replace("@" + key.upper() + "@", str(value))
    assert "@" not in out.replace("@sha256", ""), out
    return out


# ---------------------------------------------------------------------------
# providers.tf / variables.tf / terraform.tfvars
# ---------------------------------------------------------------------------

PROVIDERS_BACKEND = '''terraform {
  required_version = ">= 1.5.0"

  backend "s3" {
    bucket         = "@APP@-terraform-state"
    key            = "@MODULE@/terraform.tfstate"
    region         = "@REGION@"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
'''

PROVIDERS_NO_BACKEND = '''terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
'''

PROVIDER = '''
provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Application = var.name
      ManagedBy   = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}
'''

VARIABLES = '''variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "@REGION@"
}

variable "name" {
  description = "Application name used as a resource prefix."
  type        = string
  default     = "@APP@"
}

variable "environment" {
  type    = string
  default = "@ENV@"
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "desired_count" {
  type    = number
  default = @COUNT@
}

variable "image" {
  description = "Container image, pinned by digest."
  type        = string
}

variable "log_retention_days" {
  type    = number
  default = @RETENTION@
}

variable "metrics_namespace" {
  type    = string
  default = "@NAMESPACE@"
}

locals {
  prefix     = "${var.name}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  common_tags = {
    Owner      = "@OWNER@"
    CostCenter = "@COST@"
  }
}
'''

TFVARS = '''region             = "@REGION@"
name               = "@APP@"
environment        = "@ENV@"
vpc_id             = "vpc-@HEX8@"
private_subnet_ids = ["subnet-@HEX8@a", "subnet-@HEX8@b"]
image              = "111122223333.dkr.ecr.@REGION@.amazonaws.com/@APP@@sha256:@DIGEST@"
desired_count      = @COUNT@
'''

# ---------------------------------------------------------------------------
# ECS service + autoscaling
# ---------------------------------------------------------------------------

ECS_CLUSTER = '''resource "aws_ecs_cluster" "main" {
  name = local.prefix

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_security_group" "service" {
  name   = "${local.prefix}-service"
  vpc_id = var.vpc_id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
'''

ECS_SERVICE = '''
resource "aws_lb_target_group" "@SVC@" {
  name        = "${local.prefix}-@SVC@"
  port        = @PORT@
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    enabled             = true
    interval            = 30
    path                = "/health"
    healthy_threshold   = 2
    unhealthy_threshold = 5
    timeout             = 5
    matcher             = "200-399"
  }
}

resource "aws_ecs_task_definition" "@SVC@" {
  family                   = "${local.prefix}-@SVC@"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = @CPU@
  memory                   = @MEM@

  container_definitions = jsonencode([
    {
      name         = "@SVC@"
      image        = var.image
      essential    = true
      portMappings = [{ containerPort = @PORT@, protocol = "tcp" }]
    }
  ])
}

resource "aws_ecs_service" "@SVC@" {
  name            = "@SVC@"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.@SVC@.arn

  deployment_minimum_healthy_percent = 50
  deployment_maximum_percent         = 200
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
@BREAKER@
  network_configuration {
    assign_public_ip = false
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.@SVC@.arn
    container_name   = "@SVC@"
    container_port   = @PORT@
  }
}
'''

ECS_BREAKER = '''
  deployment_circuit_breaker {
    enable   = true
    rollback = @ROLLBACK@
  }
'''

ECS_AUTOSCALING = '''
resource "aws_appautoscaling_target" "@SVC@" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.@SVC@.name}"
  min_capacity       = var.desired_count
  max_capacity       = @MAX@
}

resource "aws_appautoscaling_policy" "@SVC@_@METRIC_SHORT@" {
  name               = "${local.prefix}-@SVC@-@METRIC_SHORT@"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.@SVC@.service_namespace
  scalable_dimension = aws_appautoscaling_target.@SVC@.scalable_dimension
  resource_id        = aws_appautoscaling_target.@SVC@.resource_id

  target_tracking_scaling_policy_configuration {
    target_value = @TARGET@

    predefined_metric_specification {
      predefined_metric_type = "@METRIC@"
    }
  }
}
'''


def ecs_file(rng, names):
    parts = [ECS_CLUSTER]
    bad = 0
    for svc in names:
        mode = rng.choices(["ok", "no_breaker", "rollback_false", "no_autoscaling"], [7, 1, 1, 1])[0]
        bad += mode != "ok"
        if mode == "no_breaker":
            breaker = ""
        else:
            breaker = render(ECS_BREAKER, rollback="false" if mode == "rollback_false" else "true")
        port = rng.choice([8080, 8000, 3000, 9000])
        parts.append(render(ECS_SERVICE, svc=svc, port=port, breaker=breaker,
                            cpu=rng.choice([256, 512, 1024]), mem=rng.choice([512, 1024, 2048])))
        if mode != "no_autoscaling":
            metric = rng.choice([("ECSServiceAverageCPUUtilization", "cpu"),
                                 ("ECSServiceAverageMemoryUtilization", "memory")])
            parts.append(render(ECS_AUTOSCALING, svc=svc, max=rng.randint(4, 20),
                                target=rng.choice([50, 60, 70, 75]),
                                metric=metric[0], metric_short=metric[1]))
    return "".join(parts), bad


# ---------------------------------------------------------------------------
# KMS key + log group
# ---------------------------------------------------------------------------

KMS_DOC = '''
data "aws_iam_policy_document" "@KEY@_key" {
  statement {
    sid       = "EnableRootAccountPermissions"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
@LOGS_STATEMENT@}

resource "aws_kms_key" "@KEY@" {
  description         = "Encrypts the @KEY@ log group"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.@KEY@_key.json
}
'''

KMS_DOC_LOGS = '''
  statement {
    sid = "AllowCloudWatchLogs"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${var.region}:${local.account_id}:log-group:*"]
    }
  }
'''

KMS_JSON = '''
resource "aws_kms_key" "@KEY@" {
  description         = "Encrypts the @KEY@ log group"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "@KEY@" {
  key_id = aws_kms_key.@KEY@.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableRootAccountPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },@LOGS_STATEMENT@
    ]
  })
}
'''

KMS_JSON_LOGS = '''
      {
        Sid       = "AllowCloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${var.region}:${local.account_id}:log-group:*"
          }
        }
      },'''

KMS_DEFAULT = '''
resource "aws_kms_key" "@KEY@" {
  description         = "Encrypts the @KEY@ log group"
  enable_key_rotation = true
}
'''

LOG_GROUP = '''
resource "aws_cloudwatch_log_group" "@KEY@" {
  name              = "/${var.name}/${var.environment}/@KEY@"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.@KEY@.arn
}
'''


def kms_file(rng, names):
    parts = []
    bad = 0
    for key in names:
        mode = rng.choices(["doc_ok", "json_ok", "doc_missing", "json_missing", "default"], [4, 3, 1, 1, 1])[0]
        bad += mode in ("doc_missing", "json_missing", "default")
        if mode.startswith("doc"):
            parts.append(render(KMS_DOC, key=key, logs_statement=KMS_DOC_LOGS if mode == "doc_ok" else ""))
        elif mode.startswith("json"):
            parts.append(render(KMS_JSON, key=key, logs_statement=KMS_JSON_LOGS if mode == "json_ok" else ""))
        else:
            parts.append(render(KMS_DEFAULT, key=key))
        parts.append(render(LOG_GROUP, key=key))
    return "".join(parts).lstrip("\n"), bad


# ---------------------------------------------------------------------------
# VPC Lambda + role + boundary
# ---------------------------------------------------------------------------

LAMBDA = '''
data "aws_iam_policy_document" "@FN@_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "@FN@_boundary" {
  name = "${local.prefix}-@FN@-boundary"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AllowedLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.prefix}-@FN@:*"
      },
      {
        Sid      = "AllowedTracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },@ENI@
    ]
  })
}

resource "aws_iam_role" "@FN@" {
  name                 = "${local.prefix}-@FN@"
  assume_role_policy   = data.aws_iam_policy_document.@FN@_assume.json
  permissions_boundary = aws_iam_policy.@FN@_boundary.arn
}

resource "aws_iam_role_policy_attachment" "@FN@_vpc_access" {
  role       = aws_iam_role.@FN@.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_security_group" "@FN@" {
  name   = "${local.prefix}-@FN@"
  vpc_id = var.vpc_id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lambda_function" "@FN@" {
  function_name = "${local.prefix}-@FN@"
  role          = aws_iam_role.@FN@.arn
  runtime       = "@RUNTIME@"
  handler       = "@FN@.handler.lambda_handler"
  memory_size   = @MEM@
  timeout       = @TIMEOUT@
  s3_bucket     = "${var.name}-lambda-artifacts"
  s3_key        = "@FN@/@VERSION@/@FN@.zip"
@VPC@
  tracing_config {
    mode = "Active"
  }

  environment {
    variables = {
      LOG_LEVEL = "@LOGLEVEL@"
    }
  }
}
'''

LAMBDA_VPC = '''
  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.@FN@.id]
  }
'''

ENI_EXPLICIT = '''
      {
        Sid    = "AllowLambdaVpcNetworking"
        Effect = "Allow"
        Action = [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ]
        Resource = "*"
      },'''

ENI_WILDCARD = '''
      {
        Sid      = "AllowLambdaVpcNetworking"
        Effect   = "Allow"
        Action   = ["ec2:*NetworkInterface*", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        Resource = "*"
      },'''


def lambda_file(rng, names):
    parts = []
    bad = 0
    for fn in names:
        mode = rng.choices(["explicit", "wildcard", "missing", "no_vpc"], [4, 2, 2, 2])[0]
        bad += mode == "missing"
        eni = {"explicit": ENI_EXPLICIT, "wildcard": ENI_WILDCARD}.get(mode, "")
        vpc = "" if mode == "no_vpc" else render(LAMBDA_VPC, fn=fn)
        parts.append(render(LAMBDA, fn=fn, eni=eni, vpc=vpc,
                            runtime=rng.choice(["python3.13", "python3.12", "nodejs22.x"]),
                            mem=rng.choice([128, 256, 512, 1024]), timeout=rng.choice([10, 30, 60]),
                            version="2025-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
                            loglevel=rng.choice(["INFO", "WARNING"])))
    return "".join(parts).lstrip("\n"), bad


# ---------------------------------------------------------------------------
# IAM policies: jsonencode, heredoc, aws_iam_policy_document
# ---------------------------------------------------------------------------

# (effect, actions, resource expression, condition or None, violating?)
GOOD_STATEMENTS = [
    ("Allow", ["s3:GetObject", "s3:PutObject"], '"${aws_s3_bucket.@APPN@.arn}/*"', None),
    ("Allow", ["s3:ListBucket"], "aws_s3_bucket.@APPN@.arn", None),
    ("Allow", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
     '"arn:aws:dynamodb:${var.region}:${local.account_id}:table/${local.prefix}-@ROLE@"', None),
    ("Allow", ["sqs:SendMessage"], '"arn:aws:sqs:${var.region}:${local.account_id}:${local.prefix}-@ROLE@-dlq"', None),
    ("Allow", ["cloudwatch:PutMetricData"], '"*"', ("StringEquals", "cloudwatch:namespace", "var.metrics_namespace")),
    ("Allow", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], '"*"', None),
    ("Allow", ["ec2:Describe*"], '"*"', None),
    ("Allow", ["ecr:GetAuthorizationToken"], '"*"', None),
    ("Allow", ["sts:GetCallerIdentity"], '"*"', None),
    ("Allow", ["logs:DescribeLogGroups"], '"*"', None),
    ("Deny", ["*"], '"*"', ("StringEquals", "aws:ResourceTag/Environment", '"production"')),
]
BAD_STATEMENTS = [
    ("Allow", ["*"], '"*"', None),
    ("Allow", ["s3:*"], '"*"', None),
    ("Allow", ["s3:DeleteObject"], '"*"', None),
    ("Allow", ["sts:AssumeRole"], '"*"', None),
    ("Allow", ["dynamodb:*"], '"arn:aws:dynamodb:${var.region}:${local.account_id}:table/${local.prefix}-@ROLE@"', None),
    ("Allow", ["iam:PassRole"], '"*"', None),
]

IAM_ROLE = '''
resource "aws_iam_role" "@ROLE@" {
  name = "${local.prefix}-@ROLE@"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "ecs-tasks.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}
'''


def hcl_list(items):
    return "[" + ", ".join('"%s"' % a for a in items) + "]"


def stmt_jsonencode(i, st):
    effect, actions, res, cond = st
    width = 9 if cond else 8  # terraform fmt aligns the "=" of consecutive attributes
    pairs = [("Sid", '"S%d"' % i), ("Effect", '"%s"' % effect),
             ("Action", hcl_list(actions) if len(actions) > 1 else '"%s"' % actions[0]),
             ("Resource", res)]
    if cond:
        pairs.append(("Condition", '{ %s = { "%s" = %s } }' % cond))
    lines = ['      {'] + ['        %s = %s' % (k.ljust(width), v) for k, v in pairs] + ['      },']
    return "\n".join(lines)


def policy_jsonencode(statements):
    body = "\n".join(stmt_jsonencode(i, st) for i, st in enumerate(statements))
    return 'jsonencode({\n    Version = "2012-10-17"\n    Statement = [\n%s\n    ]\n  })' % body


def to_template(expr):
    """An HCL expression as it would appear inside a heredoc JSON string."""
    if expr.startswith('"'):
        return expr[1:-1]
    return "${%s}" % expr


def policy_heredoc(statements, indented):
    stmts = []
    for i, (effect, actions, res, cond) in enumerate(statements):
        action = ('"%s"' % actions[0]) if len(actions) == 1 else "[" + ", ".join('"%s"' % a for a in actions) + "]"
        s = ('    {\n      "Sid": "S%d",\n      "Effect": "%s",\n      "Action": %s,\n      "Resource": "%s"'
             % (i, effect, action, to_template(res)))
        if cond:
            s += ',\n      "Condition": { "%s": { "%s": "%s" } }' % (cond[0], cond[1], to_template(cond[2]))
        stmts.append(s + "\n    }")
    doc = '{\n  "Version": "2012-10-17",\n  "Statement": [\n%s\n  ]\n}' % ",\n".join(stmts)
    if indented:
        return "<<-EOT\n" + "\n".join("    " + l for l in doc.split("\n")) + "\n  EOT"
    return "<<EOF\n" + doc + "\nEOF"


def policy_document(name, statements):
    out = ['data "aws_iam_policy_document" "%s" {' % name]
    for i, (effect, actions, res, cond) in enumerate(statements):
        out.append("  statement {")
        out.append('    sid       = "S%d"' % i)
        out.append('    effect    = "%s"' % effect)
        out.append("    actions   = %s" % hcl_list(actions))
        out.append("    resources = [%s]" % res)
        if cond:
            out.append("")
            out.append("    condition {")
            out.append('      test     = "%s"' % cond[0])
            out.append('      variable = "%s"' % cond[1])
            out.append("      values   = [%s]" % cond[2])
            out.append("    }")
        out.append("  }")
    out.append("}")
    return "\n".join(out)


def iam_file(rng, names, app):
    parts = ['''resource "aws_s3_bucket" "@APPN@" {
  bucket = "${local.prefix}-data-${local.account_id}"
}
''']
    bad = 0
    for role in names:
        parts.append(IAM_ROLE)
        for p in range(rng.randint(1, 3)):
            n = rng.randint(1, 4)
            stmts = rng.sample(GOOD_STATEMENTS, n)
            if rng.random() < 0.3:
                stmts.insert(rng.randrange(len(stmts) + 1), rng.choice(BAD_STATEMENTS))
                bad += 1
            stmts = [(e, a, r.replace("@ROLE@", role), c) for e, a, r, c in stmts]
            pname = "%s_%d" % (role, p)
            style = rng.choice(["jsonencode", "jsonencode", "heredoc", "heredoc_indented", "document"])
            head = 'resource "aws_iam_role_policy" "%s" {\n  name = "%s"\n  role = aws_iam_role.%s.id\n' % (
                pname, pname.replace("_", "-"), role)
            if style == "document":
                head = head.replace("  name = ", "  name   = ").replace("  role = ", "  role   = ")
                parts.append("\n" + policy_document(pname, stmts) + "\n\n" + head +
                             "  policy = data.aws_iam_policy_document.%s.json\n}\n" % pname)
            elif style == "jsonencode":
                parts.append("\n" + head + "\n  policy = " + policy_jsonencode(stmts) + "\n}\n")
            else:
                parts.append("\n" + head + "\n  policy = " + policy_heredoc(stmts, style == "heredoc_indented") + "\n}\n")
        parts = [x.replace("@ROLE@", role) if "@ROLE@" in x else x for x in parts]
    return render("".join(parts), appn=app), bad


# ---------------------------------------------------------------------------
# S3 bucket + bucket policy
# ---------------------------------------------------------------------------

S3 = '''
resource "aws_s3_bucket" "@B@" {
  bucket = "${local.prefix}-@B@-${local.account_id}"
  tags   = local.common_tags
}

resource "aws_s3_bucket_public_access_block" "@B@" {
  bucket = aws_s3_bucket.@B@.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "@B@" {
  bucket = aws_s3_bucket.@B@.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_policy" "@B@" {
  bucket = aws_s3_bucket.@B@.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.@B@.arn, "${aws_s3_bucket.@B@.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_iam_policy" "@B@_access" {
  name = "${local.prefix}-@B@-access"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${aws_s3_bucket.@B@.arn}/*"
      },
      {
        Effect   = "Allow"
        Action   = "s3:DeleteObject"
        Resource = @DELETE@
      },
    ]
  })
}
'''


def s3_file(rng, names):
    parts = []
    bad = 0
    for b in names:
        violating = rng.random() < 0.3
        bad += violating
        delete = '"*"' if violating else '"${aws_s3_bucket.%s.arn}/temp/*"' % b
        parts.append(render(S3, b=b, delete=delete))
    return "".join(parts).lstrip("\n"), bad


# ---------------------------------------------------------------------------
# .terraform/ cache (must be skipped by the linter)
# ---------------------------------------------------------------------------

CACHED_MODULE = '''# Vendored by `terraform init`. iaclint must not lint anything under .terraform/.
resource "aws_iam_policy" "vendored_admin" {
  name   = "vendored-admin"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_ecs_service" "vendored" {
  name          = "vendored"
  desired_count = 1
  launch_type   = "FARGATE"
}
'''

LOCK_FILE = '''# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = "~> 5.0"
}
'''


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


SCENARIOS = ["ecs", "kms", "lambda", "iam", "s3"]


def gen_module(out_dir, index, seed):
    rng = random.Random("iaclint-bench:%s:%d" % (seed, index))
    module = "mod_%04d" % index
    mdir = os.path.join(out_dir, module)
    app = rng.choice(WORDS)
    region = rng.choice(REGIONS)
    common = dict(app=app, region=region, module=module)

    files = {}
    head = PROVIDERS_BACKEND if rng.random() < 0.8 else PROVIDERS_NO_BACKEND
    files["providers.tf"] = render(head, **common) + PROVIDER
    files["variables.tf"] = render(
        VARIABLES, env=rng.choice(["dev", "preprod", "prod"]), count=rng.randint(1, 6),
        retention=rng.choice([30, 90, 365]), namespace="%s/Service" % app.capitalize(),
        owner=rng.choice(["platform", "payments-team", "data-eng"]), cost="cc-%04d" % rng.randint(1, 9999),
        **common)

    bad = 0
    for scenario in rng.sample(SCENARIOS, rng.randint(1, 3)):
        names = rng.sample([w for w in WORDS if w != app], rng.randint(1, 3))
        if scenario == "ecs":
            text, b = ecs_file(rng, names)
        elif scenario == "kms":
            text, b = kms_file(rng, names)
        elif scenario == "lambda":
            text, b = lambda_file(rng, names)
        elif scenario == "iam":
            text, b = iam_file(rng, names, app)
        else:
            text, b = s3_file(rng, names)
        files["%s.tf" % scenario] = text
        bad += b

    files["terraform.tfvars"] = render(
        TFVARS, env="prod", count=rng.randint(1, 6), hex8="%08x" % rng.getrandbits(32),
        digest="%064x" % rng.getrandbits(256), **common)

    cached = rng.random() < 1 / 12
    if cached:
        files[".terraform/modules/vendored/main.tf"] = CACHED_MODULE
        files[".terraform/modules/modules.json"] = '{"Modules":[{"Key":"","Source":"","Dir":"."}]}\n'
        files[".terraform.lock.hcl"] = LOCK_FILE

    for rel, text in files.items():
        write(os.path.join(mdir, rel), text)
    tf = sum(1 for rel in files if rel.endswith(".tf") and not rel.startswith(".terraform/"))
    size = sum(len(t.encode()) for rel, t in files.items() if not rel.startswith(".terraform/"))
    return tf, size, bad, cached


def cfn_template(rng, index):
    """A CloudFormation template (dict) with the seed scenarios, some violating."""
    bad = lambda: rng.random() < 0.33
    r = {}
    r["Cluster"] = {"Type": "AWS::ECS::Cluster"}
    breaker = {"Enable": True, "Rollback": not bad()}
    svc = {"Cluster": {"Ref": "Cluster"}, "DesiredCount": 2, "LaunchType": "FARGATE",
           "TaskDefinition": "app:%d" % index,
           "DeploymentConfiguration": {"MinimumHealthyPercent": 50, "MaximumPercent": 200}}
    if not bad():
        svc["DeploymentConfiguration"]["DeploymentCircuitBreaker"] = breaker
    r["Service"] = {"Type": "AWS::ECS::Service", "Properties": svc,
                    "Metadata": {"aws:cdk:path": "Stack%d/Service/Service" % index}}
    if not bad():
        r["Target"] = {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
            "ServiceNamespace": "ecs", "ScalableDimension": "ecs:service:DesiredCount",
            "MinCapacity": 1, "MaxCapacity": 4,
            "ResourceId": {"Fn::Join": ["/", ["service", {"Ref": "Cluster"}, {"Fn::GetAtt": ["Service", "Name"]}]]}}}
        r["Cpu"] = {"Type": "AWS::ApplicationAutoScaling::ScalingPolicy", "Properties": {
            "PolicyName": "cpu", "PolicyType": "TargetTrackingScaling", "ScalingTargetId": {"Ref": "Target"},
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 60, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}}
    statements = [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}},
                   "Action": "kms:*", "Resource": "*"}]
    if not bad():
        statements.append({"Effect": "Allow", "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
                           "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                           "Resource": "*"})
    r["Key"] = {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": statements}}}
    r["Logs"] = {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30,
                 "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}}
    actions = ["s3:GetObject", "logs:CreateLogStream", "logs:PutLogEvents"]
    if not bad():
        actions += ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
    r["Boundary"] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}}
    r["Role"] = {"Type": "AWS::IAM::Role", "Properties": {"PermissionsBoundary": {"Ref": "Boundary"},
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}
    r["Fn"] = {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.13", "Handler": "app.handler",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": "def handler(e, c): pass"},
        "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}}
    policy_action = "*" if bad() else ["s3:GetObject"]
    policy_resource = "*" if bad() else {"Fn::Sub": "arn:aws:s3:::data-${AWS::AccountId}/*"}
    r["Policy"] = {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "app", "Roles": [{"Ref": "Role"}],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": policy_action, "Resource": policy_resource},
            {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
             "Condition": {"StringEquals": {"cloudwatch:namespace": "App"}}}]}}}
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": r}


def yaml_dump(v, indent=0):
    """A small YAML emitter for the generated templates (plain block style, quoted strings)."""
    pad = "  " * indent
    if isinstance(v, dict):
        if not v:
            return " {}\n"
        out = "\n"
        for k, x in v.items():
            out += "%s%s:%s" % (pad, json.dumps(k) if ":" in k else k, yaml_dump(x, indent + 1))
        return out
    if isinstance(v, list):
        if not v:
            return " []\n"
        out = "\n"
        for x in v:
            inner = yaml_dump(x, indent + 1)
            out += "%s-%s" % (pad, inner if not inner.startswith("\n") else "\n" + inner[1:])
        return out
    return " %s\n" % json.dumps(v)


def gen_templates(out_dir, count, seed):
    """COUNT templates under OUT_DIR/cfn/: JSON (CDK-style) for even indices, YAML for odd."""
    d = os.path.join(out_dir, "cfn")
    os.makedirs(d, exist_ok=True)
    size = 0
    for i in range(1, count + 1):
        rng = random.Random("%s-cfn-%d" % (seed, i))
        t = cfn_template(rng, i)
        if i % 2 == 0:
            text = json.dumps(t, indent=1) + "\n"
            name = "Stack%04d.template.json" % i
        else:
            text = yaml_dump(t).lstrip("\n")
            name = "stack%04d.yaml" % i
        write(os.path.join(d, name), text)
        size += len(text.encode("utf-8"))
    return size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--modules", type=int, required=True, help="number of module directories")
    ap.add_argument("--seed", default="1", help="seed (any string); default 1")
    ap.add_argument("--force", action="store_true", help="delete existing mod_* directories in OUT_DIR first")
    ap.add_argument("--templates", type=int, default=0, help="also write this many CloudFormation templates under OUT_DIR/cfn/")
    args = ap.parse_args(argv)
    if args.modules < 1 or args.modules > 9999:
        ap.error("--modules must be between 1 and 9999")

    existing = [d for d in os.listdir(args.out_dir) if d.startswith("mod_")] if os.path.isdir(args.out_dir) else []
    if existing:
        if not args.force:
            ap.error("%s already holds mod_* directories; pass --force to replace them" % args.out_dir)
        for d in existing:
            shutil.rmtree(os.path.join(args.out_dir, d))
    os.makedirs(args.out_dir, exist_ok=True)

    tf_files = size = bad = cached = 0
    for i in range(1, args.modules + 1):
        t, s, b, c = gen_module(args.out_dir, i, args.seed)
        tf_files += t
        size += s
        bad += b
        cached += c
    if args.templates:
        if os.path.isdir(os.path.join(args.out_dir, "cfn")):
            shutil.rmtree(os.path.join(args.out_dir, "cfn"))
        tsize = gen_templates(args.out_dir, args.templates, args.seed)
        print("templates: %d (%d bytes)" % (args.templates, tsize))
    print("modules: %d" % args.modules)
    print("tf files (excluding .terraform/): %d" % tf_files)
    print("bytes (excluding .terraform/): %d" % size)
    print("violating scenario instances: %d" % bad)
    print("modules with a .terraform/ cache: %d" % cached)
    return 0


if __name__ == "__main__":
    sys.exit(main())
