# Plans the root with whatever variables the caller passes. Without
# variables it checks the defaults; .ci/terraform-check also runs it once per
# environments/*.tfvars (terraform test -filter=... -var-file=...), so the
# example files keep passing validation, the connection budget included.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

run "environment_plans" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.this) == 5 && length(aws_cloudwatch_log_group.function) == 5
    error_message = "The environment must plan all five functions with their log groups."
  }

  assert {
    condition     = aws_db_proxy.this.require_tls && !aws_db_instance.this.publicly_accessible
    error_message = "The environment must keep the database private and TLS-only."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == (var.nat_gateway_mode == "none" ? 0 : (var.nat_gateway_mode == "per_az" ? var.az_count : 1))
    error_message = "NAT gateways must follow nat_gateway_mode."
  }

  assert {
    condition = alltrue([
      for r in aws_apigatewayv2_route.this : r.authorization_type == (var.jwt_authorizer_enabled ? "JWT" : "NONE")
    ])
    error_message = "Routes must follow jwt_authorizer_enabled."
  }

  assert {
    condition = (
      alltrue([for k, i in aws_apigatewayv2_integration.this : i.integration_uri == aws_lambda_alias.live[k].invoke_arn])
      && aws_lambda_event_source_mapping.sync.function_name == aws_lambda_alias.live["sync-queue"].arn
      && aws_lambda_invocation.migrate.qualifier == "live"
      && alltrue([for f in aws_lambda_function.this : f.publish])
    )
    error_message = "In every environment, callers must invoke the live alias of a published version, never $LATEST."
  }

  assert {
    condition     = one(aws_db_proxy.this.auth).iam_auth == (var.db_auth == "iam" ? "REQUIRED" : "DISABLED")
    error_message = "The proxy's IAM authentication must follow db_auth."
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      length(f.snap_start) == (var.package_type == "jvm" && var.jvm_snap_start && k != "migrate" ? 1 : 0)
    ])
    error_message = "SnapStart on the JVM package only, and never for migrate."
  }
}
