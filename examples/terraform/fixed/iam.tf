# Scenario: IAM policies for the ECS task roles (seeds 000 and 004).
#
# Policy sources exercised: jsonencode(), data "aws_iam_policy_document" and heredoc JSON.
# Wildcards are acceptable only where AWS offers no resource-level permissions
# (X-Ray, ecr:GetAuthorizationToken, Describe*/read-only discovery calls,
# sts:GetCallerIdentity), for cloudwatch:PutMetricData limited by a namespace
# condition, and in explicit Deny statements.

# ---------------------------------------------------------------------------
# Roles and trust policies
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "ecs_execution" {
  name               = "${local.prefix}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role" "api_task" {
  name               = "${local.prefix}-api-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role" "worker_task" {
  name               = "${local.prefix}-worker-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# Role the worker assumes to publish reports; it trusts only the worker task role.
resource "aws_iam_role" "reporting" {
  name = "${local.prefix}-reporting"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.worker_task.arn }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy" "reporting" {
  name = "reporting"
  role = aws_iam_role.reporting.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${aws_s3_bucket.data.arn}/reports/*"
      },
    ]
  })
}

# ---------------------------------------------------------------------------
# Scoped versions of the policies that were findings in ../bad
# ---------------------------------------------------------------------------

# FIXED: the API reads job status from the jobs table and nothing else.
resource "aws_iam_role_policy" "api_runtime" {
  name = "api-runtime"
  role = aws_iam_role.api_task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadJobStatus"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:Query"]
        Resource = aws_dynamodb_table.jobs.arn
      },
    ]
  })
}

# FIXED: object reads and writes in the data bucket, listing of that bucket only.
resource "aws_iam_role_policy" "api_data" {
  name = "api-data"
  role = aws_iam_role.api_task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "DataObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${aws_s3_bucket.data.arn}/*"
      },
      {
        Sid      = "ListDataBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = aws_s3_bucket.data.arn
      },
    ]
  })
}

# FIXED: deletes restricted to the temp/ prefix of the data bucket (seed 004).
data "aws_iam_policy_document" "worker_cleanup" {
  statement {
    sid       = "DeleteTemporaryObjects"
    effect    = "Allow"
    actions   = ["s3:DeleteObject"]
    resources = ["${aws_s3_bucket.data.arn}/temp/*"]
  }
}

resource "aws_iam_role_policy" "worker_cleanup" {
  name   = "worker-cleanup"
  role   = aws_iam_role.worker_task.id
  policy = data.aws_iam_policy_document.worker_cleanup.json
}

# FIXED: the worker may assume exactly one role, in this account.
resource "aws_iam_role_policy" "worker_assume" {
  name = "worker-assume"
  role = aws_iam_role.worker_task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AssumeReportingRole"
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = aws_iam_role.reporting.arn
      },
    ]
  })
}

# FIXED: only the item-level calls the worker makes.
resource "aws_iam_role_policy" "worker_state" {
  name = "worker-state"
  role = aws_iam_role.worker_task.id

  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "JobState",
      "Effect": "Allow",
      "Action": [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query"
      ],
      "Resource": "${aws_dynamodb_table.jobs.arn}"
    }
  ]
}
EOF
}

# ---------------------------------------------------------------------------
# Accepted wildcards: identical in both variants, no finding expected
# ---------------------------------------------------------------------------

# PutMetricData has no resource-level permissions; the namespace condition scopes it (seed 000).
data "aws_iam_policy_document" "metrics" {
  statement {
    sid       = "PublishOwnMetrics"
    effect    = "Allow"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }
}

resource "aws_iam_role_policy" "metrics" {
  name   = "metrics"
  role   = aws_iam_role.api_task.id
  policy = data.aws_iam_policy_document.metrics.json
}

resource "aws_iam_role_policy" "tracing" {
  name = "tracing"
  role = aws_iam_role.api_task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "XRayDaemon"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "ec2_describe" {
  name = "ec2-describe"
  role = aws_iam_role.worker_task.id

  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "NetworkDiscovery",
      "Effect": "Allow",
      "Action": "ec2:Describe*",
      "Resource": "*"
    }
  ]
}
EOF
}

resource "aws_iam_role_policy" "ecr_auth" {
  name = "ecr-auth"
  role = aws_iam_role.ecs_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "RegistryLogin"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "execution" {
  name = "execution"
  role = aws_iam_role.ecs_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "PullImages"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ]
        Resource = [aws_ecr_repository.api.arn, aws_ecr_repository.worker.arn]
      },
      {
        Sid      = "WriteContainerLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.ecs.arn}:*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "caller_identity" {
  name = "caller-identity"
  role = aws_iam_role.worker_task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WhoAmI"
        Effect   = "Allow"
        Action   = "sts:GetCallerIdentity"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "log_discovery" {
  name = "log-discovery"
  role = aws_iam_role.worker_task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListLogGroups"
        Effect   = "Allow"
        Action   = "logs:DescribeLogGroups"
        Resource = "*"
      },
    ]
  })
}

# Explicit deny: nothing the worker does may touch production-tagged resources (seed 004).
resource "aws_iam_role_policy" "deny_production" {
  name = "deny-production"
  role = aws_iam_role.worker_task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "DenyProductionResources"
        Effect   = "Deny"
        Action   = "*"
        Resource = "*"
        Condition = {
          StringEquals = { "aws:ResourceTag/Environment" = "production" }
        }
      },
    ]
  })
}
