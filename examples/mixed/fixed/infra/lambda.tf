resource "aws_lambda_function" "dashboard" {
  function_name = "preprod-dashboard"
  role          = "arn:aws:iam::111122223333:role/preprod-dashboard"
  runtime       = "python3.13"
  architectures = ["x86_64"]
  handler       = "app.handler"
  filename      = "package.zip"
}
