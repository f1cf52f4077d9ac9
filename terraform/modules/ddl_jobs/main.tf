# One BigQuery query job per DDL statement, all independent of each other; the
# caller orders groups of them with depends_on on the module.

variable "jobs" {
  description = "Key => job name (the job id without the epoch) and the DDL to run."
  type = map(object({
    name = string
    sql  = string
  }))
}

variable "epoch" {
  description = "Appended to every job id: job ids are unique for ever in a project."
  type        = string
}

variable "location" {
  description = "BigQuery location of the datasets the DDL writes to."
  type        = string
}

variable "labels" {
  description = "Labels on every job."
  type        = map(string)
}

resource "google_bigquery_job" "ddl" {
  for_each = var.jobs

  job_id   = "${each.value.name}_${var.epoch}"
  location = var.location
  labels   = merge(var.labels, { landfall_task = "deploy" })

  query {
    query          = each.value.sql
    use_legacy_sql = false
    # DDL has no destination table: the provider's defaults (CREATE_IF_NEEDED,
    # WRITE_EMPTY) would make BigQuery reject the statement.
    create_disposition = ""
    write_disposition  = ""
  }
}

output "job_names" {
  description = "Key => job id without the epoch (known at plan time)."
  value       = { for key, job in var.jobs : key => job.name }
}

output "job_ids" {
  description = "Key => BigQuery job id."
  value       = { for key, job in google_bigquery_job.ddl : key => job.job_id }
}
