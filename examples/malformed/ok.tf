# Valid file next to the broken ones: a parser error in a sibling must not stop this
# file from being linted. Expected: iam-wildcard-action and iam-wildcard-resource on
# aws_iam_role_policy.ok (Action = "*" / Resource = "*").

resource "aws_iam_role" "ok" {
  name = "malformed-neighbour"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy" "ok" {
  name = "everything"
  role = aws_iam_role.ok.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
    ]
  })
}
