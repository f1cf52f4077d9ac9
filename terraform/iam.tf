# Three service accounts, least privilege. Roles are bound on the bucket, dataset,
# repository or service account they are needed for; the few project-level
# roles below have no narrower scope in Google Cloud. No basic roles
# (Owner/Editor/Viewer), and nothing for allUsers/allAuthenticatedUsers.

resource "google_service_account" "dataflow" {
  account_id   = "${local.prefix}-dataflow"
  display_name = "landfall Dataflow worker"
  description  = "Runs the landing pipeline: reads the landing bucket, writes the lake."

  depends_on = [google_project_service.this]
}

resource "google_service_account" "build" {
  account_id   = "${local.prefix}-build"
  display_name = "landfall image build"
  description  = "Cloud Build identity of scripts/build_template.sh: reads the staged source, pushes the template image."

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
    build     = "${local.prefix}-build@${local.config.project_id}.iam.gserviceaccount.com"
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
    # Build steps write their logs to Cloud Logging; a log writer has no narrower scope.
    "build-logwriter" = { member = "serviceAccount:${local.sa_email.build}", role = "roles/logging.logWriter" }
  }

  # People query through jobs in the project too; their data access is per dataset.
  _people = distinct(concat(local.config.access.business_user_groups, local.config.access.data_engineer_groups, local.config.access.erasure_groups))
  people_project_roles = merge(
    { for group in local._people : "group-jobuser-${group}" => { member = "group:${group}", role = "roles/bigquery.jobUser" } },
    # Data engineers launch landings by hand (scripts/run_dataflow.sh): creating a
    # Dataflow job is a project-level permission.
    { for group in local.config.access.data_engineer_groups : "group-dataflow-${group}" => { member = "group:${group}", role = "roles/dataflow.developer" } },
  )

  bucket_roles = merge(
    {
      # The pipeline reads uploads, never changes them.
      "landing-dataflow" = { bucket = google_storage_bucket.landing.name, role = "roles/storage.objectViewer", member = "serviceAccount:${local.sa_email.dataflow}" }
      # Staging, temp files and dead letters of its own jobs.
      "dataflow-dataflow" = { bucket = google_storage_bucket.dataflow.name, role = "roles/storage.objectAdmin", member = "serviceAccount:${local.sa_email.dataflow}" }
      # The launch request reads the template spec as the caller.
      "templates-scheduler" = { bucket = google_storage_bucket.templates.name, role = "roles/storage.objectViewer", member = "serviceAccount:${local.sa_email.scheduler}" }
      # Cloud Build reads the source gcloud staged and writes the build log,
      # both in this bucket only (it holds nothing else).
      "builds-build" = { bucket = google_storage_bucket.builds.name, role = "roles/storage.objectAdmin", member = "serviceAccount:${local.sa_email.build}" }
    },
    # Erasure operators rewrite landing files without an erased customer's lines
    # and delete the noncurrent generations (docs/erasure.md): create, get, list
    # and delete objects in this bucket only.
    { for group in local.config.access.erasure_groups : "landing-erasure-${group}" => { bucket = google_storage_bucket.landing.name, role = "roles/storage.objectUser", member = "group:${group}" } if !contains(local.config.access.data_engineer_groups, group) },
    # Data engineers upload files and inspect dead letters.
    { for group in local.config.access.data_engineer_groups : "landing-${group}" => { bucket = google_storage_bucket.landing.name, role = "roles/storage.objectUser", member = "group:${group}" } },
    { for group in local.config.access.data_engineer_groups : "dataflow-${group}" => { bucket = google_storage_bucket.dataflow.name, role = "roles/storage.objectViewer", member = "group:${group}" } },
    # Data engineers launch by hand (scripts/run_dataflow.sh): the launch reads
    # the template spec as the caller.
    { for group in local.config.access.data_engineer_groups : "templates-${group}" => { bucket = google_storage_bucket.templates.name, role = "roles/storage.objectViewer", member = "group:${group}" } },
  )
}

resource "google_project_iam_member" "this" {
  for_each = merge(local.project_roles, local.people_project_roles)

  project = local.config.project_id
  role    = each.value.role
  member  = each.value.member

  depends_on = [google_service_account.dataflow, google_service_account.scheduler, google_service_account.build]
}

resource "google_storage_bucket_iam_member" "this" {
  for_each = local.bucket_roles

  bucket = each.value.bucket
  role   = each.value.role
  member = each.value.member

  depends_on = [google_service_account.dataflow, google_service_account.scheduler, google_service_account.build]
}

# The template launcher VM and the workers pull the template image.
resource "google_artifact_registry_repository_iam_member" "dataflow" {
  location   = google_artifact_registry_repository.templates.location
  repository = google_artifact_registry_repository.templates.name
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${local.sa_email.dataflow}"

  depends_on = [google_service_account.dataflow]
}

# The scheduler, and data engineers launching by hand, start jobs that run as
# the Dataflow service account.
resource "google_service_account_iam_member" "scheduler_acts_as_dataflow" {
  service_account_id = google_service_account.dataflow.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${local.sa_email.scheduler}"

  depends_on = [google_service_account.scheduler]
}

resource "google_service_account_iam_member" "engineers_act_as_dataflow" {
  for_each = toset(local.config.access.data_engineer_groups)

  service_account_id = google_service_account.dataflow.name
  role               = "roles/iam.serviceAccountUser"
  member             = "group:${each.value}"
}

# Cloud Build pushes the template image to this repository and no other.
resource "google_artifact_registry_repository_iam_member" "build" {
  location   = google_artifact_registry_repository.templates.location
  repository = google_artifact_registry_repository.templates.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${local.sa_email.build}"

  depends_on = [google_service_account.build]
}

# --- CMEK: Google's service agents encrypt and decrypt with the key(s) ---
# BigQuery and Cloud Storage use kms_key for the datasets and buckets; Dataflow
# uses the Dataflow key for job state and the Compute Engine agent for the
# workers' disks. Each needs Encrypter/Decrypter on its key:
# https://cloud.google.com/bigquery/docs/customer-managed-encryption#grant_permission
# https://cloud.google.com/storage/docs/encryption/using-customer-managed-keys#service-agent-access
# https://cloud.google.com/dataflow/docs/guides/customer-managed-encryption-keys#granting_encrypterdecrypter_permissions
# Agent names follow from the project number (https://cloud.google.com/iam/docs/service-agents).
locals {
  # The key of Dataflow jobs: dataflow.kms_key, else kms_key when it is in the
  # jobs' region (config.tf refuses a kms_key elsewhere without dataflow.kms_key).
  dataflow_kms_key = (
    local.config.dataflow.kms_key != "" ? local.config.dataflow.kms_key :
    local._kms_location == local.config.region ? local.config.kms_key : ""
  )
  kms_keys_used = local.config.kms_key != "" || local.dataflow_kms_key != ""

  _agent = {
    bigquery = "bq-${local.config.project_number}@bigquery-encryption.iam.gserviceaccount.com"
    storage  = "service-${local.config.project_number}@gs-project-accounts.iam.gserviceaccount.com"
    dataflow = "service-${local.config.project_number}@dataflow-service-producer-prod.iam.gserviceaccount.com"
    compute  = "service-${local.config.project_number}@compute-system.iam.gserviceaccount.com"
  }
  kms_grants = merge(
    local.config.kms_key == "" ? {} : {
      bigquery = { key = local.config.kms_key, agent = local._agent.bigquery }
      storage  = { key = local.config.kms_key, agent = local._agent.storage }
    },
    local.dataflow_kms_key == "" ? {} : {
      dataflow = { key = local.dataflow_kms_key, agent = local._agent.dataflow }
      compute  = { key = local.dataflow_kms_key, agent = local._agent.compute }
    },
  )
}

resource "google_kms_crypto_key_iam_member" "service_agents" {
  for_each = local.kms_grants

  crypto_key_id = each.value.key
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${each.value.agent}"

  # The agents exist once their API is enabled (BigQuery's and Cloud Storage's
  # on first use: terraform/README.md "Enterprise project").
  depends_on = [google_project_service.this]
}
