# Every table, view, function and procedure comes from routines/<service>/*.sql:
# one DDL statement a file, rendered with templatefile() (dataset names and the
# base currency) and run as a BigQuery query job. No SQL is copied here.
#
# Order: all tables first (CREATE TABLE IF NOT EXISTS never drops data), then
# functions and views in dependency waves (an object that names another view or
# function runs after it; BigQuery checks references when it creates a view or
# table function), then procedures, which may name anything.

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

  _routine_deps = {
    for key, object in local.routine_objects : key => [
      for other, o in local.routine_objects : other
      if other != key && contains(["function", "view"], local.routine_kinds[other]) &&
      can(regex("(?i)\\b${o.dataset}`?\\.`?${o.name}\\b", local._routine_code[key]))
    ]
  }
  _layered   = [for key, kind in local.routine_kinds : key if contains(["function", "view"], kind)]
  _ddl_wave1 = [for key in local._layered : key if length(local._routine_deps[key]) == 0]
  _ddl_wave2 = [
    for key in local._layered : key
    if !contains(local._ddl_wave1, key) && alltrue([for d in local._routine_deps[key] : contains(local._ddl_wave1, d)])
  ]
  _ddl_wave3 = [
    for key in local._layered : key
    if !contains(concat(local._ddl_wave1, local._ddl_wave2), key) &&
    alltrue([for d in local._routine_deps[key] : contains(concat(local._ddl_wave1, local._ddl_wave2), d)])
  ]
  _unplaced = setsubtract(local._layered, concat(local._ddl_wave1, local._ddl_wave2, local._ddl_wave3))

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
    [for key in local._unplaced : "${local.routine_objects[key].file} is more than three views/functions deep or in a reference cycle"],
  )

  # Job ids are unique forever in a project: the hash makes an edited file a new
  # job (the module adds the deployment's creation time, see ddl_epoch).
  ddl_jobs = {
    for key, object in local.routine_objects : key => {
      name = "${local.config.name_prefix}_ddl_${object.service}_${object.name}_${substr(sha256(object.sql), 0, 16)}"
      sql  = object.sql
    }
  }
  _ddl_of = {
    for kind in ["table", "procedure"] : kind => { for key, job in local.ddl_jobs : key => job if local.routine_kinds[key] == kind }
  }
}

# Set once, when the deployment is created: part of every DDL job id, so that a
# destroyed deployment can be created again (BigQuery never reuses a job id).
resource "terraform_data" "ddl_epoch" {
  input = formatdate("YYYYMMDDhhmmss", plantimestamp())

  lifecycle {
    ignore_changes = [input]
  }
}

module "ddl_tables" {
  source     = "./modules/ddl_jobs"
  jobs       = local._ddl_of["table"]
  epoch      = terraform_data.ddl_epoch.output
  location   = local.config.location
  labels     = local.labels
  depends_on = [google_bigquery_dataset.this, google_bigquery_dataset.analytics]
}

module "ddl_wave_1" {
  source     = "./modules/ddl_jobs"
  jobs       = { for key in local._ddl_wave1 : key => local.ddl_jobs[key] }
  epoch      = terraform_data.ddl_epoch.output
  location   = local.config.location
  labels     = local.labels
  depends_on = [module.ddl_tables]
}

module "ddl_wave_2" {
  source     = "./modules/ddl_jobs"
  jobs       = { for key in local._ddl_wave2 : key => local.ddl_jobs[key] }
  epoch      = terraform_data.ddl_epoch.output
  location   = local.config.location
  labels     = local.labels
  depends_on = [module.ddl_wave_1]
}

module "ddl_wave_3" {
  source     = "./modules/ddl_jobs"
  jobs       = { for key in local._ddl_wave3 : key => local.ddl_jobs[key] }
  epoch      = terraform_data.ddl_epoch.output
  location   = local.config.location
  labels     = local.labels
  depends_on = [module.ddl_wave_2]
}

module "ddl_procedures" {
  source     = "./modules/ddl_jobs"
  jobs       = local._ddl_of["procedure"]
  epoch      = terraform_data.ddl_epoch.output
  location   = local.config.location
  labels     = local.labels
  depends_on = [module.ddl_wave_3]
}
