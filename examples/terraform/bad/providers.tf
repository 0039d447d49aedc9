terraform {
  required_version = ">= 1.5.0"

  # Remote state: encrypted at rest and locked with DynamoDB (seed 001, "Terraform State Backend").
  backend "s3" {
    bucket         = "orders-terraform-state-us-east-2"
    key            = "orders/api/terraform.tfstate"
    region         = "us-east-2"
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

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Application = var.name
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
