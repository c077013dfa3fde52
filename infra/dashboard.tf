# One dashboard: functions, API, queue, then the app's own EMF metrics.

locals {
  function_names_by_key = { for k, f in aws_lambda_function.this : k => f.function_name }

  lambda_metric_widgets = [
    for m in [
      { title = "Invocations", metric = "Invocations", stat = "Sum" },
      { title = "Errors", metric = "Errors", stat = "Sum" },
      { title = "Throttles", metric = "Throttles", stat = "Sum" },
      { title = "Duration p99 (ms)", metric = "Duration", stat = "p99" },
      ] : {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title   = "Lambda: ${m.title}"
        region  = var.aws_region
        view    = "timeSeries"
        stat    = m.stat
        period  = 60
        metrics = [for k, name in local.function_names_by_key : ["AWS/Lambda", m.metric, "FunctionName", name, { label = k }]]
      }
    }
  ]

  api_widgets = [
    {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "API: 4xx / 5xx"
        region = var.aws_region
        view   = "timeSeries"
        stat   = "Sum"
        period = 60
        metrics = [
          ["AWS/ApiGateway", "4xx", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default"],
          ["AWS/ApiGateway", "5xx", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default"],
        ]
      }
    },
    {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "API: latency (ms)"
        region = var.aws_region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/ApiGateway", "Latency", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default", { stat = "p50", label = "p50" }],
          ["AWS/ApiGateway", "Latency", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default", { stat = "p99", label = "p99" }],
          ["AWS/ApiGateway", "IntegrationLatency", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default", { stat = "p99", label = "integration p99" }],
        ]
      }
    },
  ]

  queue_widgets = [
    {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title   = "SQS: age of oldest message (s)"
        region  = var.aws_region
        view    = "timeSeries"
        stat    = "Maximum"
        period  = 60
        metrics = [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", aws_sqs_queue.sync.name]]
      }
    },
    {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title   = "SQS: dead-letter queue depth"
        region  = var.aws_region
        view    = "timeSeries"
        stat    = "Maximum"
        period  = 60
        metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.dead_letter.name]]
      }
    },
  ]

  # The app's meters, by the dimension sets its EMF lines carry (dev.fanout.observability):
  # every meter tag but `method`, plus `function`. Timers are distributions, so CloudWatch
  # computes their percentiles; counters are sums per minute.
  app_metrics = [
    { title = "requests per route and status", name = "http.server.requests", dims = "function,outcome,status,uri", stat = "SampleCount" },
    { title = "p99 latency per route (ms)", name = "http.server.requests", dims = "function,outcome,status,uri", stat = "p99" },
    { title = "upstream calls per outcome", name = "fanout.upstream.calls", dims = "function,outcome,upstream", stat = "SampleCount" },
    { title = "p99 upstream latency (ms)", name = "fanout.upstream.calls", dims = "function,outcome,upstream", stat = "p99" },
    { title = "degraded profile parts", name = "fanout.profile.degraded", dims = "function,part", stat = "Sum" },
    { title = "sync items per outcome", name = "fanout.sync.items", dims = "function,outcome", stat = "Sum" },
  ]

  app_widgets = [
    for m in local.app_metrics : {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "App: ${m.title}"
        region = var.aws_region
        view   = "timeSeries"
        period = 60
        metrics = [[{
          id         = "e1"
          expression = "SEARCH('{${var.metrics_namespace},${m.dims}} MetricName=\"${m.name}\"', '${m.stat}', 60)"
        }]]
      }
    }
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.name
  dashboard_body = jsonencode({
    widgets = concat(local.lambda_metric_widgets, local.api_widgets, local.queue_widgets, local.app_widgets)
  })
}
