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

  pii_tables = {
    for key, columns in local.config.pii.columns : key => {
      table   = "${local.config.project_id}.${local.config.datasets[split(".", key)[0]]}.${split(".", key)[1]}"
      columns = sort(columns)
    } if contains(keys(local.routine_objects), key)
  }
}

resource "google_data_catalog_policy_tag_iam_member" "pii_readers" {
  for_each = local.pii_readers

  policy_tag = google_data_catalog_policy_tag.pii.name
  role       = "roles/datacatalog.categoryFineGrainedReader"
  member     = each.value

  depends_on = [google_service_account.scheduler]
}

# BigQuery DDL cannot attach policy tags, and a google_bigquery_table would take
# the table away from its SQL file, so the tag is set on the columns through the
# tables API (scripts/set_policy_tags.py), again whenever the tag, the columns
# or the table's DDL change.
data "google_client_config" "current" {}

resource "terraform_data" "pii_columns" {
  for_each = local.pii_tables

  triggers_replace = [
    google_data_catalog_policy_tag.pii.name,
    each.value.columns,
    local.ddl_jobs[each.key].name,
  ]

  provisioner "local-exec" {
    interpreter = ["python3", "${path.module}/scripts/set_policy_tags.py"]
    command     = each.value.table
    environment = {
      LANDFALL_POLICY_TAG   = google_data_catalog_policy_tag.pii.name
      LANDFALL_PII_COLUMNS  = join(",", each.value.columns)
      LANDFALL_ACCESS_TOKEN = data.google_client_config.current.access_token
    }
  }

  depends_on = [module.ddl_tables]
}
