# PII columns (names, email, date of birth) carry a policy tag: only those
# granted Fine-Grained Reader on it may read them, through views too.
# Readers: the scheduler (unpack and snapshot read and rewrite these columns),
# the data engineers and pii.reader_groups. Business users are not readers.

resource "google_data_catalog_taxonomy" "pii" {
  display_name           = local.config.pii.taxonomy_name
  description            = "landfall: columns holding personal data."
  region                 = lower(local.config.location) # must match the datasets' location
  activated_policy_types = ["FINE_GRAINED_ACCESS_CONTROL"]

  depends_on = [google_project_service.this]
}

resource "google_data_catalog_policy_tag" "pii" {
  taxonomy     = google_data_catalog_taxonomy.pii.id
  display_name = local.config.pii.policy_tag
  description  = "Personal data: names, email, date of birth."
}

locals {
  pii_readers = merge(
    { scheduler = "serviceAccount:${local.sa_email.scheduler}" },
    { for group in distinct(concat(local.config.access.data_engineer_groups, local.config.pii.reader_groups)) : group => "group:${group}" },
  )
}

resource "google_data_catalog_policy_tag_iam_member" "pii_readers" {
  for_each = local.pii_readers

  policy_tag = google_data_catalog_policy_tag.pii.name
  role       = "roles/datacatalog.categoryFineGrainedReader"
  member     = each.value

  depends_on = [google_service_account.scheduler]
}

# The tag is set on every personal-data column (config pii.columns) by the
# deploy (terraform_data.routines in routines.tf, dev.landfall.deploy.PiiTags).
