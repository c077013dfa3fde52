# Work queue for sync-queue, with a dead-letter queue for poison messages.
# The function answers {"batchItemFailures":[...]}, so only failed messages
# return to the queue; a 5xx answer (AWS_LWA_ERROR_STATUS_CODES) fails the
# whole batch.

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${local.name}-sync-dlq"
  message_retention_seconds = 1209600 # 14 days, the maximum
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "sync" {
  name                      = "${local.name}-sync"
  sqs_managed_sse_enabled   = true
  receive_wait_time_seconds = 20

  # AWS's guidance for Lambda consumers: at least six times the function
  # timeout (plus the batching window), so a message is not redelivered
  # while a retried invocation still holds it.
  visibility_timeout_seconds = 6 * var.functions["sync-queue"].timeout + var.sqs_batching_window_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = var.sqs_max_receive_count
  })
}

resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.sync.arn]
  })
}

resource "aws_lambda_event_source_mapping" "sync" {
  event_source_arn                   = aws_sqs_queue.sync.arn
  function_name                      = aws_lambda_alias.live["sync-queue"].arn
  batch_size                         = var.sqs_batch_size
  maximum_batching_window_in_seconds = var.sqs_batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.sqs_maximum_concurrency
  }
}
