terraform {
  # Pinned to the minor release line the checks run with; `terraform test`
  # features used by tests/ (mock providers, override_during) need >= 1.11.
  required_version = "~> 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
