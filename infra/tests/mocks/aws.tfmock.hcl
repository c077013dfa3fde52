# Shared offline mocks for the AWS provider. Values are overridden during
# plan, so assertions can compare identities (which security group a rule
# points at, which function a route reaches) without an apply.

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_data "aws_availability_zones" {
  defaults = {
    names = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    id = "db-FANOUTTEST"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0000-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-0000-0000-000000000000"
      secret_status = "active"
    }]
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/mock"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock"
  }
}

mock_resource "aws_s3_object" {
  defaults = {
    version_id = "v1"
  }
}

mock_resource "aws_db_proxy" {
  defaults = {
    endpoint = "fanout-test.proxy-abc.eu-central-1.rds.amazonaws.com"
    arn      = "arn:aws:rds:eu-central-1:123456789012:db-proxy:prx-0123456789abcdef0"
  }
}

mock_resource "aws_apigatewayv2_api" {
  defaults = {
    id            = "api1234"
    execution_arn = "arn:aws:execute-api:eu-central-1:123456789012:api1234"
    api_endpoint  = "https://api1234.execute-api.eu-central-1.amazonaws.com"
  }
}

mock_resource "aws_apigatewayv2_stage" {
  defaults = {
    invoke_url = "https://api1234.execute-api.eu-central-1.amazonaws.com/"
  }
}

mock_resource "aws_apigatewayv2_authorizer" {
  defaults = {
    id = "auth123"
  }
}

override_resource {
  target          = aws_security_group.functions
  override_during = plan
  values          = { id = "sg-functions" }
}

override_resource {
  target          = aws_security_group.proxy
  override_during = plan
  values          = { id = "sg-proxy" }
}

override_resource {
  target          = aws_security_group.database
  override_during = plan
  values          = { id = "sg-database" }
}

override_resource {
  target          = aws_security_group.endpoints
  override_during = plan
  values          = { id = "sg-endpoints" }
}

override_resource {
  target          = aws_subnet.private[0]
  override_during = plan
  values          = { id = "subnet-private-a" }
}

override_resource {
  target          = aws_subnet.private[1]
  override_during = plan
  values          = { id = "subnet-private-b" }
}

override_resource {
  target          = aws_subnet.private[2]
  override_during = plan
  values          = { id = "subnet-private-c" }
}

override_resource {
  target          = aws_subnet.public[0]
  override_during = plan
  values          = { id = "subnet-public-a" }
}

override_resource {
  target          = aws_subnet.public[1]
  override_during = plan
  values          = { id = "subnet-public-b" }
}

override_resource {
  target          = aws_subnet.public[2]
  override_during = plan
  values          = { id = "subnet-public-c" }
}

override_resource {
  target          = aws_sqs_queue.sync
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-central-1:123456789012:fanout-test-sync"
    url = "https://sqs.eu-central-1.amazonaws.com/123456789012/fanout-test-sync"
  }
}

override_resource {
  target          = aws_sqs_queue.dead_letter
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-central-1:123456789012:fanout-test-sync-dlq"
    url = "https://sqs.eu-central-1.amazonaws.com/123456789012/fanout-test-sync-dlq"
  }
}

override_resource {
  target          = aws_lambda_function.this["users"]
  override_during = plan
  values = {
    version    = "7"
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-users"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-users/invocations"
  }
}

override_resource {
  target          = aws_lambda_function.this["profile"]
  override_during = plan
  values = {
    version    = "7"
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-profile"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-profile/invocations"
  }
}

override_resource {
  target          = aws_lambda_function.this["sync-api"]
  override_during = plan
  values = {
    version    = "7"
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-api"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-api/invocations"
  }
}

override_resource {
  target          = aws_lambda_function.this["sync-queue"]
  override_during = plan
  values = {
    version    = "7"
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-queue"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-queue/invocations"
  }
}

override_resource {
  target          = aws_lambda_function.this["migrate"]
  override_during = plan
  values = {
    version    = "7"
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-migrate"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-migrate/invocations"
  }
}

override_resource {
  target          = aws_apigatewayv2_integration.this["users"]
  override_during = plan
  values          = { id = "integration-users" }
}

override_resource {
  target          = aws_apigatewayv2_integration.this["profile"]
  override_during = plan
  values          = { id = "integration-profile" }
}

override_resource {
  target          = aws_apigatewayv2_integration.this["sync-api"]
  override_during = plan
  values          = { id = "integration-sync-api" }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    id     = "fanout-test-artifacts-0001"
    bucket = "fanout-test-artifacts-0001"
    arn    = "arn:aws:s3:::fanout-test-artifacts-0001"
  }
}

override_resource {
  target          = aws_lambda_alias.live["users"]
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-users:live"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-users:live/invocations"
  }
}

override_resource {
  target          = aws_lambda_alias.live["profile"]
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-profile:live"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-profile:live/invocations"
  }
}

override_resource {
  target          = aws_lambda_alias.live["sync-api"]
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-api:live"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-api:live/invocations"
  }
}

override_resource {
  target          = aws_lambda_alias.live["sync-queue"]
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-queue:live"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-sync-queue:live/invocations"
  }
}

override_resource {
  target          = aws_lambda_alias.live["migrate"]
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-migrate:live"
    invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:fanout-test-migrate:live/invocations"
  }
}
