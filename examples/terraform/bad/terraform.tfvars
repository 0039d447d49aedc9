region      = "us-east-2"
name        = "orders"
environment = "preprod"

vpc_id             = "vpc-0a1b2c3d4e5f60718"
public_subnet_ids  = ["subnet-0aa11bb22cc33dd41", "subnet-0aa11bb22cc33dd42"]
private_subnet_ids = ["subnet-0ee55ff66aa77bb81", "subnet-0ee55ff66aa77bb82"]
certificate_arn    = "arn:aws:acm:us-east-2:111122223333:certificate/0f3c2a1e-8d7b-4c6a-9e5f-3b2a1c0d9e8f"

# Images are pinned by digest, never by a mutable tag.
api_image    = "111122223333.dkr.ecr.us-east-2.amazonaws.com/orders-api@sha256:9b2f8c1d7e6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c"
worker_image = "111122223333.dkr.ecr.us-east-2.amazonaws.com/orders-worker@sha256:1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d"

desired_count        = 3
worker_desired_count = 2
max_capacity         = 12

artifact_bucket       = "orders-lambda-artifacts-111122223333"
processor_package_key = "processor/2025-11-24/processor.zip"
ingest_package_key    = "ingest/2025-11-24/ingest.zip"

metrics_namespace  = "Orders/Api"
log_retention_days = 90
