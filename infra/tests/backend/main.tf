# Reads environments/: each <env>.tfvars and <env>.s3.tfbackend, for
# tests/backend.tftest.hcl. A backend file is HCL that no Terraform function
# parses, so its `name = value` lines are read with a regular expression
# (quoted strings or bare words; comments ignored).

variable "environments_dir" {
  description = "Directory with the <env>.tfvars and <env>.s3.tfbackend files, relative to the root."
  type        = string
}

locals {
  setting = "(?m)^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*(?:\"([^\"]*)\"|([^[:space:]#]+))"

  environments = toset([for f in fileset(var.environments_dir, "*.tfvars") : trimsuffix(f, ".tfvars")])
  backend_envs = toset([for f in fileset(var.environments_dir, "*.s3.tfbackend") : trimsuffix(f, ".s3.tfbackend")])

  tfvars = {
    for e in local.environments : e => {
      for m in regexall(local.setting, file("${var.environments_dir}/${e}.tfvars")) : m[0] => coalesce(m[1], m[2])
    }
  }

  backend = {
    for e in local.backend_envs : e => {
      for m in regexall(local.setting, file("${var.environments_dir}/${e}.s3.tfbackend")) : m[0] => coalesce(m[1], m[2])
    }
  }
}

output "environments" {
  value = local.environments
}

output "backend_environments" {
  value = local.backend_envs
}

output "tfvars" {
  value = local.tfvars
}

output "backend" {
  value = local.backend
}
