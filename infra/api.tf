# HTTP API (payload format 2.0): one integration per routed function, one
# route per route key in local.routes, a $default stage with JSON access logs
# and throttling, and an optional JWT authorizer.

resource "aws_apigatewayv2_api" "this" {
  name          = local.name
  protocol_type = "HTTP"
  description   = "Fanout functions"
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${local.name}/access"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count = var.jwt_authorizer_enabled ? 1 : 0

  api_id           = aws_apigatewayv2_api.this.id
  name             = "${local.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audience
  }
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = local.routes

  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_alias.live[each.key].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = min(30000, var.functions[each.key].timeout * 1000)
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.route_functions

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.this[each.value].id}"
  authorization_type = var.jwt_authorizer_enabled ? "JWT" : "NONE"
  authorizer_id      = var.jwt_authorizer_enabled ? aws_apigatewayv2_authorizer.jwt[0].id : null
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.api_throttling_rate_limit
    throttling_burst_limit   = var.api_throttling_burst_limit
    detailed_metrics_enabled = true
  }

  dynamic "route_settings" {
    for_each = local.route_functions
    content {
      route_key                = route_settings.key
      throttling_rate_limit    = var.functions[route_settings.value].route_throttle_rate
      throttling_burst_limit   = var.functions[route_settings.value].route_throttle_burst
      detailed_metrics_enabled = true
    }
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      ip                 = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
      userAgent          = "$context.identity.userAgent"
    })
  }

  # Route settings name routes that must exist first.
  depends_on = [aws_apigatewayv2_route.this]
}

# API Gateway may invoke each function's live alias only for that function's
# own routes. A permission on the alias does not cover $LATEST or a version.
resource "aws_lambda_permission" "api" {
  for_each = local.route_functions

  statement_id  = "AllowApi-${trim(replace(each.key, "/[^A-Za-z0-9]+/", "-"), "-")}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.value].function_name
  qualifier     = aws_lambda_alias.live[each.value].name
  principal     = "apigateway.amazonaws.com"
  source_arn = format(
    "%s/*/%s%s",
    aws_apigatewayv2_api.this.execution_arn,
    split(" ", each.key)[0],
    replace(split(" ", each.key)[1], "/\\{[^}]+\\}/", "*"),
  )
}
