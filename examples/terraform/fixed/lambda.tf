# Scenario: VPC Lambdas whose roles carry a permissions boundary (seed 002, failure 2).
#
# A boundary is the ceiling for everything the role can do. A Lambda attached to a VPC
# needs its execution role to manage ENIs, so the boundary must allow
# ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface,
# ec2:AssignPrivateIpAddresses and ec2:UnassignPrivateIpAddresses, or the function
# fails to deploy with "The provided execution role does not have permissions to call
# CreateNetworkInterface on EC2".

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# ---------------------------------------------------------------------------
# processor: boundary written with data "aws_iam_policy_document"
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "processor_boundary" {
  statement {
    sid     = "AllowedS3"
    effect  = "Allow"
    actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
    resources = [
      aws_s3_bucket.data.arn,
      "${aws_s3_bucket.data.arn}/*",
    ]
  }

  statement {
    sid       = "AllowedLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.prefix}-*"]
  }

  statement {
    sid       = "AllowedKms"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.logs.arn]
  }

  statement {
    sid       = "AllowedTracing"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  # FIXED: the ENI actions Lambda needs to attach the function to the VPC. These
  # actions are documented with Resource "*" (see AWSLambdaVPCAccessExecutionRole).
  statement {
    sid    = "AllowLambdaVpcNetworking"
    effect = "Allow"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = "${local.prefix}-processor-boundary"
  description = "Permissions boundary for the processor Lambda role"
  policy      = data.aws_iam_policy_document.processor_boundary.json
}

resource "aws_iam_role" "processor" {
  name                 = "${local.prefix}-processor"
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_role_policy_attachment" "processor_vpc_access" {
  role       = aws_iam_role.processor.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy" "processor" {
  name = "processor"
  role = aws_iam_role.processor.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadWriteData"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${aws_s3_bucket.data.arn}/*"
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.processor.arn}:*"
      },
      {
        Sid      = "UseLogsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.logs.arn
      },
      {
        # X-Ray has no resource-level permissions; "*" is the only valid resource.
        Sid      = "Tracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_lambda_function" "processor" {
  function_name = "${local.prefix}-processor"
  description   = "Processes uploaded order batches"
  role          = aws_iam_role.processor.arn
  runtime       = "python3.13"
  handler       = "processor.handler.lambda_handler"
  architectures = ["x86_64"]
  memory_size   = 512
  timeout       = 60

  s3_bucket = var.artifact_bucket
  s3_key    = var.processor_package_key

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.processor.name
  }

  environment {
    variables = {
      DATA_BUCKET = aws_s3_bucket.data.bucket
    }
  }

  depends_on = [
    aws_iam_role_policy_attachment.processor_vpc_access,
    aws_cloudwatch_log_group.processor,
  ]
}

# ---------------------------------------------------------------------------
# ingest: boundary written with jsonencode(); ENI actions granted through
# wildcards. Correct in both variants: ec2:*NetworkInterface* covers Create,
# Describe and Delete, so no finding is expected here.
# ---------------------------------------------------------------------------

resource "aws_iam_policy" "ingest_boundary" {
  name        = "${local.prefix}-ingest-boundary"
  description = "Permissions boundary for the ingest Lambda role"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AllowedS3"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${aws_s3_bucket.data.arn}/incoming/*"
      },
      {
        Sid      = "AllowedLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.ingest.arn}:*"
      },
      {
        Sid      = "AllowedTracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
      {
        Sid    = "AllowLambdaVpcNetworking"
        Effect = "Allow"
        Action = [
          "ec2:*NetworkInterface*",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role" "ingest" {
  name                 = "${local.prefix}-ingest"
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  permissions_boundary = aws_iam_policy.ingest_boundary.arn
}

resource "aws_iam_role_policy_attachment" "ingest_vpc_access" {
  role       = aws_iam_role.ingest.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy" "ingest" {
  name = "ingest"
  role = aws_iam_role.ingest.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteIncoming"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${aws_s3_bucket.data.arn}/incoming/*"
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.ingest.arn}:*"
      },
      {
        Sid      = "Tracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_lambda_function" "ingest" {
  function_name = "${local.prefix}-ingest"
  description   = "Receives partner order files and stores them under incoming/"
  role          = aws_iam_role.ingest.arn
  runtime       = "python3.13"
  handler       = "ingest.handler.lambda_handler"
  architectures = ["x86_64"]
  memory_size   = 256
  timeout       = 30

  s3_bucket = var.artifact_bucket
  s3_key    = var.ingest_package_key

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.ingest.name
  }

  environment {
    variables = {
      DATA_BUCKET = aws_s3_bucket.data.bucket
    }
  }

  depends_on = [
    aws_iam_role_policy_attachment.ingest_vpc_access,
    aws_cloudwatch_log_group.ingest,
  ]
}
