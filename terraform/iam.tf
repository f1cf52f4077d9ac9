# Two service accounts, least privilege. Roles are bound on the bucket, dataset,
# repository or service account they are needed for; the few project-level
# roles below have no narrower scope in Google Cloud. No basic roles
# (Owner/Editor/Viewer), and nothing for allUsers/allAuthenticatedUsers.

resource "google_service_account" "dataflow" {
  account_id   = "${local.prefix}-dataflow"
  display_name = "landfall Dataflow worker"
  description  = "Runs the landing pipeline: reads the landing bucket, writes the lake."

  depends_on = [google_project_service.this]
}

resource "google_service_account" "scheduler" {
  account_id   = "${local.prefix}-scheduler"
  display_name = "landfall scheduler"
  description  = "Cloud Scheduler identity: launches the landing template and runs the scheduled routines."

  depends_on = [google_project_service.this]
}

locals {
  # The emails Google gives these accounts, known at plan time (unlike the
  # resources' email attribute) so that plans show whole request bodies.
  # Whatever uses one depends on the account resource explicitly.
  sa_email = {
    dataflow  = "${local.prefix}-dataflow@${local.config.project_id}.iam.gserviceaccount.com"
    scheduler = "${local.prefix}-scheduler@${local.config.project_id}.iam.gserviceaccount.com"
  }

  project_roles = {
    # Worker VMs: Dataflow grants job-level work only through this project role.
    "dataflow-worker" = { member = "serviceAccount:${local.sa_email.dataflow}", role = "roles/dataflow.worker" }
    # BigQuery load jobs (FILE_LOADS) run in the project; datasets cannot grant job creation.
    "dataflow-jobuser" = { member = "serviceAccount:${local.sa_email.dataflow}", role = "roles/bigquery.jobUser" }
    # Launching a Flex Template creates a Dataflow job: a project-level permission.
    "scheduler-dataflow" = { member = "serviceAccount:${local.sa_email.scheduler}", role = "roles/dataflow.developer" }
    # CALL <service>.unpack() and the snapshot run as query jobs in the project.
    "scheduler-jobuser" = { member = "serviceAccount:${local.sa_email.scheduler}", role = "roles/bigquery.jobUser" }
  }

  # People query through jobs in the project too; their data access is per dataset.
  _people              = distinct(concat(local.config.access.business_user_groups, local.config.access.data_engineer_groups))
  people_project_roles = { for group in local._people : "group-jobuser-${group}" => { member = "group:${group}", role = "roles/bigquery.jobUser" } }

  bucket_roles = merge(
    {
      # The pipeline reads uploads, never changes them.
      "landing-dataflow" = { bucket = google_storage_bucket.landing.name, role = "roles/storage.objectViewer", member = "serviceAccount:${local.sa_email.dataflow}" }
      # Staging, temp files and dead letters of its own jobs.
      "dataflow-dataflow" = { bucket = google_storage_bucket.dataflow.name, role = "roles/storage.objectAdmin", member = "serviceAccount:${local.sa_email.dataflow}" }
      # The launch request reads the template spec as the caller.
      "templates-scheduler" = { bucket = google_storage_bucket.templates.name, role = "roles/storage.objectViewer", member = "serviceAccount:${local.sa_email.scheduler}" }
    },
    # Data engineers upload files and inspect dead letters.
    { for group in local.config.access.data_engineer_groups : "landing-${group}" => { bucket = google_storage_bucket.landing.name, role = "roles/storage.objectUser", member = "group:${group}" } },
    { for group in local.config.access.data_engineer_groups : "dataflow-${group}" => { bucket = google_storage_bucket.dataflow.name, role = "roles/storage.objectViewer", member = "group:${group}" } },
  )
}

resource "google_project_iam_member" "this" {
  for_each = merge(local.project_roles, local.people_project_roles)

  project = local.config.project_id
  role    = each.value.role
  member  = each.value.member

  depends_on = [google_service_account.dataflow, google_service_account.scheduler]
}

resource "google_storage_bucket_iam_member" "this" {
  for_each = local.bucket_roles

  bucket = each.value.bucket
  role   = each.value.role
  member = each.value.member

  depends_on = [google_service_account.dataflow, google_service_account.scheduler]
}

# The template launcher VM and the workers pull the template image.
resource "google_artifact_registry_repository_iam_member" "dataflow" {
  location   = google_artifact_registry_repository.templates.location
  repository = google_artifact_registry_repository.templates.name
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${local.sa_email.dataflow}"

  depends_on = [google_service_account.dataflow]
}

# The scheduler starts jobs that run as the Dataflow service account.
resource "google_service_account_iam_member" "scheduler_acts_as_dataflow" {
  service_account_id = google_service_account.dataflow.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${local.sa_email.scheduler}"

  depends_on = [google_service_account.scheduler]
}
