# Development: one NAT gateway, a small single-AZ database, no JWT.
# terraform -chdir=infra init -reconfigure -backend-config=environments/dev.s3.tfbackend
# terraform -chdir=infra apply -var-file=environments/dev.tfvars

environment = "dev"
aws_region  = "eu-central-1"

package_type = "native"
architecture = "x86_64"
package_path = "../target/function.zip"

# AWS's Web Adapter layer for this region and architecture (see variables.tf).
web_adapter_layer_arn = "arn:aws:lambda:eu-central-1:753240598075:layer:LambdaAdapterLayerX86:24"

nat_gateway_mode = "single"

functions = {
  users        = { timeout = 10, reserved_concurrency = 5 }
  profile      = { timeout = 10, reserved_concurrency = 5 }
  "sync-api"   = { timeout = 29, reserved_concurrency = 2, route_throttle_rate = 2, route_throttle_burst = 5 }
  "sync-queue" = { timeout = 60, reserved_concurrency = 2 }
  migrate      = { timeout = 120, reserved_concurrency = 1 }
}

tracing_mode = "Active"

# The app's spans: "none", "adot" (set adot_collector_layer_arn to the ADOT
# collector layer for this region) or "otlp" (set traces_otlp_endpoint).
traces_exporter = "none"

log_retention_days = 7

upstream_urls = {
  billing         = "https://billing.dev.example.com"
  orders          = "https://orders.dev.example.com"
  recommendations = "https://recommendations.dev.example.com"
  directory       = "https://directory.dev.example.com"
}

api_throttling_rate_limit  = 20
api_throttling_burst_limit = 40

jwt_authorizer_enabled = false

sqs_batch_size              = 10
sqs_batching_window_seconds = 1
sqs_maximum_concurrency     = 2

db_instance_class        = "db.t4g.micro"
db_multi_az              = false
db_deletion_protection   = false
db_backup_retention_days = 1

# Budget: 50 x 90% = 45 >= pool 2 x reserved (5+5+2+2+1 = 15) = 30
db_max_connections            = 50
proxy_max_connections_percent = 90
db_pool_max_size              = 2
