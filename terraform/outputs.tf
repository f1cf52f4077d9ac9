# Read by the operator scripts (`terraform -chdir=terraform output -json`):
# keep these names.

output "project_id" {
  description = "Google Cloud project."
  value       = local.config.project_id
}

output "region" {
  description = "Region of Dataflow, Cloud Scheduler and Artifact Registry."
  value       = local.config.region
}

output "landing_bucket" {
  description = "Bucket name for CSV uploads, one folder per source."
  value       = google_storage_bucket.landing.name
}

output "dataflow_bucket" {
  description = "Bucket name for Dataflow staging (staging/), temp (temp/) and dead letters (dead-letter/)."
  value       = google_storage_bucket.dataflow.name
}

output "templates_bucket" {
  description = "Bucket name of the Flex Template spec."
  value       = google_storage_bucket.templates.name
}

output "template_spec_path" {
  description = "gs:// path of the Flex Template spec."
  value       = local.template_spec_path
}

output "template_image" {
  description = "Docker image of the Flex Template."
  value       = local.template_image
}

output "artifact_repository" {
  description = "Artifact Registry repository of the template image."
  value       = google_artifact_registry_repository.templates.id
}

output "dataflow_service_account" {
  description = "Email of the service account the landing pipeline runs as."
  value       = local.sa_email.dataflow
}

output "lake_table" {
  description = "The lake table, as <project>:<dataset>.raw_records."
  value       = local.lake_table
}

output "landed_files_table" {
  description = "The landing ledger, as <project>:<dataset>.landed_files."
  value       = local.ledger_table
}

output "privacy_dataset" {
  description = "The privacy package's dataset (erasure log and key), as <project>:<dataset>: the landing's --privacyDataset."
  value       = local.privacy_dataset
}

output "datasets" {
  description = "Dataset names by logical name (lake, customers, transactions, analytics, ...)."
  value       = local.config.datasets
}

output "sources" {
  description = "Configured sources."
  value       = sort(keys(local.config.sources))
}

output "size_presets" {
  description = "Size presets: name => machine_type, num_workers, max_workers."
  value       = local.config.size_presets
}

output "scheduler_service_account" {
  description = "Email of the Cloud Scheduler service account."
  value       = local.sa_email.scheduler
}

output "routines" {
  description = "Deployed routine objects (<service>.<object>) by kind."
  value       = { for kind in ["table", "function", "view", "procedure"] : kind => sort([for key, k in local.routine_kinds : key if k == kind]) }
}

output "dataflow_worker_options" {
  description = "Worker network and CMEK of every landing launch, scheduled or manual (scripts/run_dataflow.sh): network, subnetwork, private_ips (no external IPs), kms_key (\"\" = not set)."
  value = {
    network     = local.config.dataflow.network
    subnetwork  = local.config.dataflow.subnetwork
    private_ips = try(tobool(local.config.dataflow.private_ips), false)
    kms_key     = local.dataflow_kms_key
  }
}

output "build_service_account" {
  description = "Email of the service account Cloud Build runs scripts/build_template.sh's build as."
  value       = local.sa_email.build
}

output "builds_bucket" {
  description = "Bucket name for Cloud Build's staged sources (source/) and logs (logs/)."
  value       = google_storage_bucket.builds.name
}

output "pii_policy_tags" {
  description = "Policy tags for personal-data columns, by column type: string (STRING/BYTES: masked as SHA-256) and date (DATE: masked as the type's default value)."
  value = {
    string = google_data_catalog_policy_tag.pii.name
    date   = google_data_catalog_policy_tag.pii_date.name
  }
}

output "authorized_routines" {
  description = "Dataset key => analytics table functions authorized to read it."
  value       = { for key, routines in local.authorized_routines : key => routines if length(routines) > 0 }
}
