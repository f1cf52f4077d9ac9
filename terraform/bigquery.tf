# Datasets and who may use them. Access is listed in full on each dataset
# (authoritative), because dataset IAM members would drop the authorized-view
# entries. The lake and service datasets belong to the pipeline and the data
# engineers; business users read only analytics, whose views are authorized on
# the service datasets (they never need access to those datasets themselves).

locals {
  _service_datasets = [for key in keys(local.config.datasets) : key if !contains(["lake", "analytics", "privacy"], key)]

  _descriptions = {
    lake      = "landfall raw lake: every CSV record with provenance. Pipeline and data engineers only."
    analytics = "landfall business views for business users, authorized on the service datasets."
    privacy   = "landfall erasure key and log (docs/erasure.md). Erasure operators and the landing pipeline only; no personal data."
  }

  # Dataset key => access entries, as { role, kind, member }.
  _dataset_access = {
    for key in keys(local.config.datasets) : key => key == "privacy" ? concat(
      # The erasure key and log: whoever reads the key can test a guessed customer
      # id against the log, so only the erasure operators (who write both) and the
      # landing pipeline (which drops an erased customer's re-delivered lines) may.
      [{ role = "OWNER", kind = "special_group", member = "projectOwners" }],
      [for group in local.config.access.erasure_groups : { role = "WRITER", kind = "group", member = group }],
      [{ role = "READER", kind = "user", member = local.sa_email.dataflow }],
      ) : concat(
      # Project owners keep control of every dataset (the deploying admins).
      [{ role = "OWNER", kind = "special_group", member = "projectOwners" }],
      # Data engineers: read and write the lake, the service tables and analytics.
      [for group in local.config.access.data_engineer_groups : { role = "WRITER", kind = "group", member = group }],
      # Erasure operators: CALL privacy.erase_customer runs its DML as the caller
      # (a procedure has no definer's rights), on every dataset holding personal data.
      [for group in local.config.access.erasure_groups : { role = "WRITER", kind = "group", member = group } if !contains(local.config.access.data_engineer_groups, group)],
      # The landing pipeline writes the lake and its ledger, nothing else.
      key == "lake" ? [{ role = "WRITER", kind = "user", member = local.sa_email.dataflow }] : [],
      # Scheduled unpacks read the lake and write service tables; the snapshot writes analytics.
      [{ role = key == "lake" ? "READER" : "WRITER", kind = "user", member = local.sa_email.scheduler }],
      key == "analytics" ? [for group in local.config.access.business_user_groups : { role = "READER", kind = "group", member = group }] : [],
    )
  }

  # Authorized routines. A table function is not covered by the authorized
  # dataset entry below ("all of the views": https://cloud.google.com/bigquery/docs/authorized-datasets),
  # so every analytics table function that reads a service dataset is
  # authorized on that dataset (https://cloud.google.com/bigquery/docs/authorized-routines):
  # business users call it (and the views that read through it) without access
  # to the service tables. What a function reads is taken from its SQL (routines
  # name objects as `dataset.object`); the lake is never authorized.
  _analytics_functions = {
    for key, kind in local.routine_kinds : key => local.routine_objects[key]
    if kind == "function" && local.routine_objects[key].service == "analytics"
  }
  _analytics_function_code = {
    for key, object in local._analytics_functions :
    key => replace(replace(object.sql, "/(?s)/\\*.*?\\*//", ""), "/--[^\\n]*/", "")
  }
  authorized_routines = {
    for key in local._service_datasets : key => sort([
      for fn, object in local._analytics_functions : object.name
      if can(regex("`([a-z][a-z0-9-]*[a-z0-9]\\.)?${local.config.datasets[key]}\\.", local._analytics_function_code[fn]))
    ])
  }

  # Time travel window per dataset (hours): 48 to 168, BigQuery's default 168.
  # https://cloud.google.com/bigquery/docs/time-travel#configure_the_time_travel_window
  # Right to erasure (docs/erasure.md): an erased customer's rows stay readable
  # through time travel for the window, then 7 more days in fail-safe (not
  # readable by users), so every dataset holding personal data (lake, the
  # service datasets, analytics) defaults to the minimum, 48 hours. privacy holds
  # none (the erasure key and log) and keeps 168: a longer window to recover the key.
  time_travel_hours = {
    for key in keys(local.config.datasets) :
    key => tostring(lookup(local.config.max_time_travel_hours, key, key == "privacy" ? 168 : 48))
  }
}

# Analytics first: the service datasets name it in their authorized-dataset entry.
resource "google_bigquery_dataset" "analytics" {
  dataset_id                 = local.config.datasets.analytics
  location                   = local.config.location
  labels                     = local.labels
  description                = local._descriptions.analytics
  delete_contents_on_destroy = false
  max_time_travel_hours      = local.time_travel_hours.analytics

  # CMEK: tables created in the dataset are encrypted with kms_key.
  dynamic "default_encryption_configuration" {
    for_each = local.config.kms_key == "" ? [] : [local.config.kms_key]
    content {
      kms_key_name = default_encryption_configuration.value
    }
  }

  dynamic "access" {
    for_each = local._dataset_access.analytics
    content {
      role           = access.value.role
      special_group  = access.value.kind == "special_group" ? access.value.member : null
      group_by_email = access.value.kind == "group" ? access.value.member : null
      user_by_email  = access.value.kind == "user" ? access.value.member : null
    }
  }

  depends_on = [google_project_service.this, google_service_account.dataflow, google_service_account.scheduler, google_kms_crypto_key_iam_member.service_agents]
}

# The lake and the service datasets.
resource "google_bigquery_dataset" "this" {
  for_each = { for key, name in local.config.datasets : key => name if key != "analytics" }

  dataset_id  = each.value
  location    = local.config.location
  labels      = local.labels
  description = lookup(local._descriptions, each.key, "landfall ${each.key} service tables, unpacked from the lake. Pipeline and data engineers only.")
  # Never drop landed or unpacked data with the infrastructure.
  delete_contents_on_destroy = false
  max_time_travel_hours      = local.time_travel_hours[each.key]

  # CMEK: tables created in the dataset are encrypted with kms_key.
  dynamic "default_encryption_configuration" {
    for_each = local.config.kms_key == "" ? [] : [local.config.kms_key]
    content {
      kms_key_name = default_encryption_configuration.value
    }
  }

  dynamic "access" {
    for_each = local._dataset_access[each.key]
    content {
      role           = access.value.role
      special_group  = access.value.kind == "special_group" ? access.value.member : null
      group_by_email = access.value.kind == "group" ? access.value.member : null
      user_by_email  = access.value.kind == "user" ? access.value.member : null
    }
  }

  # Authorized dataset: every view in analytics may read this service dataset.
  dynamic "access" {
    for_each = contains(local._service_datasets, each.key) ? [google_bigquery_dataset.analytics.dataset_id] : []
    content {
      dataset {
        dataset {
          project_id = local.config.project_id
          dataset_id = access.value
        }
        target_types = ["VIEWS"]
      }
    }
  }

  # Authorized routines: the analytics table functions that read this dataset.
  dynamic "access" {
    for_each = lookup(local.authorized_routines, each.key, [])
    content {
      routine {
        project_id = local.config.project_id
        dataset_id = google_bigquery_dataset.analytics.dataset_id
        routine_id = access.value
      }
    }
  }

  depends_on = [google_project_service.this, google_service_account.dataflow, google_service_account.scheduler, google_kms_crypto_key_iam_member.service_agents]
}

# The landing pipeline records the lines it lands as erased (a re-delivered
# file's lines of an erased customer) in privacy.erased_lines, for
# `scripts/erase_customer.sh --landing-copies` (docs/erasure.md). It writes that
# one table and nothing else of privacy: a table-level grant adds to its
# dataset-level READER (table access policies are additive and apply to the one
# table: https://cloud.google.com/bigquery/docs/table-access-controls-intro,
# https://cloud.google.com/bigquery/docs/control-access-to-resources-iam), so
# it still cannot change the erasure log or the key. The table is created by
# the routines deploy (CREATE TABLE IF NOT EXISTS, never re-created), hence
# the dependency.
resource "google_bigquery_table_iam_member" "landing_records_erased_lines" {
  project    = local.config.project_id
  dataset_id = google_bigquery_dataset.this["privacy"].dataset_id
  table_id   = "erased_lines"
  role       = "roles/bigquery.dataEditor"
  member     = "serviceAccount:${local.sa_email.dataflow}"

  depends_on = [terraform_data.routines, google_service_account.dataflow]
}
