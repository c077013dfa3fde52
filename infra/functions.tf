# Five functions, one package. Each runs the same Quarkus app behind the
# AWS Lambda Web Adapter (a layer; an extension that forwards invocations to
# http://127.0.0.1:8080 once GET /q/health/started answers below 500: started, whatever the database).

## Package: the JVM zip exceeds the 50 MB direct-upload limit, so it goes
## through S3. Plans work while the file is absent (tests, first checkout).

resource "aws_s3_bucket" "artifacts" {
  bucket_prefix = "${local.name}-artifacts-"
  force_destroy = true
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Every deploy overwrites the package's key, so the bucket's versioning keeps
# each earlier package as a noncurrent version. Keep the last
# var.packages_kept (the current one and the newest earlier ones) and expire
# the rest a day after they are replaced. Lambda keeps its own copy of each
# published version's code, so an expired package never breaks a version the
# live alias can roll back to.
resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    id     = "keep-last-${var.packages_kept}-packages"
    status = "Enabled"

    filter {
      prefix = "${var.project}/"
    }

    noncurrent_version_expiration {
      newer_noncurrent_versions = var.packages_kept - 1
      noncurrent_days           = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

resource "aws_s3_object" "package" {
  bucket      = aws_s3_bucket.artifacts.id
  key         = "${var.project}/function-${var.package_type}-${var.architecture}.zip"
  source      = var.package_path
  source_hash = local.package_hash

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

## Functions

resource "aws_cloudwatch_log_group" "function" {
  for_each = var.functions

  name              = "/aws/lambda/${local.name}-${each.key}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "this" {
  for_each = var.functions

  function_name = "${local.name}-${each.key}"
  description   = "Fanout ${each.key} (${var.package_type})"
  role          = aws_iam_role.function[each.key].arn

  s3_bucket         = aws_s3_object.package.bucket
  s3_key            = aws_s3_object.package.key
  s3_object_version = aws_s3_object.package.version_id
  source_code_hash  = local.package_hash

  # Every change publishes an immutable version; callers reach it only
  # through the live alias below, so a rollback moves the alias, and
  # SnapStart (which works on published versions only) can apply.
  publish = true

  runtime       = local.runtime
  handler       = local.handler
  architectures = [var.architecture]
  layers        = local.layers

  memory_size                    = local.memory_size[each.key]
  timeout                        = each.value.timeout
  reserved_concurrent_executions = each.value.reserved_concurrency

  environment {
    variables = local.function_environment[each.key]
  }

  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.functions.id]
  }

  # SnapStart restores published versions of Java managed runtimes from a
  # snapshot taken after init; it does not apply to OS-only runtimes such as
  # provided.al2023, so the native package never gets it (nor migrate: see
  # local.snap_start_functions).
  dynamic "snap_start" {
    for_each = contains(local.snap_start_functions, each.key) ? ["PublishedVersions"] : []
    content {
      apply_on = snap_start.value
    }
  }

  tracing_config {
    mode = var.tracing_mode
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  depends_on = [aws_iam_role_policy.function]
}

# The one name every caller invokes: API Gateway, the SQS mapping and the
# migration invocation. It follows the newest published version unless
# var.live_version_pins holds a function back (a rollback).
resource "aws_lambda_alias" "live" {
  for_each = var.functions

  name             = "live"
  description      = "What callers invoke; move it to roll back."
  function_name    = aws_lambda_function.this[each.key].function_name
  function_version = lookup(var.live_version_pins, each.key, aws_lambda_function.this[each.key].version)
}

## Migrations: run once per deploy (and whenever the package changes), after
## the database is reachable through the proxy. The adapter POSTs the input
## to /events/migrate; the app answers 200 with the applied schema version,
## and a 5xx fails the invocation and so the apply.

resource "aws_lambda_invocation" "migrate" {
  function_name = aws_lambda_function.this["migrate"].function_name
  qualifier     = aws_lambda_alias.live["migrate"].name

  input = jsonencode({
    action = "migrate"
  })

  triggers = {
    package  = coalesce(local.package_hash, "absent")
    version  = aws_lambda_alias.live["migrate"].function_version
    database = aws_db_instance.this.id
  }

  depends_on = [aws_db_proxy_target.this]
}
