# Personal data (names, email, date of birth, the data_string of customer rows)
# carries a policy tag in every table that holds it. Fine-Grained Readers of the
# tag read it in clear: the scheduler (unpack and snapshot read and rewrite these
# columns), the data engineers and pii.reader_groups (the CRM team). Business
# users are Masked Readers: BigQuery's dynamic data masking shows them a hash
# (text) or the type's default value (dates) instead, in tables and views alike,
# so SELECT * on analytics.top_customers works for them.
# https://cloud.google.com/bigquery/docs/column-data-masking-intro
#
# Two tags, because a masking rule fits only some column types: SHA-256 masks
# STRING and BYTES (the "pii" tag); DATE columns (date of birth) take the
# "<policy_tag>-date" tag, whose rule returns the type's default value.

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
  description  = "Personal data in text columns: names, email, raw customer records. Masked readers see a SHA-256 hash."
}

resource "google_data_catalog_policy_tag" "pii_date" {
  taxonomy     = google_data_catalog_taxonomy.pii.id
  display_name = "${local.config.pii.policy_tag}-date"
  description  = "Personal data in DATE columns: date of birth. Masked readers see the type's default value."
}

locals {
  # Tag => masking rule for Masked Readers. A data policy id takes letters,
  # digits and underscores only.
  pii_masking = {
    pii      = { tag = google_data_catalog_policy_tag.pii.name, rule = "SHA256" }
    pii_date = { tag = google_data_catalog_policy_tag.pii_date.name, rule = "DEFAULT_MASKING_VALUE" }
  }
  _data_policy_prefix = replace(local.prefix, "-", "_")
  masked_readers = {
    for pair in setproduct(keys(local.pii_masking), local.config.access.business_user_groups) :
    "${pair[0]}-${pair[1]}" => { policy = pair[0], member = "group:${pair[1]}" }
  }

  # The erasure operators too: CALL privacy.erase_customer updates and deletes
  # rows by tagged columns, and DML that reads a column with a policy tag needs
  # Fine-Grained Reader on the tag
  # (https://cloud.google.com/bigquery/docs/column-level-security-writes).
  pii_readers = merge(
    { scheduler = "serviceAccount:${local.sa_email.scheduler}" },
    { for group in distinct(concat(local.config.access.data_engineer_groups, local.config.pii.reader_groups, local.config.access.erasure_groups)) : group => "group:${group}" },
  )
}

resource "google_data_catalog_policy_tag_iam_member" "pii_readers" {
  for_each = local.pii_readers

  policy_tag = google_data_catalog_policy_tag.pii.name
  role       = "roles/datacatalog.categoryFineGrainedReader"
  member     = each.value

  depends_on = [google_service_account.scheduler]
}

resource "google_data_catalog_policy_tag_iam_member" "pii_date_readers" {
  for_each = local.pii_readers

  policy_tag = google_data_catalog_policy_tag.pii_date.name
  role       = "roles/datacatalog.categoryFineGrainedReader"
  member     = each.value

  depends_on = [google_service_account.scheduler]
}

# Dynamic data masking: one data policy per tag, in the taxonomy's location.
resource "google_bigquery_datapolicy_data_policy" "pii" {
  for_each = local.pii_masking

  location         = google_data_catalog_taxonomy.pii.region
  data_policy_id   = "${local._data_policy_prefix}_${each.key}_masked"
  policy_tag       = each.value.tag
  data_policy_type = "DATA_MASKING_POLICY"

  data_masking_policy {
    predefined_expression = each.value.rule
  }

  depends_on = [google_project_service.this]
}

# Business users read tagged columns masked (a Fine-Grained Reader still sees
# them in clear: the CRM team may also be a business user group).
resource "google_bigquery_datapolicy_data_policy_iam_member" "masked_readers" {
  for_each = local.masked_readers

  project        = local.config.project_id
  location       = google_bigquery_datapolicy_data_policy.pii[each.value.policy].location
  data_policy_id = google_bigquery_datapolicy_data_policy.pii[each.value.policy].data_policy_id
  role           = "roles/bigquerydatapolicy.maskedReader"
  member         = each.value.member
}

# The tags are set on every personal-data column (config pii.columns) by the
# deploy (terraform_data.routines in routines.tf, dev.landfall.deploy.PiiTags):
# "pii" on STRING and BYTES columns, "<policy_tag>-date" on the others.
