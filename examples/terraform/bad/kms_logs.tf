# Scenario: customer-managed KMS keys encrypting CloudWatch log groups (seed 002, failure 1).
#
# CloudWatch Logs can only use a customer-managed key when the key policy grants the
# regional service principal logs.<region>.amazonaws.com. IAM policies alone are not enough.

# ---------------------------------------------------------------------------
# 1. Policy written with data "aws_iam_policy_document", set inline on the key.
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "logs_key" {
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

  statement {
    sid    = "AllowLambdaUseViaS3"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:GenerateDataKey*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
  }

  # BAD: no statement for the logs.<region>.amazonaws.com service principal.
}

resource "aws_kms_key" "logs" {
  description             = "Encrypts the ${local.prefix} processor Lambda logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.logs_key.json
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${local.prefix}-logs"
  target_key_id = aws_kms_key.logs.key_id
}

resource "aws_cloudwatch_log_group" "processor" {
  name              = "/aws/lambda/${local.prefix}-processor"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs.arn
}

# ---------------------------------------------------------------------------
# 2. Policy written with jsonencode() on a separate aws_kms_key_policy resource.
# ---------------------------------------------------------------------------

resource "aws_kms_key" "audit" {
  description             = "Encrypts the ${local.prefix} audit trail log group"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_key_policy" "audit" {
  key_id = aws_kms_key.audit.id

  # BAD: grants the account and the worker task role, but not CloudWatch Logs.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableRootAccountPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowWorkerToReadAuditRecords"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.worker_task.arn }
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/${var.name}/${var.environment}/audit"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.audit.arn
}

# ---------------------------------------------------------------------------
# 3. Key with no policy at all: AWS applies the default key policy, which only
#    delegates to IAM in this account and never trusts the Logs service.
# ---------------------------------------------------------------------------

# BAD: default key policy.
resource "aws_kms_key" "events" {
  description             = "Encrypts the ${local.prefix} domain event log group"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_cloudwatch_log_group" "events" {
  name              = "/${var.name}/${var.environment}/events"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.events.arn
}

# ---------------------------------------------------------------------------
# Correct in both variants: the key shared by the ECS and ingest log groups.
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "app_logs_key" {
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

  statement {
    sid    = "AllowCloudWatchLogs"
    effect = "Allow"
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
      values   = ["arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key" "app_logs" {
  description             = "Encrypts the ${local.prefix} ECS and ingest log groups"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.app_logs_key.json
}

resource "aws_cloudwatch_log_group" "ecs" {
  name              = "/ecs/${local.prefix}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.app_logs.arn
}

resource "aws_cloudwatch_log_group" "ingest" {
  name              = "/aws/lambda/${local.prefix}-ingest"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.app_logs.arn
}
