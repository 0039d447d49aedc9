resource "aws_cloudwatch_log_group" "unterminated" {
  name              = "/aws/lambda/unterminated
  retention_in_days = 30
}
