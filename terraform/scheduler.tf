# Cloud Scheduler jobs, all as the scheduler service account with an OAuth token:
# - per source with a schedule: launch the Flex Template (flexTemplates:launch)
#   with the source's size preset;
# - per source with an unpack_schedule: CALL <service>.unpack() and check the reject rate;
# - weekly: CALL analytics.snapshot_top_customers(today).
# The routine runs are BigQuery query jobs labelled landfall_task, which is how
# the alert policies find a failed one.

locals {
  _oauth_scope = "https://www.googleapis.com/auth/cloud-platform"
  lake_table   = "${local.config.project_id}:${local.config.datasets.lake}.raw_records"
  ledger_table = "${local.config.project_id}:${local.config.datasets.lake}.landed_files"
  # The erasure log's dataset: a scheduled landing lands an erased customer's re-delivered
  # lines as erased (docs/erasure.md). Passed explicitly so a renamed privacy dataset is
  # never silently missed (the template's default is "privacy").
  privacy_dataset = "${local.config.project_id}:${local.config.datasets.privacy}"

  # Only sources whose preset exists: a bad preset is reported by terraform_data.config.
  landing_jobs = {
    for name, source in local.config.sources : name => merge(source, {
      preset = local.config.size_presets[source.size]
    }) if source.schedule != null && contains(keys(local.config.size_presets), source.size)
  }

  # Worker network and CMEK, the same for scheduled and manual launches (the
  # output dataflow_worker_options feeds scripts/run_dataflow.sh). Only what is
  # set goes into the request. FlexTemplateRuntimeEnvironment:
  # https://cloud.google.com/dataflow/docs/reference/rest/v1b3/projects.locations.flexTemplates/launch#FlexTemplateRuntimeEnvironment
  launch_network = {
    for key, value in {
      network         = local.config.dataflow.network
      subnetwork      = local.config.dataflow.subnetwork
      ipConfiguration = try(tobool(local.config.dataflow.private_ips), false) ? "WORKER_IP_PRIVATE" : ""
      kmsKeyName      = local.dataflow_kms_key
    } : key => value if value != ""
  }

  # config.yaml's sources as the pipeline's --sourceRules (name or name=glob|glob, ';'-separated,
  # in config order); SourceRules.spec builds the same string from the Java config.
  source_rules = join(";", [
    for name, source in local.config.sources :
    length(try(source.paths, [])) == 0 ? name : "${name}=${join("|", source.paths)}"
  ])

  launch_requests = {
    for name, source in local.landing_jobs : name => {
      launchParameter = {
        # Fixed per source: Dataflow refuses a second running job of the same
        # name, so a slow run is never overlapped by the next one.
        jobName              = "${local.prefix}-${replace(name, "_", "-")}-scheduled"
        containerSpecGcsPath = local.template_spec_path
        parameters = {
          for key, value in {
            # The whole bucket, with every source's rules (CONTRACT §1): this run lands the
            # files the rules give this source; files no source claims are reported by every run.
            inputFilePattern    = "gs://${local.bucket_names.landing}/**.csv"
            sourceRules         = local.source_rules
            onlySource          = name
            outputTable         = local.lake_table
            ledgerTable         = local.ledger_table
            privacyDataset      = local.privacy_dataset
            writeMethod         = source.write_method
            deadLetterDirectory = "gs://${local.bucket_names.dataflow}/dead-letter/${name}/"
            splitSizeBytes      = source.split_size_bytes
            maxRecordBytes      = source.max_record_bytes
          } : key => tostring(value) if value != null
        }
        environment = merge({
          serviceAccountEmail  = local.sa_email.dataflow
          tempLocation         = "gs://${local.bucket_names.dataflow}/temp"
          stagingLocation      = "gs://${local.bucket_names.dataflow}/staging"
          machineType          = source.preset.machine_type
          numWorkers           = source.preset.num_workers
          maxWorkers           = source.preset.max_workers
          additionalUserLabels = local.labels
        }, local.launch_network)
      }
    }
  }

  _bigquery_jobs_uri = "https://bigquery.googleapis.com/bigquery/v2/projects/${local.config.project_id}/jobs"

  routine_runs = merge(
    {
      for name, source in local.config.sources : "unpack-${name}" => {
        task     = "unpack"
        source   = name
        schedule = source.unpack_schedule
        paused   = source.paused
        sql = templatefile("${path.module}/sql/scheduled_unpack.sql", {
          project         = local.config.project_id
          source          = name
          service_dataset = local.config.datasets[name]
          lake_dataset    = local.config.datasets.lake
          threshold       = local.config.alerting.reject_rate_threshold
        })
      } if source.unpack_schedule != null
    },
    local.config.snapshot.schedule == null ? {} : {
      snapshot = {
        task     = "snapshot"
        source   = "analytics"
        schedule = local.config.snapshot.schedule
        paused   = false
        sql = templatefile("${path.module}/sql/scheduled_snapshot.sql", {
          project           = local.config.project_id
          analytics_dataset = local.config.datasets.analytics
          time_zone         = local.config.time_zone
        })
      }
    },
  )
}

resource "google_cloud_scheduler_job" "landing" {
  for_each = local.landing_jobs

  name             = "${local.prefix}-land-${replace(each.key, "_", "-")}"
  description      = "Lands gs://${local.bucket_names.landing}/${each.key}/*.csv into the lake (size ${each.value.size})."
  region           = local.config.region
  schedule         = each.value.schedule
  time_zone        = local.config.time_zone
  paused           = each.value.paused
  attempt_deadline = "180s"

  # A retried launch is harmless: the fixed job name stops a duplicate run, and
  # the pipeline's ledger skips files already landed.
  retry_config {
    retry_count          = 2
    min_backoff_duration = "60s"
  }

  http_target {
    http_method = "POST"
    uri         = "https://dataflow.googleapis.com/v1b3/projects/${local.config.project_id}/locations/${local.config.region}/flexTemplates:launch"
    body        = base64encode(jsonencode(local.launch_requests[each.key]))
    headers     = { "Content-Type" = "application/json" }

    oauth_token {
      service_account_email = local.sa_email.scheduler
      scope                 = local._oauth_scope
    }
  }

  depends_on = [google_project_service.this, google_service_account.dataflow, google_service_account.scheduler]
}

resource "google_cloud_scheduler_job" "routine" {
  for_each = local.routine_runs

  name             = "${local.prefix}-${replace(each.key, "_", "-")}"
  description      = "Runs ${each.value.task} for ${each.value.source} as a BigQuery query job."
  region           = local.config.region
  schedule         = each.value.schedule
  time_zone        = local.config.time_zone
  paused           = each.value.paused
  attempt_deadline = "60s"

  # Unpack and snapshot are idempotent, so a retried insert does no harm.
  retry_config {
    retry_count = 2
  }

  http_target {
    http_method = "POST"
    uri         = local._bigquery_jobs_uri
    headers     = { "Content-Type" = "application/json" }
    body = base64encode(jsonencode({
      jobReference = { projectId = local.config.project_id, location = local.config.location }
      configuration = {
        labels = merge(local.labels, { landfall_task = each.value.task, landfall_source = each.value.source })
        query  = { query = each.value.sql, useLegacySql = false }
      }
    }))

    oauth_token {
      service_account_email = local.sa_email.scheduler
      scope                 = local._oauth_scope
    }
  }

  # The routines must exist before their first scheduled run.
  depends_on = [google_project_service.this, google_service_account.dataflow, google_service_account.scheduler, terraform_data.routines]
}
