# Datasets and who may use them. Access is listed in full on each dataset
# (authoritative), because dataset IAM members would drop the authorized-view
# entries. The lake and service datasets belong to the pipeline and the data
# engineers; business users read only analytics, whose views are authorized on
# the service datasets (they never need access to those datasets themselves).

locals {
  _service_datasets = [for key in keys(local.config.datasets) : key if !contains(["lake", "analytics"], key)]

  _descriptions = {
    lake      = "landfall raw lake: every CSV record with provenance. Pipeline and data engineers only."
    analytics = "landfall business views for business users, authorized on the service datasets."
  }

  # Dataset key => access entries, as { role, kind, member }.
  _dataset_access = {
    for key in keys(local.config.datasets) : key => concat(
      # Project owners keep control of every dataset (the deploying admins).
      [{ role = "OWNER", kind = "special_group", member = "projectOwners" }],
      # Data engineers: read and write the lake, the service tables and analytics.
      [for group in local.config.access.data_engineer_groups : { role = "WRITER", kind = "group", member = group }],
      # The landing pipeline writes the lake and its ledger, nothing else.
      key == "lake" ? [{ role = "WRITER", kind = "user", member = local.sa_email.dataflow }] : [],
      # Scheduled unpacks read the lake and write service tables; the snapshot writes analytics.
      [{ role = key == "lake" ? "READER" : "WRITER", kind = "user", member = local.sa_email.scheduler }],
      key == "analytics" ? [for group in local.config.access.business_user_groups : { role = "READER", kind = "group", member = group }] : [],
    )
  }
}

# Analytics first: the service datasets name it in their authorized-dataset entry.
resource "google_bigquery_dataset" "analytics" {
  dataset_id                 = local.config.datasets.analytics
  location                   = local.config.location
  labels                     = local.labels
  description                = local._descriptions.analytics
  delete_contents_on_destroy = false

  dynamic "access" {
    for_each = local._dataset_access.analytics
    content {
      role           = access.value.role
      special_group  = access.value.kind == "special_group" ? access.value.member : null
      group_by_email = access.value.kind == "group" ? access.value.member : null
      user_by_email  = access.value.kind == "user" ? access.value.member : null
    }
  }

  depends_on = [google_project_service.this, google_service_account.dataflow, google_service_account.scheduler]
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

  depends_on = [google_project_service.this, google_service_account.dataflow, google_service_account.scheduler]
}
