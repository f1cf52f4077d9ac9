# Storage and the template image repository. Names derive from project_id and
# name_prefix (bucket names are global, so they carry the project id).

locals {
  prefix = local.config.name_prefix
  labels = merge(local.config.labels, { landfall_deployment = local.prefix })

  bucket_names = {
    landing   = "${local.config.project_id}-${local.prefix}-landing"
    dataflow  = "${local.config.project_id}-${local.prefix}-dataflow"
    templates = "${local.config.project_id}-${local.prefix}-templates"
    # Cloud Build's staged sources and logs (scripts/build_template.sh).
    builds = "${local.config.project_id}-${local.prefix}-builds"
  }
  template_spec_path = "gs://${local.bucket_names.templates}/landfall.json"
  template_image     = "${local.config.region}-docker.pkg.dev/${local.config.project_id}/${local.prefix}/landfall-template"

  apis = concat([
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "bigquerydatapolicy.googleapis.com", # dynamic data masking of PII columns
    "cloudbuild.googleapis.com",         # scripts/build_template.sh builds the image
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com", # Dataflow workers are Compute Engine VMs
    "datacatalog.googleapis.com",
    "dataflow.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "storage.googleapis.com",
  ], local.kms_keys_used ? ["cloudkms.googleapis.com"] : [])

  # Dataflow bucket folders and how long their objects live (days; null: kept).
  dataflow_folders = {
    "temp/"        = local.config.dataflow.temp_retention_days
    "staging/"     = local.config.dataflow.staging_retention_days
    "dead-letter/" = null
  }
}

resource "google_project_service" "this" {
  for_each = local.config.enable_apis ? toset(local.apis) : toset([])

  service = each.value
  # Other workloads in the project may use the same APIs.
  disable_on_destroy = false
}

# CSV uploads: one folder per source (gs://<landing>/<source>/). Versioned, so an
# overwritten or deleted upload can be recovered for a while.
resource "google_storage_bucket" "landing" {
  name                        = local.bucket_names.landing
  location                    = local.config.location
  labels                      = local.labels
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  dynamic "encryption" {
    for_each = local.config.kms_key == "" ? [] : [local.config.kms_key]
    content {
      default_kms_key_name = encryption.value
    }
  }

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = local.config.landing.noncurrent_version_retention_days
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this, google_kms_crypto_key_iam_member.service_agents]
}

# A managed folder per source makes each source's prefix a real object, where
# per-source upload access can later be granted.
resource "google_storage_managed_folder" "landing" {
  for_each = local.config.sources

  bucket = google_storage_bucket.landing.name
  name   = "${each.key}/"
}

# Dataflow staging, temp files and dead letters.
resource "google_storage_bucket" "dataflow" {
  name                        = local.bucket_names.dataflow
  location                    = local.config.location
  labels                      = local.labels
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  dynamic "encryption" {
    for_each = local.config.kms_key == "" ? [] : [local.config.kms_key]
    content {
      default_kms_key_name = encryption.value
    }
  }

  dynamic "lifecycle_rule" {
    for_each = { for folder, days in local.dataflow_folders : folder => days if days != null }
    content {
      condition {
        age            = lifecycle_rule.value
        matches_prefix = [lifecycle_rule.key]
      }
      action {
        type = "Delete"
      }
    }
  }

  depends_on = [google_project_service.this, google_kms_crypto_key_iam_member.service_agents]
}

# The Flex Template spec (landfall.json); versioned to roll a bad build back.
resource "google_storage_bucket" "templates" {
  name                        = local.bucket_names.templates
  location                    = local.config.location
  labels                      = local.labels
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  dynamic "encryption" {
    for_each = local.config.kms_key == "" ? [] : [local.config.kms_key]
    content {
      default_kms_key_name = encryption.value
    }
  }

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this, google_kms_crypto_key_iam_member.service_agents]
}

resource "google_artifact_registry_repository" "templates" {
  repository_id = local.prefix
  location      = local.config.region
  format        = "DOCKER"
  description   = "landfall Flex Template images"
  labels        = local.labels

  depends_on = [google_project_service.this]
}

# Cloud Build's staged sources and logs: the build service account reads the
# one and writes the other; nothing else is kept here, and only for a while.
resource "google_storage_bucket" "builds" {
  name                        = local.bucket_names.builds
  location                    = local.config.location
  labels                      = local.labels
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  dynamic "encryption" {
    for_each = local.config.kms_key == "" ? [] : [local.config.kms_key]
    content {
      default_kms_key_name = encryption.value
    }
  }

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this, google_kms_crypto_key_iam_member.service_agents]
}
