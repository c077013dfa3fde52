locals {
  name = "${var.project}-${var.environment}"

  # API route keys per function. A Java test reads every quoted
  # method-and-path string in this file and compares it with the JAX-RS
  # routes, so such strings appear here and nowhere else in this file.
  routes = {
    users = [
      "POST /users",
      "GET /users",
      "GET /users/{id}",
      "PATCH /users/{id}",
      "DELETE /users/{id}",
    ]
    profile = [
      "GET /users/{id}/profile",
    ]
    "sync-api" = [
      "POST /sync",
    ]
  }

  # route key => function name
  route_functions = merge([
    for function, keys in local.routes : { for key in keys : key => function }
  ]...)

  # Functions fed by a non-HTTP trigger: the Web Adapter POSTs the raw event
  # to this path, and a 5xx answer fails the invocation (so SQS retries the
  # batch and `aws_lambda_invocation` fails the apply).
  event_paths = {
    "sync-queue" = "/events/sqs"
    migrate      = "/events/migrate"
  }
  event_error_status_codes = "500-599"

  app_port       = 8080
  readiness_path = "/q/health/started" # the app has started and warmed up; never the database (dev.fanout.lambda.InitGate)

  # Package layout: see var.package_type.
  runtime = var.package_type == "native" ? "provided.al2023" : "java21"
  handler = var.package_type == "native" ? "bootstrap" : var.jvm_run_script

  web_adapter_layer_arn = coalesce(
    var.web_adapter_layer_arn,
    format(
      "arn:aws:lambda:%s:753240598075:layer:%s:24",
      var.aws_region,
      var.architecture == "arm64" ? "LambdaAdapterLayerArm64" : "LambdaAdapterLayerX86",
    ),
  )
  layers = compact([local.web_adapter_layer_arn, var.secrets_extension_layer_arn])

  # Absent in tests and before the first build: plans still work (the hash is
  # then null; uploading the missing file fails at apply, as it should).
  package_present = fileexists(var.package_path)
  package_hash    = local.package_present ? filebase64sha256(var.package_path) : null

  db_secret_arn = one(aws_db_instance.this.master_user_secret[*].secret_arn)
  db_host       = aws_db_proxy.this.endpoint
  db_port       = 5432

  # Every function runs the same app; these differ only per function below.
  common_environment = merge(
    {
      QUARKUS_HTTP_PORT = tostring(local.app_port)

      # AWS Lambda Web Adapter
      AWS_LWA_PORT                     = tostring(local.app_port)
      AWS_LWA_READINESS_CHECK_PORT     = tostring(local.app_port)
      AWS_LWA_READINESS_CHECK_PATH     = local.readiness_path
      AWS_LWA_READINESS_CHECK_PROTOCOL = "http"

      # Database, through RDS Proxy (TLS required by the proxy and by the clients)
      QUARKUS_DATASOURCE_REACTIVE_URL                            = "postgresql://${local.db_host}:${local.db_port}/${var.db_name}"
      QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE            = "require"
      QUARKUS_DATASOURCE_JDBC_URL                                = "jdbc:postgresql://${local.db_host}:${local.db_port}/${var.db_name}"
      QUARKUS_DATASOURCE_JDBC_ADDITIONAL_JDBC_PROPERTIES_SSLMODE = "require"
      QUARKUS_DATASOURCE_USERNAME                                = var.db_username
      QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE                       = tostring(var.db_pool_max_size)
      FANOUT_DB_POOL_MAX_SIZE                                    = tostring(var.db_pool_max_size) # application.properties reads this one
      FANOUT_DB_SECRET_ARN                                       = local.db_secret_arn

      # Upstreams
      QUARKUS_REST_CLIENT_BILLING_URL         = var.upstream_urls.billing
      QUARKUS_REST_CLIENT_ORDERS_URL          = var.upstream_urls.orders
      QUARKUS_REST_CLIENT_RECOMMENDATIONS_URL = var.upstream_urls.recommendations
      QUARKUS_REST_CLIENT_DIRECTORY_URL       = var.upstream_urls.directory

      FANOUT_METRICS_NAMESPACE = var.metrics_namespace
    },
    var.package_type == "jvm" ? { AWS_LAMBDA_EXEC_WRAPPER = "/opt/bootstrap" } : {},
    var.secrets_extension_layer_arn == null ? {} : { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = "2773" },
  )

  function_environment = {
    for function in keys(var.functions) : function => merge(
      local.common_environment,
      {
        FANOUT_FUNCTION                 = function
        QUARKUS_FLYWAY_MIGRATE_AT_START = function == "migrate" ? "true" : "false"
      },
      contains(keys(local.event_paths), function) ? {
        AWS_LWA_PASS_THROUGH_PATH  = local.event_paths[function]
        AWS_LWA_ERROR_STATUS_CODES = local.event_error_status_codes
      } : {},
    )
  }
}
