# Production: NAT per AZ, Multi-AZ database with deletion protection, JWT on,
# alarms to an SNS topic. Replace the example issuer, audience, URLs and ARN.
# terraform -chdir=infra init -reconfigure -backend-config=environments/prod.s3.tfbackend
# terraform -chdir=infra apply -var-file=environments/prod.tfvars

environment = "prod"
aws_region  = "eu-central-1"

package_type = "native"
architecture = "x86_64"
package_path = "../target/function.zip"

# AWS's Web Adapter layer for this region and architecture (see variables.tf).
web_adapter_layer_arn = "arn:aws:lambda:eu-central-1:753240598075:layer:LambdaAdapterLayerX86:24"

az_count         = 3
nat_gateway_mode = "per_az"

# More CPU for native than dev's default (1,024 MB is 0.58 vCPU); the JVM at one full vCPU.
memory_size_defaults = { native = 1024, jvm = 1769 }

functions = {
  users        = { timeout = 10, reserved_concurrency = 50, route_throttle_rate = 200, route_throttle_burst = 400 }
  profile      = { timeout = 10, reserved_concurrency = 50, route_throttle_rate = 200, route_throttle_burst = 400 }
  "sync-api"   = { timeout = 29, reserved_concurrency = 5, route_throttle_rate = 5, route_throttle_burst = 10 }
  "sync-queue" = { timeout = 60, reserved_concurrency = 10 }
  migrate      = { timeout = 300, reserved_concurrency = 1 }
}

tracing_mode = "Active"

# The app's spans: "none", "adot" (set adot_collector_layer_arn to the ADOT
# collector layer for this region) or "otlp" (set traces_otlp_endpoint).
traces_exporter = "none"

log_retention_days = 90

upstream_urls = {
  billing         = "https://billing.example.com"
  orders          = "https://orders.example.com"
  recommendations = "https://recommendations.example.com"
  directory       = "https://directory.example.com"
}

api_throttling_rate_limit  = 500
api_throttling_burst_limit = 1000

jwt_authorizer_enabled = true
jwt_issuer             = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_EXAMPLE"
jwt_audience           = ["fanout-api"]

sqs_batch_size              = 10
sqs_batching_window_seconds = 2
sqs_maximum_concurrency     = 10
sqs_max_receive_count       = 5

db_instance_class        = "db.r6g.large"
db_allocated_storage     = 100
db_multi_az              = true
db_deletion_protection   = true
db_backup_retention_days = 14

# Budget: 400 x 75% = 300 >= pool 2 x reserved (50+50+5+10+1 = 116) = 232
db_max_connections            = 400
proxy_max_connections_percent = 75
db_pool_max_size              = 2

alarm_actions = ["arn:aws:sns:eu-central-1:123456789012:fanout-prod-alarms"]
