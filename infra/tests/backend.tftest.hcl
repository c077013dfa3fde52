# Every environment has its own remote state: a backend file beside its
# tfvars, with a key of its own (a shared key would let one environment's
# apply rename or replace another's resources, its database included) and
# S3 locking. Reads files only; no provider is planned.

run "every_environment_names_its_own_state" {
  command = plan

  module {
    source = "./tests/backend"
  }

  variables {
    environments_dir = "environments"
  }

  assert {
    condition     = length(output.environments) >= 2 && output.backend_environments == output.environments
    error_message = "Each environments/<env>.tfvars needs an environments/<env>.s3.tfbackend, and no backend file may lack its tfvars."
  }

  assert {
    condition     = alltrue([for e, v in output.tfvars : lookup(v, "environment", "") == e])
    error_message = "environments/<env>.tfvars must set environment = \"<env>\", so resource names match the state they live in."
  }

  assert {
    condition     = length(distinct([for e, b in output.backend : lookup(b, "key", "")])) == length(output.backend)
    error_message = "Two environments share a state key."
  }

  assert {
    condition = alltrue([
      for e, b in output.backend :
      contains(split("/", lookup(b, "key", "")), e) && endswith(lookup(b, "key", ""), ".tfstate")
    ])
    error_message = "Each state key must name its environment as a path segment (e.g. fanout/dev/terraform.tfstate)."
  }

  assert {
    condition = alltrue([
      for e, b in output.backend :
      lookup(b, "use_lockfile", "") == "true" && !contains(keys(b), "dynamodb_table")
      && lookup(b, "encrypt", "") == "true" && lookup(b, "bucket", "") != ""
    ])
    error_message = "Each backend must name a bucket, encrypt the state and lock with use_lockfile (no DynamoDB table)."
  }

  assert {
    condition     = alltrue([for e, b in output.backend : lookup(b, "region", "") == lookup(output.tfvars[e], "aws_region", "")])
    error_message = "Each environment's state must live in the region it deploys to."
  }
}
