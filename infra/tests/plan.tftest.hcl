# Offline plan-mode tests with a mocked AWS provider (tests/mocks). Each
# assertion reads the planned configuration, so each fails if the
# configuration it guards regresses.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  project     = "fanout"
  environment = "test"
  aws_region  = "eu-central-1"
}

run "defaults" {
  command = plan

  # --- every function: log group, alarms, and a trigger ---------------------

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      f.logging_config[0].log_group == aws_cloudwatch_log_group.function[k].name
      && aws_cloudwatch_log_group.function[k].name == "/aws/lambda/${f.function_name}"
      && aws_cloudwatch_log_group.function[k].retention_in_days == var.log_retention_days
    ])
    error_message = "Every function must log to its own log group with retention."
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      aws_cloudwatch_metric_alarm.function_errors[k].dimensions.FunctionName == f.function_name
      && aws_cloudwatch_metric_alarm.function_throttles[k].dimensions.FunctionName == f.function_name
      && aws_cloudwatch_metric_alarm.function_duration_p99[k].dimensions.FunctionName == f.function_name
      && aws_cloudwatch_metric_alarm.function_duration_p99[k].extended_statistic == "p99"
    ])
    error_message = "Every function must have error, throttle and p99 duration alarms on its own name."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dead_letter_depth.dimensions.QueueName == aws_sqs_queue.dead_letter.name
      && aws_cloudwatch_metric_alarm.dead_letter_depth.threshold == 0
    )
    error_message = "The dead-letter queue must have a depth alarm."
  }

  assert {
    # routed (a route reaches its integration), mapped (SQS), or invoked by Terraform (migrate)
    condition = alltrue([
      for k, f in aws_lambda_function.this : (
        contains(flatten([
          for r in aws_apigatewayv2_route.this : [
            for i in aws_apigatewayv2_integration.this : i.integration_uri if r.target == "integrations/${i.id}"
          ]
        ]), aws_lambda_alias.live[k].invoke_arn)
        || aws_lambda_event_source_mapping.sync.function_name == aws_lambda_alias.live[k].arn
        || aws_lambda_invocation.migrate.function_name == f.function_name
      )
    ])
    error_message = "Every function must be reached by an API route, the SQS mapping, or the migration invocation."
  }

  assert {
    condition = toset(keys(aws_apigatewayv2_route.this)) == toset([
      "POST /users", "GET /users", "GET /users/{id}", "PATCH /users/{id}", "DELETE /users/{id}",
      "GET /users/{id}/profile", "POST /sync",
    ])
    error_message = "The API must serve exactly the contract's routes."
  }

  assert {
    condition = alltrue([
      for k, r in aws_apigatewayv2_route.this :
      r.target == "integrations/${aws_apigatewayv2_integration.this[local.route_functions[k]].id}"
      && aws_apigatewayv2_integration.this[local.route_functions[k]].payload_format_version == "2.0"
    ])
    error_message = "Each route must reach its own function with payload format 2.0."
  }

  # --- versions and the live alias: nothing invokes $LATEST --------------------

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      f.publish == true
      && aws_lambda_alias.live[k].name == "live"
      && aws_lambda_alias.live[k].function_name == f.function_name
      && aws_lambda_alias.live[k].function_version == f.version
      && aws_lambda_alias.live[k].function_version != "$LATEST"
    ])
    error_message = "Every function must publish versions and have a live alias on its newest version."
  }

  assert {
    condition = alltrue([
      for k, i in aws_apigatewayv2_integration.this :
      i.integration_uri == aws_lambda_alias.live[k].invoke_arn
      && endswith(i.integration_uri, ":live/invocations")
    ])
    error_message = "API Gateway must invoke the live alias, never the unqualified function ($LATEST)."
  }

  assert {
    condition = alltrue([
      for k, p in aws_lambda_permission.api :
      p.qualifier == "live" && p.function_name == aws_lambda_function.this[local.route_functions[k]].function_name
    ])
    error_message = "API invoke permissions must be granted on the live alias."
  }

  assert {
    condition = (
      endswith(aws_lambda_event_source_mapping.sync.function_name, ":live")
      && aws_lambda_invocation.migrate.qualifier == "live"
    )
    error_message = "The SQS mapping and the migration must invoke the live alias, never $LATEST."
  }

  assert {
    condition     = output.live_versions == { for k, f in aws_lambda_function.this : k => f.version }
    error_message = "live_versions must report the version each alias points to."
  }

  # --- the SQS mapping ----------------------------------------------------------

  assert {
    condition = (
      aws_lambda_event_source_mapping.sync.function_response_types == toset(["ReportBatchItemFailures"])
      && aws_lambda_event_source_mapping.sync.event_source_arn == aws_sqs_queue.sync.arn
      && aws_lambda_event_source_mapping.sync.function_name == aws_lambda_alias.live["sync-queue"].arn
      && aws_lambda_event_source_mapping.sync.batch_size == var.sqs_batch_size
      && aws_lambda_event_source_mapping.sync.maximum_batching_window_in_seconds == var.sqs_batching_window_seconds
      && aws_lambda_event_source_mapping.sync.scaling_config[0].maximum_concurrency == var.sqs_maximum_concurrency
    )
    error_message = "The SQS mapping must feed sync-queue and report batch item failures."
  }

  assert {
    condition = (
      jsondecode(aws_sqs_queue.sync.redrive_policy).deadLetterTargetArn == aws_sqs_queue.dead_letter.arn
      && jsondecode(aws_sqs_queue.sync.redrive_policy).maxReceiveCount == var.sqs_max_receive_count
      && aws_sqs_queue.sync.visibility_timeout_seconds >= 6 * var.functions["sync-queue"].timeout
    )
    error_message = "The sync queue must redrive to the DLQ, with a visibility timeout of at least 6x the function timeout."
  }

  assert {
    condition = (
      aws_lambda_function.this["sync-queue"].environment[0].variables.AWS_LWA_PASS_THROUGH_PATH == "/events/sqs"
      && aws_lambda_function.this["sync-queue"].environment[0].variables.AWS_LWA_ERROR_STATUS_CODES == "500-599"
      && aws_lambda_function.this["migrate"].environment[0].variables.AWS_LWA_PASS_THROUGH_PATH == "/events/migrate"
      && aws_lambda_function.this["migrate"].environment[0].variables.QUARKUS_FLYWAY_MIGRATE_AT_START == "true"
      && aws_lambda_function.this["users"].environment[0].variables.QUARKUS_FLYWAY_MIGRATE_AT_START == "false"
      && !contains(keys(aws_lambda_function.this["users"].environment[0].variables), "AWS_LWA_ERROR_STATUS_CODES")
    )
    error_message = "Event-driven functions need their pass-through path and 5xx-as-failure; API functions must not fail on 5xx."
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      f.environment[0].variables.AWS_LWA_READINESS_CHECK_PATH == "/q/health/started"
      && f.environment[0].variables.AWS_LWA_PORT == "8080"
      && f.environment[0].variables.QUARKUS_HTTP_PORT == "8080"
      && f.environment[0].variables.QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE == tostring(var.db_pool_max_size)
      && f.environment[0].variables.FANOUT_DB_POOL_MAX_SIZE == tostring(var.db_pool_max_size)
      && startswith(f.environment[0].variables.QUARKUS_DATASOURCE_REACTIVE_URL, "postgresql://${aws_db_proxy.this.endpoint}:5432/")
      && startswith(f.environment[0].variables.QUARKUS_DATASOURCE_JDBC_URL, "jdbc:postgresql://${aws_db_proxy.this.endpoint}:5432/")
    ])
    error_message = "Every function must configure the adapter (port, readiness) and reach the database through the proxy."
  }

  # --- nothing but the API is public ---------------------------------------------

  assert {
    condition = alltrue([
      for p in aws_lambda_permission.api :
      p.principal == "apigateway.amazonaws.com"
      && startswith(p.source_arn, "${aws_apigatewayv2_api.this.execution_arn}/")
      && p.function_url_auth_type == null
    ])
    error_message = "Functions may be invoked only by this API (no function URLs, no open permissions)."
  }

  assert {
    condition     = toset(keys(aws_lambda_permission.api)) == toset(keys(aws_apigatewayv2_route.this))
    error_message = "Each route needs exactly one invoke permission, scoped to it."
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      toset(f.vpc_config[0].subnet_ids) == toset(aws_subnet.private[*].id)
      && f.vpc_config[0].security_group_ids == toset([aws_security_group.functions.id])
    ])
    error_message = "Functions must run in the private subnets with the functions security group."
  }

  assert {
    condition = (
      alltrue([for s in aws_subnet.private : !s.map_public_ip_on_launch])
      && alltrue([for s in aws_subnet.public : !s.map_public_ip_on_launch])
    )
    error_message = "No subnet may hand out public IPs."
  }

  assert {
    condition = (
      aws_db_instance.this.publicly_accessible == false
      && aws_db_instance.this.storage_encrypted
      && aws_db_instance.this.vpc_security_group_ids == toset([aws_security_group.database.id])
      && aws_db_proxy.this.vpc_security_group_ids == toset([aws_security_group.proxy.id])
      && toset(aws_db_proxy.this.vpc_subnet_ids) == toset(aws_subnet.private[*].id)
      && toset(aws_db_subnet_group.this.subnet_ids) == toset(aws_subnet.private[*].id)
    )
    error_message = "Database and proxy must be private, in the private subnets, behind their own security groups."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.proxy_from_functions.security_group_id == aws_security_group.proxy.id
      && aws_vpc_security_group_ingress_rule.proxy_from_functions.referenced_security_group_id == aws_security_group.functions.id
      && aws_vpc_security_group_ingress_rule.proxy_from_functions.from_port == 5432
      && aws_vpc_security_group_ingress_rule.database_from_proxy.security_group_id == aws_security_group.database.id
      && aws_vpc_security_group_ingress_rule.database_from_proxy.referenced_security_group_id == aws_security_group.proxy.id
      && aws_vpc_security_group_ingress_rule.database_from_proxy.from_port == 5432
    )
    error_message = "Only the functions may reach the proxy, and only the proxy may reach the database."
  }

  assert {
    # Every ingress rule in the root, by security group: none from an address range.
    condition = alltrue([
      for r in [
        aws_vpc_security_group_ingress_rule.proxy_from_functions,
        aws_vpc_security_group_ingress_rule.database_from_proxy,
        aws_vpc_security_group_ingress_rule.endpoints_from_functions,
        aws_vpc_security_group_ingress_rule.endpoints_from_proxy,
      ] : r.cidr_ipv4 == null && r.cidr_ipv6 == null && r.prefix_list_id == null && r.referenced_security_group_id != null
    ])
    error_message = "Ingress must come from security groups, never from address ranges."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.artifacts.block_public_acls
      && aws_s3_bucket_public_access_block.artifacts.block_public_policy
      && aws_s3_bucket_public_access_block.artifacts.ignore_public_acls
      && aws_s3_bucket_public_access_block.artifacts.restrict_public_buckets
    )
    error_message = "The artifacts bucket must block all public access."
  }

  assert {
    condition = (
      aws_s3_bucket_versioning.artifacts.versioning_configuration[0].status == "Enabled"
      && one(aws_s3_bucket_lifecycle_configuration.artifacts.rule).status == "Enabled"
      && one(one(aws_s3_bucket_lifecycle_configuration.artifacts.rule).filter).prefix == "${var.project}/"
      && startswith(aws_s3_object.package.key, "${var.project}/")
      && one(one(aws_s3_bucket_lifecycle_configuration.artifacts.rule).noncurrent_version_expiration).newer_noncurrent_versions == var.packages_kept - 1
    )
    error_message = "The artifacts bucket must keep the last packages_kept packages of the package key and expire the older ones."
  }

  # --- no secret in outputs, variables or state ---------------------------------

  assert {
    condition = (
      aws_db_instance.this.manage_master_user_password == true
      && aws_db_instance.this.password == null
    )
    error_message = "The database password must be generated and kept by RDS in Secrets Manager, never set by Terraform."
  }

  assert {
    condition = alltrue([
      for v in [output.api_url, output.queue_url, output.dead_letter_queue_url, output.dashboard_name, jsonencode(output.function_names)] :
      !strcontains(v, local.db_secret_arn) && !strcontains(lower(v), "password")
    ])
    error_message = "No output may carry the database secret or a password."
  }

  assert {
    condition = (
      output.api_url == aws_apigatewayv2_stage.this.invoke_url
      && output.queue_url == aws_sqs_queue.sync.url
    )
    error_message = "Outputs must give the API URL and the queue URL."
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      !contains(keys(f.environment[0].variables), "QUARKUS_DATASOURCE_PASSWORD")
    ])
    error_message = "Functions never get the password itself."
  }

  # --- database login: IAM authentication through the proxy by default ------------

  assert {
    condition     = one(aws_db_proxy.this.auth).iam_auth == "REQUIRED" && aws_db_proxy.this.require_tls
    error_message = "By default the proxy must require IAM authentication (over TLS)."
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      f.environment[0].variables.FANOUT_DB_AUTH == "iam"
      && f.environment[0].variables.FANOUT_DB_IAM_HOST == aws_db_proxy.this.endpoint
      && f.environment[0].variables.FANOUT_DB_IAM_PORT == "5432"
      && f.environment[0].variables.QUARKUS_DATASOURCE_USERNAME == var.db_username
      && !contains(keys(f.environment[0].variables), "FANOUT_DB_SECRET_ARN")
    ])
    error_message = "With IAM auth, functions get the proxy's host and port to sign tokens for, the user, and no secret."
  }

  assert {
    condition = alltrue([
      for doc in values(data.aws_iam_policy_document.function) :
      length([for s in doc.statement : s if contains(s.actions, "rds-db:connect")]) == 1
      && alltrue([
        for s in doc.statement :
        s.resources == toset(["arn:aws:rds-db:eu-central-1:123456789012:dbuser:prx-0123456789abcdef0/${var.db_username}"])
        if contains(s.actions, "rds-db:connect")
      ])
      && !anytrue([for s in doc.statement : contains(s.actions, "secretsmanager:GetSecretValue")])
    ])
    error_message = "With IAM auth, each role may rds-db:connect only as the database user on this proxy, and read no secret."
  }

  # --- least privilege --------------------------------------------------------------

  assert {
    condition = alltrue(flatten([
      for doc in concat(values(data.aws_iam_policy_document.function), [data.aws_iam_policy_document.proxy]) : [
        for s in doc.statement :
        !contains(s.resources, "*") || length(setsubtract(s.actions, [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
        ])) == 0
      ]
    ]))
    error_message = "Resource \"*\" is allowed only for the VPC network-interface and X-Ray actions."
  }

  assert {
    condition = alltrue(flatten([
      for doc in concat(values(data.aws_iam_policy_document.function), [data.aws_iam_policy_document.proxy]) : [
        for s in doc.statement : [
          for a in s.actions : !strcontains(a, "*")
        ]
      ]
    ]))
    error_message = "No wildcard actions."
  }

  assert {
    condition = alltrue([
      for k, doc in data.aws_iam_policy_document.function :
      anytrue(flatten([for s in doc.statement : [for a in s.actions : startswith(a, "sqs:")]])) == (k == "sync-queue")
    ])
    error_message = "Only sync-queue may consume from SQS."
  }

  assert {
    condition = alltrue([
      for doc in concat(values(data.aws_iam_policy_document.function), [data.aws_iam_policy_document.proxy]) :
      alltrue([for s in doc.statement : s.resources == toset([local.db_secret_arn]) if contains(s.actions, "secretsmanager:GetSecretValue")])
    ])
    error_message = "Secret reads must be limited to the one database secret."
  }

  assert {
    condition = alltrue([
      for k, doc in data.aws_iam_policy_document.function :
      alltrue([for s in doc.statement : s.resources == toset(["${aws_cloudwatch_log_group.function[k].arn}:*"]) if contains(s.actions, "logs:PutLogEvents")])
    ])
    error_message = "Functions may write only to their own log group."
  }

  # --- TLS to the database ---------------------------------------------------------

  assert {
    condition = (
      aws_db_proxy.this.require_tls == true
      && contains([for p in aws_db_parameter_group.this.parameter : "${p.name}=${p.value}"], "rds.force_ssl=1")
      && alltrue([for f in aws_lambda_function.this : f.environment[0].variables.QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE == "require"])
    )
    error_message = "TLS must be required by the proxy, the database and the clients."
  }

  assert {
    condition = (
      one(aws_db_proxy.this.auth).auth_scheme == "SECRETS"
      && one(aws_db_proxy.this.auth).secret_arn == local.db_secret_arn
      && aws_db_proxy_default_target_group.this.connection_pool_config[0].max_connections_percent == var.proxy_max_connections_percent
    )
    error_message = "The proxy must authenticate with the RDS-managed secret and use the configured connection share."
  }

  # --- JWT authorizer off by default -----------------------------------------------

  assert {
    condition = (
      length(aws_apigatewayv2_authorizer.jwt) == 0
      && alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "NONE" && r.authorizer_id == null])
    )
    error_message = "Without jwt_authorizer_enabled there must be no authorizer and no route may reference one."
  }

  # --- throttling and access logs on the stage ---------------------------------------

  assert {
    condition = (
      aws_apigatewayv2_stage.this.name == "$default"
      && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == var.api_throttling_rate_limit
      && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == var.api_throttling_burst_limit
    )
    error_message = "The $default stage must throttle by default."
  }

  assert {
    condition = (
      toset([for s in aws_apigatewayv2_stage.this.route_settings : s.route_key]) == toset(keys(aws_apigatewayv2_route.this))
      && alltrue([
        for s in aws_apigatewayv2_stage.this.route_settings :
        s.throttling_rate_limit == var.functions[local.route_functions[s.route_key]].route_throttle_rate
        && s.throttling_burst_limit == var.functions[local.route_functions[s.route_key]].route_throttle_burst
      ])
    )
    error_message = "Every route must have its own throttling settings."
  }

  assert {
    condition = (
      aws_apigatewayv2_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.api_access.arn
      && can(jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format).requestId)
      && aws_cloudwatch_log_group.api_access.retention_in_days == var.log_retention_days
    )
    error_message = "The stage must write JSON access logs to a log group with retention."
  }

  # --- package type: native by default ------------------------------------------------

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      f.runtime == "provided.al2023" && f.handler == "bootstrap"
      && !contains(keys(f.environment[0].variables), "AWS_LAMBDA_EXEC_WRAPPER")
      && length(f.layers) == 1 && contains(f.layers, var.web_adapter_layer_arn)
      && f.s3_bucket == aws_s3_object.package.bucket && f.s3_key == aws_s3_object.package.key
    ])
    error_message = "Native package: provided.al2023, handler bootstrap, the adapter layer, code from S3."
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : length(f.snap_start) == 0])
    error_message = "SnapStart does not apply to provided.al2023: the native package must not ask for it."
  }

  assert {
    condition = (
      var.memory_size_defaults == { native = 512, jvm = 1769 }
      && alltrue([for f in aws_lambda_function.this : f.memory_size == 512])
    )
    error_message = "Defaults: 512 MB native, 1,769 MB JVM (infra/README.md, \"Memory sizes\"), and the native default deployed."
  }

  assert {
    condition = (
      alltrue([
        for f in aws_lambda_function.this :
        f.environment[0].variables.QUARKUS_OTEL_TRACES_EXPORTER == "none"
        && !contains(keys(f.environment[0].variables), "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        && length(f.layers) == 1
      ])
      && length(aws_vpc_endpoint.xray) == 0
    )
    error_message = "By default the app's spans are not exported: exporter none, no collector layer, no X-Ray endpoint."
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.tracing_config[0].mode == "Active"])
    error_message = "Tracing must follow tracing_mode."
  }
}

run "jwt_authorizer_enabled" {
  command = plan

  variables {
    jwt_authorizer_enabled = true
    jwt_issuer             = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_example"
    jwt_audience           = ["fanout-client"]
  }

  assert {
    condition = (
      length(aws_apigatewayv2_authorizer.jwt) == 1
      && aws_apigatewayv2_authorizer.jwt[0].authorizer_type == "JWT"
      && aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].issuer == var.jwt_issuer
      && aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].audience == toset(var.jwt_audience)
    )
    error_message = "jwt_authorizer_enabled must create a JWT authorizer with the issuer and audience."
  }

  assert {
    condition = alltrue([
      for r in aws_apigatewayv2_route.this :
      r.authorization_type == "JWT" && r.authorizer_id == aws_apigatewayv2_authorizer.jwt[0].id
    ])
    error_message = "Every route must use the JWT authorizer when it is enabled."
  }
}

run "jwt_authorizer_needs_issuer" {
  command = plan

  variables {
    jwt_authorizer_enabled = true
    jwt_audience           = ["fanout-client"]
  }

  expect_failures = [var.jwt_issuer]
}

run "memory_sizes_per_function_and_package_type" {
  command = plan

  variables {
    package_type = "jvm"
    functions = {
      users        = { memory_size = { native = 256, jvm = 2048 }, timeout = 10, reserved_concurrency = 10 }
      profile      = { memory_size = { native = 1024 }, timeout = 10, reserved_concurrency = 10 }
      "sync-api"   = { timeout = 29, reserved_concurrency = 2 }
      "sync-queue" = { timeout = 60, reserved_concurrency = 4 }
      migrate      = { timeout = 120, reserved_concurrency = 1 }
    }
  }

  assert {
    condition = (
      aws_lambda_function.this["users"].memory_size == 2048
      && aws_lambda_function.this["profile"].memory_size == var.memory_size_defaults.jvm
      && aws_lambda_function.this["sync-api"].memory_size == var.memory_size_defaults.jvm
    )
    error_message = "A function's memory must be its own for the deployed package type, else the package type's default."
  }
}

run "jvm_package_on_arm64" {
  command = plan

  variables {
    package_type          = "jvm"
    architecture          = "arm64"
    web_adapter_layer_arn = "arn:aws:lambda:eu-central-1:753240598075:layer:LambdaAdapterLayerArm64:24"
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      f.runtime == "java21" && f.handler == "run.sh"
      && f.environment[0].variables.AWS_LAMBDA_EXEC_WRAPPER == "/opt/bootstrap"
      && one(f.architectures) == "arm64"
      && contains(f.layers, var.web_adapter_layer_arn)
    ])
    error_message = "JVM package: java21, the run script, the adapter's exec wrapper and the matching adapter layer."
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      try(one(f.snap_start).apply_on, "none") == "PublishedVersions" && f.publish
      && aws_lambda_alias.live[k].function_version == f.version
      if k != "migrate"
    ])
    error_message = "JVM functions must use SnapStart on published versions, served through the live alias."
  }

  assert {
    condition     = length(aws_lambda_function.this["migrate"].snap_start) == 0
    error_message = "migrate migrates in its init, which SnapStart would run at publish time: it must not use SnapStart."
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      !contains(keys(f.environment[0].variables), "AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH")
      && !contains(keys(f.environment[0].variables), "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH")
    ])
    error_message = "Without snap_start_hook_paths, the adapter must call no hook."
  }
}

run "jvm_snap_start_hooks" {
  command = plan

  variables {
    package_type = "jvm"
    snap_start_hook_paths = {
      before_checkpoint = "/q/snapstart/before-checkpoint"
      after_restore     = "/q/snapstart/after-restore"
    }
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      k == "migrate" ? !contains(keys(f.environment[0].variables), "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH") : (
        f.environment[0].variables.AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH == "/q/snapstart/before-checkpoint"
        && f.environment[0].variables.AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH == "/q/snapstart/after-restore"
      )
    ])
    error_message = "The adapter must get the hook paths where SnapStart is on, and only there."
  }
}

run "jvm_without_snap_start" {
  command = plan

  variables {
    package_type   = "jvm"
    jvm_snap_start = false
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : length(f.snap_start) == 0])
    error_message = "jvm_snap_start = false must turn SnapStart off."
  }
}

run "native_hooks_ignored" {
  command = plan

  variables {
    snap_start_hook_paths = { after_restore = "/q/snapstart/after-restore" }
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : !contains(keys(f.environment[0].variables), "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH")])
    error_message = "Without SnapStart (native), the adapter must call no hook."
  }
}

run "tracing_pass_through" {
  command = plan

  variables {
    tracing_mode = "PassThrough"
  }

  assert {
    condition = (
      alltrue([for f in aws_lambda_function.this : f.tracing_config[0].mode == "PassThrough"])
      && alltrue(flatten([
        for doc in data.aws_iam_policy_document.function : [
          for s in doc.statement : [for a in s.actions : !startswith(a, "xray:")]
        ]
      ]))
    )
    error_message = "Without active tracing, no function may hold X-Ray permissions."
  }
}

run "connection_budget_exceeded" {
  command = plan

  variables {
    # 27 reserved instances in total by default; 4 x 27 = 108 > 100 x 90% = 90
    db_pool_max_size = 4
  }

  expect_failures = [var.db_pool_max_size]
}

run "connection_budget_exceeded_by_concurrency" {
  command = plan

  variables {
    functions = {
      users        = { timeout = 10, reserved_concurrency = 40 }
      profile      = { timeout = 10, reserved_concurrency = 10 }
      "sync-api"   = { timeout = 29, reserved_concurrency = 2 }
      "sync-queue" = { timeout = 60, reserved_concurrency = 4 }
      migrate      = { timeout = 120, reserved_concurrency = 1 }
    }
  }

  # 2 x 57 = 114 > 90
  expect_failures = [var.db_pool_max_size]
}

run "connection_budget_exactly_met" {
  command = plan

  variables {
    # 3 x 27 = 81 <= 100 x 81% = 81
    db_pool_max_size              = 3
    proxy_max_connections_percent = 81
  }

  assert {
    condition     = aws_db_proxy_default_target_group.this.connection_pool_config[0].max_connections_percent == 81
    error_message = "A pool that exactly fits the budget must be accepted."
  }
}

run "sqs_concurrency_above_reserved" {
  command = plan

  variables {
    sqs_maximum_concurrency = 5
  }

  expect_failures = [var.sqs_maximum_concurrency]
}

run "web_adapter_layer_from_another_region" {
  command = plan

  variables {
    web_adapter_layer_arn = "arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerX86:24"
  }

  expect_failures = [var.web_adapter_layer_arn]
}

run "web_adapter_layer_for_another_architecture" {
  command = plan

  variables {
    architecture = "arm64"
  }

  expect_failures = [var.web_adapter_layer_arn]
}

run "rollback_pins_one_alias" {
  command = plan

  variables {
    live_version_pins = { profile = "3" }
  }

  assert {
    condition = (
      aws_lambda_alias.live["profile"].function_version == "3"
      && alltrue([for k, a in aws_lambda_alias.live : a.function_version == aws_lambda_function.this[k].version if k != "profile"])
    )
    error_message = "A pin must move only that function's live alias, to the pinned version."
  }
}

run "rollback_to_latest_refused" {
  command = plan

  variables {
    live_version_pins = { users = "$LATEST" }
  }

  expect_failures = [var.live_version_pins]
}

run "secret_auth" {
  command = plan

  variables {
    db_auth = "secret"
  }

  assert {
    condition     = one(aws_db_proxy.this.auth).iam_auth == "DISABLED" && one(aws_db_proxy.this.auth).secret_arn == local.db_secret_arn
    error_message = "With db_auth = secret, the proxy must accept the secret's password."
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      f.environment[0].variables.FANOUT_DB_AUTH == "secret"
      && f.environment[0].variables.FANOUT_DB_SECRET_ARN == local.db_secret_arn
      && !contains(keys(f.environment[0].variables), "FANOUT_DB_IAM_HOST")
    ])
    error_message = "With db_auth = secret, functions get the secret's ARN (never the password) and no IAM host."
  }

  assert {
    condition = alltrue([
      for doc in values(data.aws_iam_policy_document.function) :
      anytrue([for s in doc.statement : s.resources == toset([local.db_secret_arn]) if contains(s.actions, "secretsmanager:GetSecretValue")])
      && !anytrue([for s in doc.statement : contains(s.actions, "rds-db:connect")])
    ])
    error_message = "With db_auth = secret, each role may read the one secret and may not rds-db:connect."
  }
}

run "db_auth_unknown" {
  command = plan

  variables {
    db_auth = "password"
  }

  expect_failures = [var.db_auth]
}

run "traces_through_adot_to_xray" {
  command = plan

  variables {
    traces_exporter          = "adot"
    adot_collector_layer_arn = "arn:aws:lambda:eu-central-1:901920570463:layer:aws-otel-collector-amd64-ver-0-117-0:1"
    # The collector writes to X-Ray even when Lambda does not trace actively.
    tracing_mode = "PassThrough"
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      contains(f.layers, var.adot_collector_layer_arn) && contains(f.layers, var.web_adapter_layer_arn)
      && f.environment[0].variables.QUARKUS_OTEL_TRACES_EXPORTER == "cdi"
      && f.environment[0].variables.QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT == "http://localhost:4318"
      && f.environment[0].variables.QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL == "http/protobuf"
      && f.environment[0].variables.QUARKUS_OTEL_PROPAGATORS == "tracecontext,baggage,xray"
    ])
    error_message = "With adot, every function must carry the collector layer and export OTLP/HTTP to it on localhost:4318 with the X-Ray propagator."
  }

  assert {
    condition = alltrue([
      for doc in values(data.aws_iam_policy_document.function) :
      anytrue([for s in doc.statement : contains(s.actions, "xray:PutTraceSegments")])
    ])
    error_message = "The collector needs xray:PutTraceSegments in every function's role."
  }

  assert {
    condition = (
      length(aws_vpc_endpoint.xray) == 1
      && aws_vpc_endpoint.xray[0].service_name == "com.amazonaws.eu-central-1.xray"
      && aws_vpc_endpoint.xray[0].security_group_ids == toset([aws_security_group.endpoints.id])
      && toset(aws_vpc_endpoint.xray[0].subnet_ids) == toset(aws_subnet.private[*].id)
    )
    error_message = "With adot, X-Ray must be reachable through an interface endpoint in the private subnets."
  }
}

run "traces_adot_needs_a_layer" {
  command = plan

  variables {
    traces_exporter = "adot"
  }

  expect_failures = [var.adot_collector_layer_arn]
}

run "traces_adot_java_agent_refused" {
  command = plan

  variables {
    traces_exporter          = "adot"
    adot_collector_layer_arn = "arn:aws:lambda:eu-central-1:901920570463:layer:aws-otel-java-agent-amd64-ver-1-32-0:1"
  }

  expect_failures = [var.adot_collector_layer_arn]
}

run "traces_adot_wrong_architecture" {
  command = plan

  variables {
    traces_exporter          = "adot"
    adot_collector_layer_arn = "arn:aws:lambda:eu-central-1:901920570463:layer:aws-otel-collector-arm64-ver-0-117-0:1"
  }

  expect_failures = [var.adot_collector_layer_arn]
}

run "traces_to_an_otlp_collector" {
  command = plan

  variables {
    traces_exporter      = "otlp"
    traces_otlp_endpoint = "https://otel.example.com"
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      f.environment[0].variables.QUARKUS_OTEL_TRACES_EXPORTER == "cdi"
      && f.environment[0].variables.QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT == "https://otel.example.com"
      && f.environment[0].variables.QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL == "http/protobuf"
      && f.environment[0].variables.QUARKUS_OTEL_PROPAGATORS == "tracecontext,baggage,xray"
      && length(f.layers) == 1
    ])
    error_message = "With otlp, functions export to the given endpoint with the X-Ray propagator and carry no collector layer."
  }

  assert {
    condition     = length(aws_vpc_endpoint.xray) == 0
    error_message = "An external collector needs no X-Ray endpoint."
  }
}

run "traces_otlp_port_not_open" {
  command = plan

  variables {
    traces_exporter      = "otlp"
    traces_otlp_endpoint = "https://otel.example.com:4318"
  }

  expect_failures = [var.traces_otlp_endpoint]
}

run "traces_otlp_needs_an_endpoint" {
  command = plan

  variables {
    traces_exporter = "otlp"
  }

  expect_failures = [var.traces_otlp_endpoint]
}
