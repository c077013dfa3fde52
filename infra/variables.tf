## General

variable "project" {
  description = "Project name; prefixes every resource name."
  type        = string
  default     = "fanout"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be 2-21 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment (dev, staging, prod, ...); part of every resource name."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-central-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like eu-central-1."
  }
}

## Network

variable "vpc_cidr" {
  description = "CIDR block of the VPC. Private subnets take /20s from the bottom, public (NAT) subnets /24s from the top."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 16
    error_message = "vpc_cidr must be a valid IPv4 CIDR of size /16 or larger."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets (and the database proxy) over."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3 (RDS subnet groups and RDS Proxy need at least two AZs)."
  }
}

variable "nat_gateway_mode" {
  description = "Egress for the functions to the upstream HTTP services: \"single\" (one NAT gateway, cheap), \"per_az\" (one per AZ, resilient) or \"none\" (upstreams reachable without internet egress, e.g. through peering)."
  type        = string
  default     = "single"

  validation {
    condition     = contains(["single", "per_az", "none"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be one of single, per_az, none."
  }
}

## Functions and package

variable "package_type" {
  description = "\"native\" (runtime provided.al2023, handler bootstrap; the zip holds a bootstrap that starts the app) or \"jvm\" (runtime java21, the Web Adapter's exec wrapper /opt/bootstrap and the run script as handler)."
  type        = string
  default     = "native"

  validation {
    condition     = contains(["native", "jvm"], var.package_type)
    error_message = "package_type must be native or jvm."
  }
}

variable "architecture" {
  description = "Instruction set of the functions; must match the package (native builds are architecture-specific) and the adapter layer."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "package_path" {
  description = "Local path of the function package, relative to the Terraform working directory. Plans work while it is absent; apply uploads it."
  type        = string
  default     = "../target/function.zip"

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must point to a .zip file."
  }
}

variable "jvm_run_script" {
  description = "Handler for package_type = \"jvm\": the start-up script inside the zip that the adapter's exec wrapper runs (it must start the Quarkus app on port 8080)."
  type        = string
  default     = "run.sh"

  validation {
    condition     = length(var.jvm_run_script) > 0
    error_message = "jvm_run_script must not be empty."
  }
}

variable "jvm_snap_start" {
  description = "package_type = \"jvm\" only: restore each published version from a SnapStart snapshot instead of starting the JVM on every cold start. Ignored for native (provided.al2023 has no SnapStart)."
  type        = bool
  default     = true
}

variable "snap_start_hook_paths" {
  description = "With SnapStart: app paths the Web Adapter POSTs before the snapshot (close pools) and after a restore (reopen them, re-read credentials), as AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH / AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH. Needs an adapter layer of v1.1.0 or later; unset, no hook is called."
  type = object({
    before_checkpoint = optional(string)
    after_restore     = optional(string)
  })
  default = {}

  validation {
    condition     = alltrue([for p in values(var.snap_start_hook_paths) : p == null || startswith(coalesce(p, "-"), "/")])
    error_message = "snap_start_hook_paths must be absolute paths such as /q/snapstart/after-restore."
  }
}

variable "web_adapter_layer_arn" {
  description = "ARN of the AWS Lambda Web Adapter layer, versioned. The default is AWS's public x86_64 layer, version 24, in eu-central-1; set the one for your region and architecture (LambdaAdapterLayerX86 or LambdaAdapterLayerArm64 from account 753240598075), and pin a newer version here to upgrade."
  type        = string
  default     = "arn:aws:lambda:eu-central-1:753240598075:layer:LambdaAdapterLayerX86:24"

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.web_adapter_layer_arn))
    error_message = "web_adapter_layer_arn must be a versioned Lambda layer ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)."
  }

  validation {
    # Lambda refuses a layer from another region only at apply; say so at plan.
    condition     = try(split(":", var.web_adapter_layer_arn)[3] == var.aws_region, false)
    error_message = "web_adapter_layer_arn must be in aws_region (${var.aws_region}): layers are regional."
  }

  validation {
    # AWS's layers are per instruction set; the wrong one fails only at the first invocation.
    condition = (
      !startswith(try(split(":", var.web_adapter_layer_arn)[6], ""), "LambdaAdapterLayer")
      || (try(split(":", var.web_adapter_layer_arn)[6], "") == "LambdaAdapterLayerArm64") == (var.architecture == "arm64")
    )
    error_message = "web_adapter_layer_arn must match architecture (${var.architecture}): LambdaAdapterLayerX86 for x86_64, LambdaAdapterLayerArm64 for arm64."
  }
}

variable "packages_kept" {
  description = "Packages kept per package key in the artifacts bucket: the current one and the newest earlier ones. Older ones expire a day after they are replaced."
  type        = number
  default     = 5

  validation {
    # S3 keeps 1..100 newer noncurrent versions, and the current one is one more.
    condition     = var.packages_kept >= 2 && var.packages_kept <= 101 && floor(var.packages_kept) == var.packages_kept
    error_message = "packages_kept must be a whole number between 2 and 101."
  }
}

variable "memory_size_defaults" {
  description = "Memory (MB) of every function, per package type, unless var.functions sets its own. CPU share grows with memory: 1,769 MB is one vCPU. See infra/README.md, \"Memory sizes\", for where the defaults come from."
  type = object({
    native = number
    jvm    = number
  })
  default = {
    native = 512
    jvm    = 1769
  }

  validation {
    condition     = alltrue([for m in values(var.memory_size_defaults) : m >= 128 && m <= 10240])
    error_message = "memory_size_defaults must be between 128 and 10240 MB."
  }
}

variable "functions" {
  description = "Per-function settings. Keys are fixed: users, profile, sync-api, sync-queue, migrate. memory_size (MB) is per package type and optional, e.g. { jvm = 2048 }; an absent one takes memory_size_defaults. route_throttle_* apply to each API route the function serves."
  type = map(object({
    memory_size = optional(object({
      native = optional(number)
      jvm    = optional(number)
    }), {})
    timeout              = number
    reserved_concurrency = number
    route_throttle_rate  = optional(number, 50)
    route_throttle_burst = optional(number, 100)
  }))
  default = {
    users        = { timeout = 10, reserved_concurrency = 10 }
    profile      = { timeout = 10, reserved_concurrency = 10 }
    "sync-api"   = { timeout = 29, reserved_concurrency = 2, route_throttle_rate = 5, route_throttle_burst = 10 }
    "sync-queue" = { timeout = 60, reserved_concurrency = 4 }
    migrate      = { timeout = 120, reserved_concurrency = 1 }
  }

  validation {
    condition     = toset(keys(var.functions)) == toset(["users", "profile", "sync-api", "sync-queue", "migrate"])
    error_message = "functions must have exactly the keys users, profile, sync-api, sync-queue, migrate."
  }

  validation {
    condition = alltrue(flatten([
      for f in values(var.functions) : [for m in values(f.memory_size) : m == null || (coalesce(m, 0) >= 128 && coalesce(m, 0) <= 10240)]
    ]))
    error_message = "memory_size must be between 128 and 10240 MB."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.timeout >= 1 && f.timeout <= 900])
    error_message = "timeout must be between 1 and 900 seconds."
  }

  validation {
    # API Gateway HTTP APIs stop waiting after 30 s; a longer function timeout
    # only hides work nobody receives.
    condition     = alltrue([for name in ["users", "profile", "sync-api"] : try(var.functions[name].timeout <= 30, true)])
    error_message = "API functions (users, profile, sync-api) must time out within the 30 s API Gateway limit."
  }

  validation {
    # A number, not -1: the connection budget below needs an upper bound.
    condition     = alltrue([for f in values(var.functions) : f.reserved_concurrency >= 1])
    error_message = "reserved_concurrency must be at least 1 for every function (it bounds database connections)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.route_throttle_rate > 0 && f.route_throttle_burst > 0])
    error_message = "route_throttle_rate and route_throttle_burst must be positive."
  }
}

variable "live_version_pins" {
  description = "Roll back without a rebuild: pin a function's live alias to an earlier published version, e.g. { profile = \"7\" }. Functions not listed follow their newest version. Remove the pin to roll forward."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.live_version_pins) : contains(["users", "profile", "sync-api", "sync-queue", "migrate"], k)])
    error_message = "live_version_pins keys must be function names: users, profile, sync-api, sync-queue, migrate."
  }

  validation {
    # A number: "$LATEST" would defeat the alias (and SnapStart).
    condition     = alltrue([for v in values(var.live_version_pins) : can(regex("^[1-9][0-9]*$", v))])
    error_message = "live_version_pins values must be published version numbers such as \"7\", never $LATEST."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing mode of the functions: \"Active\" (Lambda records a segment per invocation and samples) or \"PassThrough\". The app's own spans leave only through traces_exporter."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "traces_exporter" {
  description = "Where the app's OpenTelemetry spans go: \"none\" (default: not exported), \"adot\" (the ADOT collector layer, adot_collector_layer_arn, receives OTLP on localhost:4318 and its default configuration exports to X-Ray) or \"otlp\" (straight to the OTLP collector at traces_otlp_endpoint)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "adot", "otlp"], var.traces_exporter)
    error_message = "traces_exporter must be none, adot or otlp."
  }
}

variable "adot_collector_layer_arn" {
  description = "traces_exporter = \"adot\": ARN of the ADOT collector layer for aws_region and architecture, e.g. arn:aws:lambda:<region>:901920570463:layer:aws-otel-collector-amd64-ver-<version>:<n>. The collector-only layer: the ADOT Java agent layers need AWS_LAMBDA_EXEC_WRAPPER, which the Web Adapter already holds."
  type        = string
  default     = null

  validation {
    condition     = var.traces_exporter != "adot" || var.adot_collector_layer_arn != null
    error_message = "traces_exporter = \"adot\" needs adot_collector_layer_arn."
  }

  validation {
    condition     = var.adot_collector_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", coalesce(var.adot_collector_layer_arn, "-")))
    error_message = "adot_collector_layer_arn must be a versioned Lambda layer ARN."
  }

  validation {
    condition     = var.adot_collector_layer_arn == null || try(split(":", var.adot_collector_layer_arn)[3] == var.aws_region, false)
    error_message = "adot_collector_layer_arn must be in aws_region (${var.aws_region}): layers are regional."
  }

  validation {
    condition     = var.adot_collector_layer_arn == null || !strcontains(lower(coalesce(var.adot_collector_layer_arn, "-")), "java")
    error_message = "Use the ADOT collector layer, not a Java agent or wrapper layer: those need AWS_LAMBDA_EXEC_WRAPPER, which the Web Adapter already holds."
  }

  validation {
    # AWS's collector layers name their instruction set (amd64 or arm64).
    condition = (
      var.adot_collector_layer_arn == null
      || !can(regex("(amd64|arm64)", coalesce(var.adot_collector_layer_arn, "-")))
      || strcontains(coalesce(var.adot_collector_layer_arn, "-"), var.architecture == "arm64" ? "arm64" : "amd64")
    )
    error_message = "adot_collector_layer_arn must match architecture (${var.architecture}): amd64 for x86_64, arm64 for arm64."
  }
}

variable "traces_otlp_endpoint" {
  description = "traces_exporter = \"otlp\": base URL of your OTLP collector, e.g. https://otel.example.com (for http/protobuf the exporter posts to <url>/v1/traces). It is reached through the NAT, so its port must be in upstream_egress_ports."
  type        = string
  default     = null

  validation {
    condition     = var.traces_exporter != "otlp" || can(regex("^https?://[^/:]+(:[0-9]+)?(/.*)?$", coalesce(var.traces_otlp_endpoint, "-")))
    error_message = "traces_exporter = \"otlp\" needs traces_otlp_endpoint, an http:// or https:// URL."
  }

  validation {
    # The functions' security group opens only upstream_egress_ports to the internet.
    condition = var.traces_exporter != "otlp" || contains(
      [for p in var.upstream_egress_ports : tostring(p)],
      try(
        regex("^https?://[^/:]+:([0-9]+)", coalesce(var.traces_otlp_endpoint, "-"))[0],
        startswith(coalesce(var.traces_otlp_endpoint, "-"), "https://") ? "443" : "80",
      ),
    )
    error_message = "The port of traces_otlp_endpoint must be in upstream_egress_ports, or the functions cannot reach it."
  }
}

variable "traces_otlp_protocol" {
  description = "traces_exporter = \"otlp\": OTLP protocol of traces_otlp_endpoint, \"http/protobuf\" or \"grpc\". The ADOT collector is always reached with http/protobuf on localhost:4318."
  type        = string
  default     = "http/protobuf"

  validation {
    condition     = contains(["http/protobuf", "grpc"], var.traces_otlp_protocol)
    error_message = "traces_otlp_protocol must be http/protobuf or grpc."
  }
}

variable "log_retention_days" {
  description = "Retention of the function and API access log groups."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "upstream_urls" {
  description = "Base URLs of the upstream HTTP services (FANOUT_PROFILE_<NAME>_URL; directory: FANOUT_SYNC_DIRECTORY_URL)."
  type = object({
    billing         = string
    orders          = string
    recommendations = string
    directory       = string
  })
  default = {
    billing         = "https://billing.example.com"
    orders          = "https://orders.example.com"
    recommendations = "https://recommendations.example.com"
    directory       = "https://directory.example.com"
  }

  validation {
    condition     = alltrue([for url in values(var.upstream_urls) : can(regex("^https?://[^/]+", url))])
    error_message = "Every upstream URL must start with http:// or https://."
  }
}

variable "upstream_egress_ports" {
  description = "TCP ports the functions may open to the upstreams (outside the VPC)."
  type        = list(number)
  default     = [443]

  validation {
    condition     = alltrue([for p in var.upstream_egress_ports : p >= 1 && p <= 65535])
    error_message = "upstream_egress_ports must be valid TCP ports."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the app's EMF metrics (passed to the app as FANOUT_METRICS_NAMESPACE; shown on the dashboard)."
  type        = string
  default     = "Fanout"

  validation {
    condition     = length(var.metrics_namespace) > 0 && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be non-empty and must not start with AWS/."
  }
}

## API

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second for the $default stage (routes without their own setting)."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_rate_limit > 0
    error_message = "api_throttling_rate_limit must be positive."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst size for the $default stage."
  type        = number
  default     = 200

  validation {
    condition     = var.api_throttling_burst_limit > 0
    error_message = "api_throttling_burst_limit must be positive."
  }
}

variable "jwt_authorizer_enabled" {
  description = "Protect every route with a JWT authorizer (issuer and audience below)."
  type        = bool
  default     = false
}

variable "jwt_issuer" {
  description = "JWT issuer URL (the iss claim), e.g. https://cognito-idp.<region>.amazonaws.com/<pool-id>. Required when jwt_authorizer_enabled."
  type        = string
  default     = ""

  validation {
    condition     = !var.jwt_authorizer_enabled || startswith(var.jwt_issuer, "https://")
    error_message = "jwt_issuer must be an https:// URL when jwt_authorizer_enabled is true."
  }
}

variable "jwt_audience" {
  description = "Accepted JWT audiences (aud claim, or client id for Cognito). Required when jwt_authorizer_enabled."
  type        = list(string)
  default     = []

  validation {
    condition     = !var.jwt_authorizer_enabled || length(var.jwt_audience) > 0
    error_message = "jwt_audience must list at least one audience when jwt_authorizer_enabled is true."
  }
}

## Queue

variable "sqs_batch_size" {
  description = "Messages per invocation of sync-queue."
  type        = number
  default     = 10

  validation {
    condition     = var.sqs_batch_size >= 1 && var.sqs_batch_size <= 10000
    error_message = "sqs_batch_size must be between 1 and 10000."
  }
}

variable "sqs_batching_window_seconds" {
  description = "How long Lambda gathers messages before invoking sync-queue (required > 0 when sqs_batch_size > 10)."
  type        = number
  default     = 1

  validation {
    condition     = var.sqs_batching_window_seconds >= 0 && var.sqs_batching_window_seconds <= 300
    error_message = "sqs_batching_window_seconds must be between 0 and 300."
  }

  validation {
    condition     = var.sqs_batch_size <= 10 || var.sqs_batching_window_seconds >= 1
    error_message = "A batch size over 10 needs a batching window of at least 1 second."
  }
}

variable "sqs_maximum_concurrency" {
  description = "Upper bound of concurrent sync-queue invocations from the event source mapping (2..1000, at most the function's reserved concurrency)."
  type        = number
  default     = 2

  validation {
    condition     = var.sqs_maximum_concurrency >= 2 && var.sqs_maximum_concurrency <= 1000
    error_message = "sqs_maximum_concurrency must be between 2 and 1000."
  }

  validation {
    # Above the reserved concurrency, Lambda throttles the poller and messages
    # bounce back to the queue (and eventually to the DLQ) without being tried.
    condition     = var.sqs_maximum_concurrency <= var.functions["sync-queue"].reserved_concurrency
    error_message = "sqs_maximum_concurrency must not exceed the reserved concurrency of sync-queue."
  }
}

variable "sqs_max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.sqs_max_receive_count >= 1 && var.sqs_max_receive_count <= 1000
    error_message = "sqs_max_receive_count must be between 1 and 1000."
  }
}

## Database

variable "db_engine_version" {
  description = "PostgreSQL major version of the RDS instance (a major version lets RDS pick the minor)."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[3-7]$", var.db_engine_version))
    error_message = "db_engine_version must be a PostgreSQL major version 13-17."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "db_instance_class must be an RDS class such as db.t4g.micro."
  }
}

variable "db_allocated_storage" {
  description = "Initial storage in GiB (autoscaling up to four times this)."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage >= 20 && var.db_allocated_storage <= 16384
    error_message = "db_allocated_storage must be between 20 and 16384 GiB."
  }
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "fanout"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must be a lowercase PostgreSQL identifier."
  }
}

variable "db_username" {
  description = "Master user name. The password is generated and kept by RDS in Secrets Manager; it never passes through Terraform."
  type        = string
  default     = "fanout"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.db_username)) && !contains(["postgres", "admin", "rdsadmin"], var.db_username)
    error_message = "db_username must be a short lowercase identifier and not a reserved name."
  }
}

variable "db_multi_az" {
  description = "Run the database Multi-AZ."
  type        = bool
  default     = false
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database (and take a final snapshot on destroy)."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated backups."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 0 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 0 and 35."
  }
}

variable "db_max_connections" {
  description = "PostgreSQL max_connections, set in the parameter group. With proxy_max_connections_percent it defines the connection budget."
  type        = number
  default     = 100

  validation {
    condition     = var.db_max_connections >= 20 && var.db_max_connections <= 5000
    error_message = "db_max_connections must be between 20 and 5000."
  }
}

variable "proxy_max_connections_percent" {
  description = "Share of max_connections RDS Proxy may open to the database."
  type        = number
  default     = 90

  validation {
    condition     = var.proxy_max_connections_percent >= 1 && var.proxy_max_connections_percent <= 100
    error_message = "proxy_max_connections_percent must be between 1 and 100."
  }
}

variable "proxy_idle_client_timeout" {
  description = "Seconds an idle client connection to the proxy stays open."
  type        = number
  default     = 900

  validation {
    condition     = var.proxy_idle_client_timeout >= 1 && var.proxy_idle_client_timeout <= 28800
    error_message = "proxy_idle_client_timeout must be between 1 and 28800 seconds."
  }
}

variable "db_auth" {
  description = "How the functions log in to RDS Proxy: \"iam\" (default; the app signs a 15-minute IAM authentication token itself, the proxy requires it, and the roles may rds-db:connect as db_username on this proxy only) or \"secret\" (the app reads the RDS-managed password with secretsmanager:GetSecretValue on that one secret)."
  type        = string
  default     = "iam"

  validation {
    condition     = contains(["iam", "secret"], var.db_auth)
    error_message = "db_auth must be iam or secret."
  }
}

variable "db_pool_max_size" {
  description = "Reactive pool max size per function instance (QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE). Pool size x total reserved concurrency must fit the proxy's connection budget."
  type        = number
  default     = 2

  validation {
    condition     = var.db_pool_max_size >= 1
    error_message = "db_pool_max_size must be at least 1."
  }

  validation {
    # Worst case: every reserved instance of every function holds a full pool.
    # The budget is what the proxy may open: max_connections x percent / 100.
    condition = (
      var.db_pool_max_size * sum([for f in values(var.functions) : f.reserved_concurrency])
      <= floor(var.db_max_connections * var.proxy_max_connections_percent / 100)
    )
    error_message = "Connection budget exceeded: db_pool_max_size (${var.db_pool_max_size}) x total reserved concurrency (${sum([for f in values(var.functions) : f.reserved_concurrency])}) = ${var.db_pool_max_size * sum([for f in values(var.functions) : f.reserved_concurrency])} > db_max_connections (${var.db_max_connections}) x proxy_max_connections_percent (${var.proxy_max_connections_percent}) / 100 = ${floor(var.db_max_connections * var.proxy_max_connections_percent / 100)}. Lower the pool or the concurrency, or raise the budget."
  }
}

## Operations

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified when an alarm fires or recovers. Empty: alarms only show on the dashboard."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_actions : startswith(a, "arn:")])
    error_message = "alarm_actions must be ARNs."
  }
}
