# Nothing secret leaves through outputs: the database password exists only in
# Secrets Manager (managed by RDS), and no output refers to it.

output "api_url" {
  description = "Base URL of the HTTP API ($default stage)."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "queue_url" {
  description = "URL of the sync queue (messages {\"userId\":1})."
  value       = aws_sqs_queue.sync.url
}

output "dead_letter_queue_url" {
  description = "URL of the sync dead-letter queue."
  value       = aws_sqs_queue.dead_letter.url
}

output "function_names" {
  description = "Lambda function name per logical function."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "live_versions" {
  description = "Published version each function's live alias points to (what callers run)."
  value       = { for k, a in aws_lambda_alias.live : k => a.function_version }
}

output "dashboard_name" {
  description = "CloudWatch dashboard with the functions, the API, the queue and the app metrics."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
