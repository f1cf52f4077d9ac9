# Alerts, to the channel named in the config (none: the policies still show
# incidents in the console):
# - a landing job failed (Dataflow), or its scheduled launch failed;
# - a landing job set rows aside in its dead-letter folder (rows BigQuery refused);
# - a scheduled unpack or snapshot failed;
# - an unpack rejected more than alerting.reject_rate_threshold of its rows
#   (sql/scheduled_unpack.sql fails the job with "landfall reject rate").

resource "google_monitoring_notification_channel" "email" {
  count = local.config.alerting.notification_email == "" ? 0 : 1

  display_name = "landfall alerts (${local.prefix})"
  type         = "email"
  labels       = { email_address = local.config.alerting.notification_email }
  user_labels  = local.labels

  depends_on = [google_project_service.this]
}

locals {
  notification_channels = google_monitoring_notification_channel.email[*].id

  # Completed BigQuery jobs of this deployment's scheduled routines that failed.
  _failed_routine_jobs = join(" AND ", [
    "protoPayload.metadata.\"@type\"=\"type.googleapis.com/google.cloud.audit.BigQueryAuditMetadata\"",
    "protoPayload.metadata.jobChange.after=\"DONE\"",
    "protoPayload.metadata.jobChange.job.jobStatus.errorResult.code:*",
    "protoPayload.metadata.jobChange.job.jobConfig.labels.landfall_deployment=\"${local.prefix}\"",
    "protoPayload.metadata.jobChange.job.jobConfig.labels.landfall_task=(\"unpack\" OR \"snapshot\")",
  ])
  _reject_message = "protoPayload.metadata.jobChange.job.jobStatus.errorResult.message:\"landfall reject rate\""

  log_alerts = {
    routine_failed = {
      name   = "scheduled unpack or snapshot failed"
      filter = "${local._failed_routine_jobs} AND NOT ${local._reject_message}"
      doc    = "A scheduled CALL <service>.unpack() or analytics.snapshot_top_customers() failed. Find the job in BigQuery (label landfall_task) and read its error; both are safe to run again."
    }
    reject_rate = {
      name   = "reject rate above ${local.config.alerting.reject_rate_threshold}"
      filter = "${local._failed_routine_jobs} AND ${local._reject_message}"
      doc    = "An unpack rejected more than ${local.config.alerting.reject_rate_threshold * 100} % of its rows. The rows and their reasons are in <service>.rejects; the typed rows were kept."
    }
    launch_failed = {
      name   = "scheduled launch failed"
      filter = "resource.type=\"cloud_scheduler_job\" AND resource.labels.job_id=~\"^${local.prefix}-\" AND severity>=ERROR"
      doc    = "Cloud Scheduler could not start a landing run, an unpack or a snapshot (the API call failed). The Scheduler job's logs give the HTTP error."
    }
  }
}

resource "google_monitoring_alert_policy" "landing_failed" {
  display_name = "${local.prefix}: landing job failed"
  combiner     = "OR"
  user_labels  = local.labels

  conditions {
    display_name = "Dataflow job ${local.prefix}-* failed"
    condition_threshold {
      filter          = "resource.type = \"dataflow_job\" AND metric.type = \"dataflow.googleapis.com/job/is_failed\" AND resource.label.job_name = starts_with(\"${local.prefix}-\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  notification_channels = local.notification_channels
  documentation {
    content   = "A landing run (Dataflow job ${local.prefix}-*) failed. Files it did not finish are not in lake.landed_files, so the next scheduled run lands them again."
    mime_type = "text/markdown"
  }

  depends_on = [google_project_service.this]
}

resource "google_monitoring_alert_policy" "landing_dead_letters" {
  display_name = "${local.prefix}: landing rows dead-lettered"
  combiner     = "OR"
  user_labels  = local.labels

  conditions {
    display_name = "Dataflow job ${local.prefix}-* counted deadLetteredRows"
    condition_threshold {
      # The pipeline's Beam counter <source>.deadLetteredRows, as Dataflow exports it.
      filter          = "resource.type = \"dataflow_job\" AND metric.type = \"dataflow.googleapis.com/job/user_counter\" AND metric.label.metric_name = has_substring(\"deadLetteredRows\") AND resource.label.job_name = starts_with(\"${local.prefix}-\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  notification_channels = local.notification_channels
  documentation {
    content   = "A landing run set rows aside that BigQuery refused (too large for the write method, or refused by the API). They are under gs://${local.bucket_names.dataflow}/dead-letter/<source>/ (the job's --deadLetterDirectory), one JSON line each with the error; their files' ledger rows count them as landed, so land them again after the fix (--reprocess) or load the JSON lines."
    mime_type = "text/markdown"
  }

  depends_on = [google_project_service.this]
}

resource "google_monitoring_alert_policy" "log" {
  for_each = local.log_alerts

  display_name = "${local.prefix}: ${each.value.name}"
  combiner     = "OR"
  user_labels  = local.labels

  conditions {
    display_name = each.value.name
    condition_matched_log {
      filter = each.value.filter
    }
  }

  # Log-match conditions need a rate limit; one mail per 5 minutes at most.
  alert_strategy {
    notification_rate_limit {
      period = "300s"
    }
    auto_close = "86400s"
  }

  notification_channels = local.notification_channels
  documentation {
    content   = each.value.doc
    mime_type = "text/markdown"
  }

  depends_on = [google_project_service.this]
}
