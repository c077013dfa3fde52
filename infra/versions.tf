terraform {
  # Pinned to the minor release line the checks run with; `terraform test`
  # features used by tests/ (mock providers, override_during) need >= 1.11.
  required_version = "~> 1.11"

  # Remote state, one object per environment: the bucket, key and region come
  # from environments/<env>.s3.tfbackend at init (a partial configuration), so
  # no environment can write another's state. use_lockfile locks with an S3
  # object beside the state (S3 conditional writes), which needs no DynamoDB
  # table; DynamoDB locking is deprecated in the S3 backend since 1.11.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
