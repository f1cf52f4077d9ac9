# One BigQuery query job per DDL statement, all independent of each other; the
# caller orders groups of them with depends_on on the module.

variable "jobs" {
  description = "Key => job id (unique for ever in the project) and the DDL to run."
  type = map(object({
    job_id = string
    sql    = string
  }))
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

  job_id   = each.value.job_id
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

output "job_ids" {
  description = "Key => BigQuery job id."
  value       = { for key, job in google_bigquery_job.ddl : key => job.job_id }
}
