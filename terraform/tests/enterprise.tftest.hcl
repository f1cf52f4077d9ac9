# An enterprise project: worker network and private IPs, customer-managed
# keys, time travel per dataset, the Cloud Build service account, manual
# launches by data engineers. Each with and without the keys set.

mock_provider "google" {
  # OpenTofu fills computed attributes at plan time with random strings, which
  # the provider's own checks reject where a name is used as an id.
  mock_resource "google_service_account" {
    defaults = {
      name = "projects/my-bank-data-project/serviceAccounts/landfall-mock@my-bank-data-project.iam.gserviceaccount.com"
    }
  }
}

variables {
  config_file  = "tests/fixtures/enterprise.yaml"
  routines_dir = "tests/fixtures/routines"
}

run "scheduled_launches_use_the_network_private_ips_and_key" {
  command = plan

  assert {
    condition = alltrue([
      for name, job in google_cloud_scheduler_job.landing : (
        jsondecode(base64decode(job.http_target[0].body)).launchParameter.environment.network == "bank-vpc" &&
        jsondecode(base64decode(job.http_target[0].body)).launchParameter.environment.subnetwork == "https://www.googleapis.com/compute/v1/projects/bank-host/regions/europe-west2/subnetworks/dataflow" &&
        jsondecode(base64decode(job.http_target[0].body)).launchParameter.environment.ipConfiguration == "WORKER_IP_PRIVATE" &&
        jsondecode(base64decode(job.http_target[0].body)).launchParameter.environment.kmsKeyName == "projects/bank-kms/locations/europe-west2/keyRings/landfall/cryptoKeys/dataflow"
      )
    ]) && length(google_cloud_scheduler_job.landing) == 2
    error_message = "Every scheduled launch names the network, the subnetwork, private worker IPs and the Dataflow key."
  }
  assert {
    condition = output.dataflow_worker_options == {
      network     = "bank-vpc"
      subnetwork  = "https://www.googleapis.com/compute/v1/projects/bank-host/regions/europe-west2/subnetworks/dataflow"
      private_ips = true
      kms_key     = "projects/bank-kms/locations/europe-west2/keyRings/landfall/cryptoKeys/dataflow"
    }
    error_message = "Manual launches (scripts/run_dataflow.sh) read the same options from dataflow_worker_options."
  }
}

run "datasets_and_buckets_use_the_key" {
  command = plan

  assert {
    condition = alltrue([
      for dataset in concat([google_bigquery_dataset.analytics], values(google_bigquery_dataset.this)) :
      dataset.default_encryption_configuration[0].kms_key_name == "projects/bank-kms/locations/europe/keyRings/landfall/cryptoKeys/data"
    ])
    error_message = "Every dataset's tables are encrypted with kms_key."
  }
  assert {
    condition = alltrue([
      for bucket in [google_storage_bucket.landing, google_storage_bucket.dataflow, google_storage_bucket.templates, google_storage_bucket.builds] :
      bucket.encryption[0].default_kms_key_name == "projects/bank-kms/locations/europe/keyRings/landfall/cryptoKeys/data"
    ])
    error_message = "Every bucket's objects are encrypted with kms_key."
  }
  assert {
    condition = {
      for key, grant in google_kms_crypto_key_iam_member.service_agents : key => "${grant.crypto_key_id} ${grant.member}"
      } == {
      bigquery = "projects/bank-kms/locations/europe/keyRings/landfall/cryptoKeys/data serviceAccount:bq-123456789012@bigquery-encryption.iam.gserviceaccount.com"
      storage  = "projects/bank-kms/locations/europe/keyRings/landfall/cryptoKeys/data serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com"
      dataflow = "projects/bank-kms/locations/europe-west2/keyRings/landfall/cryptoKeys/dataflow serviceAccount:service-123456789012@dataflow-service-producer-prod.iam.gserviceaccount.com"
      compute  = "projects/bank-kms/locations/europe-west2/keyRings/landfall/cryptoKeys/dataflow serviceAccount:service-123456789012@compute-system.iam.gserviceaccount.com"
    } && alltrue([for grant in google_kms_crypto_key_iam_member.service_agents : grant.role == "roles/cloudkms.cryptoKeyEncrypterDecrypter"])
    error_message = "The BigQuery and Cloud Storage agents use kms_key; the Dataflow and Compute Engine agents use the Dataflow key; nothing more than Encrypter/Decrypter."
  }
  assert {
    condition     = contains(keys(google_project_service.this), "cloudkms.googleapis.com")
    error_message = "With a key, the Cloud KMS API is enabled."
  }
}

run "time_travel_per_dataset" {
  command = plan

  assert {
    condition = (
      google_bigquery_dataset.this["lake"].max_time_travel_hours == "48" &&
      google_bigquery_dataset.this["customers"].max_time_travel_hours == "48" &&
      google_bigquery_dataset.this["transactions"].max_time_travel_hours == "96" &&
      google_bigquery_dataset.analytics.max_time_travel_hours == "48" &&
      google_bigquery_dataset.this["privacy"].max_time_travel_hours == "72"
    )
    error_message = "A configured window wins; unset, datasets holding personal data keep the minimum, 48 hours."
  }
}

run "without_network_or_keys_nothing_is_added" {
  command = plan

  variables {
    config_file = "config.yaml"
  }

  assert {
    condition = alltrue([
      for name, job in google_cloud_scheduler_job.landing :
      length(setintersection(keys(jsondecode(base64decode(job.http_target[0].body)).launchParameter.environment), ["network", "subnetwork", "ipConfiguration", "kmsKeyName"])) == 0
    ])
    error_message = "Without network keys or a key, the launch request names neither: Dataflow's defaults apply."
  }
  assert {
    condition     = output.dataflow_worker_options == { network = "", subnetwork = "", private_ips = false, kms_key = "" }
    error_message = "Manual launches add no network or key flags."
  }
  assert {
    condition = (
      alltrue([for bucket in [google_storage_bucket.landing, google_storage_bucket.dataflow, google_storage_bucket.templates, google_storage_bucket.builds] : length(bucket.encryption) == 0]) &&
      alltrue([for dataset in concat([google_bigquery_dataset.analytics], values(google_bigquery_dataset.this)) : length(dataset.default_encryption_configuration) == 0]) &&
      length(google_kms_crypto_key_iam_member.service_agents) == 0 &&
      !contains(keys(google_project_service.this), "cloudkms.googleapis.com")
    )
    error_message = "Without kms_key, Google's default encryption: no key, no key grants, no Cloud KMS API."
  }
  assert {
    condition = (
      alltrue([for key, dataset in google_bigquery_dataset.this : dataset.max_time_travel_hours == (key == "privacy" ? "168" : "48")]) &&
      google_bigquery_dataset.analytics.max_time_travel_hours == "48"
    )
    error_message = "Time travel defaults to the minimum, 48 hours, on every dataset holding personal data (docs/erasure.md); privacy (no personal data: the erasure key and log) keeps BigQuery's 168."
  }
}

run "one_regional_key_serves_everything" {
  command = plan

  variables {
    config_file = "tests/fixtures/regional.yaml"
  }

  assert {
    condition = (
      jsondecode(base64decode(google_cloud_scheduler_job.landing["customers"].http_target[0].body)).launchParameter.environment.kmsKeyName == "projects/my-bank-data-project/locations/europe-west2/keyRings/landfall/cryptoKeys/all" &&
      jsondecode(base64decode(google_cloud_scheduler_job.landing["customers"].http_target[0].body)).launchParameter.environment.ipConfiguration == "WORKER_IP_PRIVATE" &&
      !contains(keys(jsondecode(base64decode(google_cloud_scheduler_job.landing["customers"].http_target[0].body)).launchParameter.environment), "network")
    )
    error_message = "A kms_key in the jobs' region is Dataflow's key too; private IPs on the default network."
  }
  assert {
    condition     = sort(keys(google_kms_crypto_key_iam_member.service_agents)) == tolist(["bigquery", "compute", "dataflow", "storage"]) && length(distinct([for g in google_kms_crypto_key_iam_member.service_agents : g.crypto_key_id])) == 1
    error_message = "All four service agents use the one key."
  }
}

run "cloud_build_account_has_the_least_roles" {
  command = plan

  assert {
    condition     = google_service_account.build.account_id == "landfall-build" && output.build_service_account == "landfall-build@my-bank-data-project.iam.gserviceaccount.com"
    error_message = "The build service account is <prefix>-build."
  }
  assert {
    condition     = [for b in google_project_iam_member.this : b.role if b.member == "serviceAccount:${output.build_service_account}"] == ["roles/logging.logWriter"]
    error_message = "On the project, the build account only writes logs."
  }
  assert {
    condition = (
      google_artifact_registry_repository_iam_member.build.role == "roles/artifactregistry.writer" &&
      google_artifact_registry_repository_iam_member.build.member == "serviceAccount:${output.build_service_account}" &&
      google_artifact_registry_repository_iam_member.build.location == "europe-west2" &&
      length([for m in [google_artifact_registry_repository_iam_member.dataflow] : m if m.member == "serviceAccount:${output.build_service_account}"]) == 0
    )
    error_message = "The build account pushes to the template repository only."
  }
  assert {
    condition = [
      for b in google_storage_bucket_iam_member.this : "${b.bucket} ${b.role}" if b.member == "serviceAccount:${output.build_service_account}"
    ] == ["my-bank-data-project-landfall-builds roles/storage.objectAdmin"]
    error_message = "The build account reads its staged source and writes its log in the builds bucket, and no other bucket."
  }
  assert {
    condition     = contains(keys(google_project_service.this), "cloudbuild.googleapis.com") && output.builds_bucket == "my-bank-data-project-landfall-builds"
    error_message = "Cloud Build is enabled; its bucket is an output for scripts/build_template.sh."
  }
  assert {
    condition     = jsonencode(flatten([for r in google_storage_bucket.builds.lifecycle_rule : [for c in r.condition : c.age]])) == "[30]" && google_storage_bucket.builds.public_access_prevention == "enforced"
    error_message = "Build sources and logs expire after 30 days; the bucket is private."
  }
}

run "data_engineers_can_launch_by_hand" {
  command = plan

  assert {
    condition = (
      google_storage_bucket_iam_member.this["templates-data-eng@example.com"].bucket == google_storage_bucket.templates.name &&
      google_storage_bucket_iam_member.this["templates-data-eng@example.com"].role == "roles/storage.objectViewer" &&
      google_storage_bucket_iam_member.this["templates-data-eng@example.com"].member == "group:data-eng@example.com"
    )
    error_message = "Data engineers read the template spec."
  }
  assert {
    condition = (
      google_project_iam_member.this["group-dataflow-data-eng@example.com"].role == "roles/dataflow.developer" &&
      google_service_account_iam_member.engineers_act_as_dataflow["data-eng@example.com"].role == "roles/iam.serviceAccountUser"
    )
    error_message = "Data engineers create Dataflow jobs that run as the Dataflow service account."
  }
  assert {
    condition = length([
      for b in google_storage_bucket_iam_member.this : b
      if contains(["group:analysts@example.com", "group:finance@example.com"], b.member)
    ]) == 0 && length([for b in google_project_iam_member.this : b if b.member == "group:analysts@example.com" && b.role != "roles/bigquery.jobUser"]) == 0
    error_message = "Business users get no bucket access and no Dataflow role."
  }
}
