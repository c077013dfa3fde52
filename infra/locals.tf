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

  # Package layout: see var.package_type. java21, not java25: the AWS
  # provider 5.x refuses java25, and the app targets Java 17 anyway.
  runtime = var.package_type == "native" ? "provided.al2023" : "java21"
  handler = var.package_type == "native" ? "bootstrap" : var.jvm_run_script

  # Not migrate: it migrates in its init (QUARKUS_FLYWAY_MIGRATE_AT_START), which
  # SnapStart would run when the version is published, before the database may
  # be reachable, and it is invoked once per deploy, where a snapshot saves nothing.
  snap_start_functions = var.package_type == "jvm" && var.jvm_snap_start ? setsubtract(keys(var.functions), ["migrate"]) : toset([])

  memory_size = {
    for k, f in var.functions : k => coalesce(f.memory_size[var.package_type], var.memory_size_defaults[var.package_type])
  }

  layers = compact([
    var.web_adapter_layer_arn,
    var.traces_exporter == "adot" ? var.adot_collector_layer_arn : null,
  ])

  # OpenTelemetry (Quarkus keys). The ADOT collector extension listens on
  # localhost:4318 (OTLP over HTTP) inside the execution environment. The X-Ray
  # propagator continues a trace that arrives in X-Amzn-Trace-Id, so Lambda's
  # and the app's spans share one trace.
  traces_environment = var.traces_exporter == "none" ? {
    QUARKUS_OTEL_TRACES_EXPORTER = "none"
    } : {
    QUARKUS_OTEL_TRACES_EXPORTER               = "cdi"
    QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = var.traces_exporter == "adot" ? "http://localhost:4318" : var.traces_otlp_endpoint
    QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = var.traces_exporter == "adot" ? "http/protobuf" : var.traces_otlp_protocol
    QUARKUS_OTEL_PROPAGATORS                   = "tracecontext,baggage,xray"
  }

  # Who writes to X-Ray: Lambda's own segments (Active) and the ADOT collector.
  xray_writes = var.tracing_mode == "Active" || var.traces_exporter == "adot"

  # Absent in tests and before the first build: plans still work (the hash is
  # then null; uploading the missing file fails at apply, as it should).
  package_present = fileexists(var.package_path)
  package_hash    = local.package_present ? filebase64sha256(var.package_path) : null

  db_secret_arn = one(aws_db_instance.this.master_user_secret[*].secret_arn)
  db_host       = aws_db_proxy.this.endpoint
  db_port       = 5432

  # IAM authentication names the proxy by its resource id (prx-...), the last
  # part of its ARN: arn:<partition>:rds:<region>:<account>:db-proxy:prx-...
  db_proxy_arn_parts = split(":", aws_db_proxy.this.arn)
  db_iam_user_arn = format(
    "arn:%s:rds-db:%s:%s:dbuser:%s/%s",
    local.db_proxy_arn_parts[1], local.db_proxy_arn_parts[3], local.db_proxy_arn_parts[4], local.db_proxy_arn_parts[6], var.db_username,
  )

  # What the app needs to log in (FANOUT_DB_AUTH): the host and port it signs
  # the IAM token for, or the secret it reads the password from.
  db_auth_environment = var.db_auth == "iam" ? {
    FANOUT_DB_AUTH     = "iam"
    FANOUT_DB_IAM_HOST = local.db_host
    FANOUT_DB_IAM_PORT = tostring(local.db_port)
    } : {
    FANOUT_DB_AUTH       = "secret"
    FANOUT_DB_SECRET_ARN = local.db_secret_arn
  }

  # Every function runs the same app; these differ only per function below.
  common_environment = merge(
    local.db_auth_environment,
    local.traces_environment,
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

      # Upstreams
      FANOUT_PROFILE_BILLING_URL         = var.upstream_urls.billing
      FANOUT_PROFILE_ORDERS_URL          = var.upstream_urls.orders
      FANOUT_PROFILE_RECOMMENDATIONS_URL = var.upstream_urls.recommendations
      FANOUT_SYNC_DIRECTORY_URL          = var.upstream_urls.directory

      FANOUT_METRICS_NAMESPACE = var.metrics_namespace
    },
    var.package_type == "jvm" ? { AWS_LAMBDA_EXEC_WRAPPER = "/opt/bootstrap" } : {},
  )

  function_environment = {
    for function in keys(var.functions) : function => merge(
      local.common_environment,
      {
        FANOUT_FUNCTION                 = function
        QUARKUS_FLYWAY_MIGRATE_AT_START = function == "migrate" ? "true" : "false"
      },
      # The app runs as the adapter's child process, not inside Lambda's Java
      # runtime, so Lambda never calls its org.crac hooks itself; the adapter
      # (v1.1.0 or later) relays the snapshot lifecycle to these paths.
      contains(local.snap_start_functions, function) && var.snap_start_hook_paths.before_checkpoint != null ? {
        AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH = var.snap_start_hook_paths.before_checkpoint
      } : {},
      contains(local.snap_start_functions, function) && var.snap_start_hook_paths.after_restore != null ? {
        AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH = var.snap_start_hook_paths.after_restore
      } : {},
      contains(keys(local.event_paths), function) ? {
        AWS_LWA_PASS_THROUGH_PATH  = local.event_paths[function]
        AWS_LWA_ERROR_STATUS_CODES = local.event_error_status_codes
      } : {},
    )
  }
}
