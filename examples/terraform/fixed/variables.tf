variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-2"
}

variable "name" {
  description = "Short application name, used as a prefix for every resource name."
  type        = string
  default     = "orders"
}

variable "environment" {
  description = "Deployment environment (preprod or prod)."
  type        = string
  default     = "preprod"
}

variable "vpc_id" {
  description = "VPC that hosts the load balancer, the ECS tasks and the VPC Lambdas."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets for the Application Load Balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Private subnets for ECS tasks and VPC Lambdas (no public IPs)."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listener."
  type        = string
}

variable "api_image" {
  description = "API container image, pinned by digest."
  type        = string
}

variable "worker_image" {
  description = "Worker container image, pinned by digest."
  type        = string
}

variable "desired_count" {
  description = "Initial number of API tasks."
  type        = number
  default     = 2
}

variable "worker_desired_count" {
  description = "Initial number of worker tasks."
  type        = number
  default     = 1
}

variable "max_capacity" {
  description = "Upper bound for ECS service autoscaling."
  type        = number
  default     = 10
}

variable "artifact_bucket" {
  description = "Bucket holding the Lambda deployment packages built in CI."
  type        = string
}

variable "processor_package_key" {
  description = "S3 key of the processor Lambda package."
  type        = string
}

variable "ingest_package_key" {
  description = "S3 key of the ingest Lambda package."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace the services publish custom metrics to."
  type        = string
  default     = "Orders/Api"
}

variable "log_retention_days" {
  description = "Retention for every log group."
  type        = number
  default     = 90
}
