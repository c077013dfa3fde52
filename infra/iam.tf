# Least privilege: one role per function, each allowed only what that
# function does. Resource "*" appears only where AWS offers no narrower
# resource, marked "Resource * required" below:
#   - ec2 network-interface actions for VPC functions (the Describe* actions
#     have no resource-level permissions, and Lambda creates the ENIs);
#   - xray:PutTraceSegments / xray:PutTelemetryRecords (no resource types),
#     only when Lambda's active tracing or the ADOT collector writes to X-Ray.

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = var.functions

  name               = "${local.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "function" {
  for_each = var.functions

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  statement {
    sid = "VpcNetworkInterfaces"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]
    resources = ["*"] # Resource * required: see the header of this file.
  }

  dynamic "statement" {
    for_each = local.xray_writes ? ["xray"] : []
    content {
      sid       = "WriteTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"] # Resource * required: X-Ray has no resource types.
    }
  }

  # One way in to the database, by var.db_auth: an IAM token for the one
  # database user on this proxy, or a read of the one database secret.
  dynamic "statement" {
    for_each = var.db_auth == "iam" ? ["iam"] : []
    content {
      sid       = "ConnectThroughProxy"
      actions   = ["rds-db:connect"]
      resources = [local.db_iam_user_arn]
    }
  }

  dynamic "statement" {
    for_each = var.db_auth == "secret" ? ["secret"] : []
    content {
      sid       = "ReadDatabaseSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [local.db_secret_arn]
    }
  }

  dynamic "statement" {
    for_each = each.key == "sync-queue" ? ["sqs"] : []
    content {
      sid = "ConsumeSyncQueue"
      actions = [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
      ]
      resources = [aws_sqs_queue.sync.arn]
    }
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = var.functions

  name   = "${local.name}-${each.key}"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

## RDS Proxy: reads the one database secret.

data "aws_iam_policy_document" "proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "proxy" {
  name               = "${local.name}-rds-proxy"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume.json
}

data "aws_iam_policy_document" "proxy" {
  statement {
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.db_secret_arn]
  }
}

resource "aws_iam_role_policy" "proxy" {
  name   = "${local.name}-rds-proxy"
  role   = aws_iam_role.proxy.id
  policy = data.aws_iam_policy_document.proxy.json
}
