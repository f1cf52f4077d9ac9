# Every table, view, function and procedure comes from routines/<service>/*.sql,
# one package per folder (package.yaml: name, version, depends_on). Terraform
# does not run that SQL as google_bigquery_job resources: such a job returns as
# soon as it exists, neither waiting for it nor failing the apply when the SQL
# fails (hashicorp/terraform-provider-google#9826), and jobs are immutable, so a
# changed label re-creates every DDL job under its old job id and BigQuery
# answers 409 Already Exists (job ids are unique in a project forever). Instead
# terraform_data.routines runs the one deploy path (scripts/deploy.sh routines,
# dev.landfall.deploy.DeployCommand): packages in dependency order, one
# statement at a time, waiting for each and failing the apply at the first
# error with file:line and BigQuery's message; schema evolution and migrations
# on redeploy; the personal-data policy tag on every PII column. docs/deploy.md.
#
# The locals below only classify the files for the plan-time checks in
# config.tf and the "routines" output.

locals {
  _routines_path = startswith(local.config.routines_dir, "/") ? local.config.routines_dir : "${path.module}/${local.config.routines_dir}"

  # routines/<service>/<object>.sql; deeper files (routines/<service>/tests/) are fixtures.
  _routine_files = sort([for f in fileset(local._routines_path, "*/*.sql") : f if dirname(f) != "tests"])
  _routine_vars = merge(
    { for key, name in local.config.datasets : "${key}_dataset" => name },
    { base_currency = local.config.base_currency, max_future_days = local.config.max_future_days },
  )

  routine_objects = {
    for f in local._routine_files : "${dirname(f)}.${trimsuffix(basename(f), ".sql")}" => {
      service = dirname(f)
      name    = trimsuffix(basename(f), ".sql")
      dataset = local.config.datasets[dirname(f)]
      file    = f
      sql     = templatefile("${local._routines_path}/${f}", local._routine_vars)
    } if contains(keys(local.config.datasets), dirname(f))
  }

  # The statement without comments, to classify it and find what it names.
  _routine_code = {
    for key, object in local.routine_objects :
    key => trimspace(replace(replace(object.sql, "/(?s)/\\*.*?\\*//", ""), "/--[^\\n]*/", ""))
  }
  _routine_heads = {
    for key, code in local._routine_code : key => upper(replace(try(regex(
      "(?i)^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMP\\s+|TEMPORARY\\s+)?(TABLE\\s+FUNCTION|AGGREGATE\\s+FUNCTION|MATERIALIZED\\s+VIEW|TABLE|VIEW|FUNCTION|PROCEDURE)\\b",
    code)[0], "NONE"), "/\\s+/", " "))
  }
  routine_kinds = {
    for key, head in local._routine_heads : key => lookup({
      "TABLE"              = "table"
      "TABLE FUNCTION"     = "function"
      "AGGREGATE FUNCTION" = "function"
      "FUNCTION"           = "function"
      "VIEW"               = "view"
      "MATERIALIZED VIEW"  = "view"
      "PROCEDURE"          = "procedure"
    }, head, "unknown")
  }

  _routine_problems = concat(
    [
      for service in distinct([for f in local._routine_files : dirname(f)]) :
      "folder ${service}/ has no dataset (add datasets.${service} or a source ${service} with unpack_schedule)"
      if !contains(keys(local.config.datasets), service)
    ],
    [for key, kind in local.routine_kinds : "${local.routine_objects[key].file} is not one CREATE statement" if kind == "unknown"],
    [
      for key, kind in local.routine_kinds : "${local.routine_objects[key].file} must use CREATE TABLE IF NOT EXISTS (a redeploy must never drop data)"
      if kind == "table" && !can(regex("(?i)^CREATE\\s+TABLE\\s+IF\\s+NOT\\s+EXISTS\\b", local._routine_code[key]))
    ],
  )
}

# What the deploy reads: a change to any of it (or to the config or the tag)
# runs the deploy again. Re-running is safe: every statement is idempotent, a
# table is evolved, never re-created, and each migration runs once.
locals {
  _deploy_inputs = sort(setunion(
    fileset(local._routines_path, "*/*.sql"),
    fileset(local._routines_path, "*/package.yaml"),
    fileset(local._routines_path, "*/migrations/*.sql"),
  ))
  routines_hash = sha256(join(",", [for f in local._deploy_inputs : "${f}=${filesha256("${local._routines_path}/${f}")}"]))
}

# Terraform's own credentials (including impersonation) for the deploy.
data "google_client_config" "current" {}

resource "terraform_data" "routines" {
  triggers_replace = {
    routines   = local.routines_hash
    config     = filesha256(local._config_path)
    policy_tag = google_data_catalog_policy_tag.pii.name
    date_tag   = google_data_catalog_policy_tag.pii_date.name
  }

  provisioner "local-exec" {
    # command is the last argument: the routines folder.
    interpreter = [
      "bash", "${path.module}/../scripts/deploy.sh", "routines",
      "--config", abspath(local._config_path),
      "--project", local.config.project_id,
      "--policy-tag", google_data_catalog_policy_tag.pii.name,
      "--date-policy-tag", google_data_catalog_policy_tag.pii_date.name,
      "--routines",
    ]
    command = abspath(local._routines_path)
    environment = {
      LANDFALL_ACCESS_TOKEN = data.google_client_config.current.access_token
    }
  }

  depends_on = [google_bigquery_dataset.this, google_bigquery_dataset.analytics]
}
