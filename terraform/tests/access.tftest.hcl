# Access that works for business users without leaking personal data, planned
# with the real routines/ (customer_value_as_of and the views reading through
# it): authorized routines, dynamic data masking, Fine-Grained Readers.

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
  config_file = "tests/fixtures/enterprise.yaml"
}

run "table_function_is_authorized_on_the_dataset_it_reads" {
  command = plan

  assert {
    condition     = jsonencode(output.authorized_routines) == jsonencode({ transactions = ["customer_value_as_of"] })
    error_message = "customer_value_as_of reads transactions.transactions: it, and only it, is authorized, on transactions only: ${jsonencode(output.authorized_routines)}"
  }
  assert {
    condition = [
      for a in google_bigquery_dataset.this["transactions"].access : a.routine[0]
      if length(a.routine) > 0
      ] == [{
        project_id = "my-bank-data-project"
        dataset_id = "analytics"
        routine_id = "customer_value_as_of"
    }]
    error_message = "The transactions dataset carries an authorized routine entry for analytics.customer_value_as_of."
  }
  assert {
    condition = alltrue([
      for key in ["lake", "customers"] : length([for a in google_bigquery_dataset.this[key].access : a if length(a.routine) > 0]) == 0
    ])
    error_message = "No routine is authorized on the lake or on a dataset it does not read."
  }
  assert {
    condition = alltrue([
      for key in ["customers", "transactions"] : length([
        for a in google_bigquery_dataset.this[key].access : a
        if try(a.dataset[0].dataset[0].dataset_id == "analytics", false)
      ]) == 1
    ])
    error_message = "The views keep their authorized dataset entry on both service datasets."
  }
}

run "business_users_read_personal_data_masked" {
  command = plan

  assert {
    condition = (
      google_bigquery_datapolicy_data_policy.pii["pii"].data_policy_type == "DATA_MASKING_POLICY" &&
      google_bigquery_datapolicy_data_policy.pii["pii"].data_masking_policy[0].predefined_expression == "SHA256"
    )
    error_message = "Text columns tagged pii are masked as a SHA-256 hash."
  }
  assert {
    condition = (
      google_bigquery_datapolicy_data_policy.pii["pii_date"].data_masking_policy[0].predefined_expression == "DEFAULT_MASKING_VALUE" &&
      google_bigquery_datapolicy_data_policy.pii["pii_date"].data_policy_type == "DATA_MASKING_POLICY" &&
      google_data_catalog_policy_tag.pii_date.display_name == "pii-date" && google_data_catalog_policy_tag.pii.display_name == "pii"
    )
    error_message = "DATE columns (date of birth) have their own tag, masked with the type's default value (SHA-256 masks text only)."
  }
  assert {
    condition = alltrue([
      for policy in google_bigquery_datapolicy_data_policy.pii : policy.location == "eu" && policy.location == google_data_catalog_taxonomy.pii.region
    ]) && google_bigquery_datapolicy_data_policy.pii["pii"].data_policy_id == "landfall_pii_masked"
    error_message = "Data policies live in the taxonomy's (and the datasets') location, with ids of letters, digits and underscores."
  }
  assert {
    condition = (
      sort([for key, m in google_bigquery_datapolicy_data_policy_iam_member.masked_readers : "${m.data_policy_id} ${m.member}"]) == tolist([
        "landfall_pii_date_masked group:analysts@example.com",
        "landfall_pii_date_masked group:finance@example.com",
        "landfall_pii_masked group:analysts@example.com",
        "landfall_pii_masked group:finance@example.com",
      ]) &&
      alltrue([for m in google_bigquery_datapolicy_data_policy_iam_member.masked_readers : m.role == "roles/bigquerydatapolicy.maskedReader"])
    )
    error_message = "Every business user group is a Masked Reader of both data policies."
  }
}

run "reader_groups_read_personal_data_in_clear" {
  command = plan

  assert {
    condition = alltrue([
      for readers in [google_data_catalog_policy_tag_iam_member.pii_readers, google_data_catalog_policy_tag_iam_member.pii_date_readers] :
      sort([for r in readers : r.member]) == tolist([
        "group:crm@example.com",
        "group:data-eng@example.com",
        "group:privacy-ops@example.com",
        "serviceAccount:landfall-scheduler@my-bank-data-project.iam.gserviceaccount.com",
      ]) && alltrue([for r in readers : r.role == "roles/datacatalog.categoryFineGrainedReader"])
    ])
    error_message = "The CRM team (pii.reader_groups), the data engineers, the erasure operators and the scheduler are Fine-Grained Readers of both tags."
  }
  assert {
    condition = length([
      for r in concat(values(google_data_catalog_policy_tag_iam_member.pii_readers), values(google_data_catalog_policy_tag_iam_member.pii_date_readers)) : r
      if contains(["group:analysts@example.com", "group:finance@example.com"], r.member)
    ]) == 0
    error_message = "Business users are never Fine-Grained Readers: they read masked values."
  }
  assert {
    condition     = sort(keys(output.pii_policy_tags)) == tolist(["date", "string"])
    error_message = "The deploy path reads the tag for each column type from the output pii_policy_tags."
  }
  assert {
    condition     = contains(keys(google_project_service.this), "bigquerydatapolicy.googleapis.com")
    error_message = "Data masking needs the BigQuery Data Policy API."
  }
}

run "no_business_users_no_masked_readers" {
  command = plan

  variables {
    config_file = "tests/fixtures/lake_only.yaml"
  }

  assert {
    condition     = length(google_bigquery_datapolicy_data_policy_iam_member.masked_readers) == 0 && length(google_bigquery_datapolicy_data_policy.pii) == 2
    error_message = "The data policies exist without business user groups; nobody is a Masked Reader."
  }
  assert {
    condition     = keys(google_data_catalog_policy_tag_iam_member.pii_readers) == ["scheduler"]
    error_message = "Without groups, only the scheduler reads personal data in clear."
  }
}

run "only_erasure_operators_and_the_pipeline_read_the_privacy_dataset" {
  command = plan

  assert {
    condition = toset([
      for a in google_bigquery_dataset.this["privacy"].access : "${coalesce(a.role, "-")}:${coalesce(a.special_group, a.group_by_email, a.user_by_email, "-")}"
      if length(a.dataset) == 0 && length(a.routine) == 0
      ]) == toset([
      "OWNER:projectOwners",
      "WRITER:privacy-ops@example.com",
      "READER:landfall-dataflow@my-bank-data-project.iam.gserviceaccount.com",
    ])
    error_message = "privacy (the erasure key and log): project owners, the erasure operators and the landing pipeline only; no data engineers, business users or scheduler."
  }
  assert {
    condition     = length([for a in google_bigquery_dataset.this["privacy"].access : a if length(a.dataset) > 0 || length(a.routine) > 0]) == 0
    error_message = "No view or routine is authorized on the privacy dataset."
  }
  assert {
    condition = alltrue([
      for dataset in concat([google_bigquery_dataset.analytics], [for key in ["lake", "customers", "transactions"] : google_bigquery_dataset.this[key]]) :
      contains([for a in dataset.access : "${coalesce(a.role, "-")}:${coalesce(a.group_by_email, "-")}"], "WRITER:privacy-ops@example.com")
    ])
    error_message = "CALL privacy.erase_customer runs its DML as the caller: erasure operators write every dataset holding personal data."
  }
  assert {
    condition = (
      google_data_catalog_policy_tag_iam_member.pii_readers["privacy-ops@example.com"].role == "roles/datacatalog.categoryFineGrainedReader" &&
      google_data_catalog_policy_tag_iam_member.pii_date_readers["privacy-ops@example.com"].role == "roles/datacatalog.categoryFineGrainedReader"
    )
    error_message = "DML on policy-tagged columns needs Fine-Grained Reader (column-level-security-writes): erasure operators hold it on both tags."
  }
  assert {
    condition     = google_storage_bucket_iam_member.this["landing-erasure-privacy-ops@example.com"].role == "roles/storage.objectUser"
    error_message = "Erasure operators rewrite landing files and delete their noncurrent generations."
  }
}

run "the_landing_account_writes_erased_lines_and_not_the_log_or_the_key" {
  command = plan

  # privacy.erased_lines: the lines a landing marked for an erasure request, for
  # scripts/erase_customer.sh --landing-copies. A table-level grant on that table only.
  assert {
    condition = (
      google_bigquery_table_iam_member.landing_records_erased_lines.dataset_id == "privacy" &&
      google_bigquery_table_iam_member.landing_records_erased_lines.table_id == "erased_lines" &&
      google_bigquery_table_iam_member.landing_records_erased_lines.role == "roles/bigquery.dataEditor" &&
      google_bigquery_table_iam_member.landing_records_erased_lines.member == "serviceAccount:landfall-dataflow@my-bank-data-project.iam.gserviceaccount.com"
    )
    error_message = "The landing service account writes privacy.erased_lines (roles/bigquery.dataEditor on that table)."
  }
  # The log and the key: the landing reads them (dataset READER) and writes neither.
  assert {
    condition = toset([
      for a in google_bigquery_dataset.this["privacy"].access : a.role
      if a.user_by_email == "landfall-dataflow@my-bank-data-project.iam.gserviceaccount.com"
    ]) == toset(["READER"])
    error_message = "On the privacy dataset the landing account is READER only: a dataset-level WRITER would let it change erasure_log and erasure_key."
  }
}
