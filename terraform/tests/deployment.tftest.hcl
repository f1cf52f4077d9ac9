# Offline plan tests: a mock Google provider, plans only. They check that what
# config.yaml says is what gets planned, and the security rules of the design.

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
  # Stand-ins for the routines other parts of the project ship; the real
  # routines/ are planned in routines.tftest.hcl.
  routines_dir = "tests/fixtures/routines"
}

run "config_yaml_plans_a_job_per_source" {
  command = plan

  assert {
    condition     = keys(google_cloud_scheduler_job.landing) == ["customers", "transactions"]
    error_message = "config.yaml has two scheduled sources: customers and transactions."
  }
  assert {
    condition     = sort(keys(google_cloud_scheduler_job.routine)) == tolist(["snapshot", "unpack-customers", "unpack-transactions"])
    error_message = "Expected an unpack job per source with unpack_schedule, and the weekly snapshot."
  }
  assert {
    condition     = google_cloud_scheduler_job.routine["snapshot"].schedule == "0 7 * * 1" && google_cloud_scheduler_job.routine["snapshot"].time_zone == "Europe/London"
    error_message = "The snapshot runs on the configured weekly schedule and time zone."
  }
  assert {
    condition     = output.sources == tolist(["customers", "transactions"]) && output.size_presets.medium.machine_type == "e2-standard-4"
    error_message = "Outputs sources and size_presets come from config.yaml."
  }
  assert {
    condition     = output.lake_table == "my-bank-data-project:lake.raw_records" && output.landed_files_table == "my-bank-data-project:lake.landed_files"
    error_message = "Table outputs are <project>:<dataset>.<table>."
  }
  assert {
    condition     = output.template_spec_path == "gs://my-bank-data-project-landfall-templates/landfall.json"
    error_message = "template_spec_path: ${output.template_spec_path}"
  }
  assert {
    condition     = output.template_image == "europe-west2-docker.pkg.dev/my-bank-data-project/landfall/landfall-template"
    error_message = "template_image: ${output.template_image}"
  }
  assert {
    condition     = output.datasets == { lake = "lake", customers = "customers", transactions = "transactions", analytics = "analytics", privacy = "privacy" }
    error_message = "datasets output maps logical names to dataset names."
  }
  assert {
    condition     = output.dataflow_service_account == "landfall-dataflow@my-bank-data-project.iam.gserviceaccount.com" && google_service_account.dataflow.account_id == "landfall-dataflow"
    error_message = "The Dataflow service account is <prefix>-dataflow."
  }
}

run "landing_job_launches_the_template_with_the_preset" {
  command = plan

  assert {
    condition = (
      jsondecode(base64decode(google_cloud_scheduler_job.landing["transactions"].http_target[0].body)).launchParameter.environment.machineType == "e2-standard-4" &&
      jsondecode(base64decode(google_cloud_scheduler_job.landing["transactions"].http_target[0].body)).launchParameter.environment.numWorkers == 2 &&
      jsondecode(base64decode(google_cloud_scheduler_job.landing["transactions"].http_target[0].body)).launchParameter.environment.maxWorkers == 10
    )
    error_message = "transactions is size medium: e2-standard-4, 2 to 10 workers."
  }
  assert {
    condition = jsondecode(base64decode(google_cloud_scheduler_job.landing["customers"].http_target[0].body)).launchParameter.parameters == {
      inputFilePattern    = "gs://my-bank-data-project-landfall-landing/**.csv"
      sourceRules         = "customers;transactions"
      onlySource          = "customers"
      outputTable         = "my-bank-data-project:lake.raw_records"
      ledgerTable         = "my-bank-data-project:lake.landed_files"
      privacyDataset      = "my-bank-data-project:privacy"
      writeMethod         = "FILE_LOADS"
      deadLetterDirectory = "gs://my-bank-data-project-landfall-dataflow/dead-letter/customers/"
    }
    error_message = "Template parameters of the customers landing job."
  }
  assert {
    condition = (
      jsondecode(base64decode(google_cloud_scheduler_job.landing["customers"].http_target[0].body)).launchParameter.environment.serviceAccountEmail == output.dataflow_service_account &&
      google_cloud_scheduler_job.landing["customers"].http_target[0].oauth_token[0].service_account_email == output.scheduler_service_account
    )
    error_message = "The scheduler's token launches; the job runs as the Dataflow service account."
  }
  assert {
    condition     = google_cloud_scheduler_job.landing["customers"].http_target[0].uri == "https://dataflow.googleapis.com/v1b3/projects/my-bank-data-project/locations/europe-west2/flexTemplates:launch"
    error_message = "Landing jobs POST to flexTemplates:launch in the configured region."
  }
}

run "unpack_job_calls_the_procedure_and_checks_rejects" {
  command = plan

  assert {
    condition     = strcontains(jsondecode(base64decode(google_cloud_scheduler_job.routine["unpack-customers"].http_target[0].body)).configuration.query.query, "CALL `my-bank-data-project.customers.unpack`();")
    error_message = "The customers unpack job calls customers.unpack()."
  }
  assert {
    condition     = strcontains(jsondecode(base64decode(google_cloud_scheduler_job.routine["unpack-customers"].http_target[0].body)).configuration.query.query, "rejected_rows / unpacked_rows > 0.05")
    error_message = "The reject-rate threshold comes from alerting.reject_rate_threshold."
  }
  assert {
    condition     = jsondecode(base64decode(google_cloud_scheduler_job.routine["snapshot"].http_target[0].body)).configuration.labels.landfall_task == "snapshot"
    error_message = "Routine jobs carry the landfall_task label the alerts filter on."
  }
}

run "adding_a_source_to_the_yaml_adds_its_jobs" {
  command = plan

  variables {
    config_file = "tests/fixtures/added_source.yaml"
  }

  assert {
    condition     = keys(google_cloud_scheduler_job.landing) == ["customers", "payments", "transactions"]
    error_message = "payments was added to sources: it gets a landing job."
  }
  assert {
    condition     = google_cloud_scheduler_job.landing["payments"].schedule == "15 */4 * * 1-5" && google_cloud_scheduler_job.landing["payments"].name == "landfall-land-payments"
    error_message = "The payments job uses its own schedule."
  }
  assert {
    condition = jsondecode(base64decode(google_cloud_scheduler_job.landing["payments"].http_target[0].body)).launchParameter.environment == {
      serviceAccountEmail  = output.dataflow_service_account
      tempLocation         = "gs://my-bank-data-project-landfall-dataflow/temp"
      stagingLocation      = "gs://my-bank-data-project-landfall-dataflow/staging"
      machineType          = "n2-standard-8"
      numWorkers           = 4
      maxWorkers           = 50
      additionalUserLabels = { app = "landfall", landfall_deployment = "landfall" }
    }
    error_message = "payments is size large: n2-standard-8, 4 to 50 workers."
  }
  assert {
    condition = (
      jsondecode(base64decode(google_cloud_scheduler_job.landing["payments"].http_target[0].body)).launchParameter.parameters.writeMethod == "STORAGE_WRITE_API" &&
      jsondecode(base64decode(google_cloud_scheduler_job.landing["payments"].http_target[0].body)).launchParameter.parameters.maxRecordBytes == "1048576"
    )
    error_message = "Per-source template parameters reach the launch request."
  }
  assert {
    condition     = jsondecode(base64decode(google_cloud_scheduler_job.landing["transactions"].http_target[0].body)).launchParameter.environment.machineType == "e2-highmem-4"
    error_message = "Changing the medium preset in the YAML changes the medium source's job."
  }
  assert {
    condition     = !contains(keys(google_cloud_scheduler_job.routine), "unpack-payments") && !contains(keys(google_bigquery_dataset.this), "payments")
    error_message = "A source without unpack_schedule stays in the lake: no unpack job, no dataset."
  }
  assert {
    condition     = contains(keys(google_storage_managed_folder.landing), "payments") && google_storage_managed_folder.landing["payments"].name == "payments/"
    error_message = "Each source has its folder in the landing bucket."
  }
  assert {
    condition     = length(google_monitoring_notification_channel.email) == 1 && alltrue([for policy in google_monitoring_alert_policy.log : length(policy.notification_channels) == 1])
    error_message = "A notification_email creates the channel every alert notifies."
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.landing_dead_letters.conditions[0].condition_threshold[0].filter, "deadLetteredRows") && length(google_monitoring_alert_policy.landing_dead_letters.notification_channels) == 1
    error_message = "Rows a landing run dead-letters raise an alert on the pipeline's deadLetteredRows counter."
  }
}

run "defaults_fill_a_minimal_config" {
  command = plan

  variables {
    config_file = "tests/fixtures/minimal.yaml"
  }

  assert {
    condition     = output.datasets == { lake = "lake", customers = "customers", transactions = "transactions", analytics = "analytics", privacy = "privacy" }
    error_message = "Default dataset names."
  }
  assert {
    condition     = google_storage_bucket.landing.name == "landfall-test-min-landfall-landing" && google_storage_bucket.landing.location == "EU"
    error_message = "Default name_prefix and location."
  }
  assert {
    condition     = length(google_cloud_scheduler_job.landing) == 0 && keys(google_cloud_scheduler_job.routine) == ["snapshot"]
    error_message = "No sources: no landing or unpack jobs; the weekly snapshot is on by default."
  }
  assert {
    condition     = output.size_presets.large == { machine_type = "n2-standard-8", num_workers = 4, max_workers = 50 }
    error_message = "Default size presets."
  }
  assert {
    condition     = length(google_monitoring_notification_channel.email) == 0 && length(google_monitoring_alert_policy.log) == 3
    error_message = "Without a notification_email the alert policies exist without a channel."
  }
  assert {
    condition     = google_data_catalog_taxonomy.pii.region == "eu" && google_data_catalog_policy_tag.pii.display_name == "pii"
    error_message = "The PII taxonomy lives in the datasets' location."
  }
}

run "security_rules_hold" {
  command = plan

  variables {
    config_file = "tests/fixtures/added_source.yaml"
  }

  assert {
    condition = alltrue([
      for binding in google_project_iam_member.this : !contains(["roles/owner", "roles/editor", "roles/viewer"], binding.role)
    ])
    error_message = "No basic (primitive) roles."
  }
  assert {
    condition = alltrue(flatten([
      [for binding in google_project_iam_member.this : !contains(["allUsers", "allAuthenticatedUsers"], binding.member)],
      [for binding in google_storage_bucket_iam_member.this : !contains(["allUsers", "allAuthenticatedUsers"], binding.member)],
      [for access in concat(tolist(google_bigquery_dataset.analytics.access), flatten([for d in google_bigquery_dataset.this : tolist(d.access)])) : !contains(["allUsers", "allAuthenticatedUsers"], coalesce(access.special_group, access.iam_member, "-"))],
    ]))
    error_message = "Nothing is granted to allUsers or allAuthenticatedUsers."
  }
  assert {
    condition = alltrue([
      for bucket in [google_storage_bucket.landing, google_storage_bucket.dataflow, google_storage_bucket.templates] :
      bucket.uniform_bucket_level_access == true && bucket.public_access_prevention == "enforced"
    ])
    error_message = "Every bucket has uniform bucket-level access and public access prevention."
  }
  assert {
    condition     = google_storage_bucket.landing.versioning[0].enabled && anytrue([for rule in google_storage_bucket.dataflow.lifecycle_rule : anytrue([for c in rule.condition : c.matches_prefix == tolist(["temp/"]) && c.age == 7])])
    error_message = "Landing is versioned; temp files expire."
  }
  assert {
    condition = (
      sort([for b in google_project_iam_member.this : b.role if b.member == "serviceAccount:${output.dataflow_service_account}"]) == tolist(["roles/bigquery.jobUser", "roles/dataflow.worker"]) &&
      sort([for b in google_project_iam_member.this : b.role if b.member == "serviceAccount:${output.scheduler_service_account}"]) == tolist(["roles/bigquery.jobUser", "roles/dataflow.developer"])
    )
    error_message = "Service accounts hold only the project roles that have no narrower scope."
  }
  assert {
    condition     = [for a in google_bigquery_dataset.analytics.access : a.group_by_email if a.role == "READER"] == ["analysts@example.com"]
    error_message = "Business users read the analytics dataset."
  }
  assert {
    condition = alltrue([
      for key, dataset in google_bigquery_dataset.this : length([for a in dataset.access : a if a.group_by_email == "analysts@example.com"]) == 0
    ])
    error_message = "Business users have no access to the lake or the service datasets."
  }
  assert {
    condition = alltrue([
      for key in ["customers", "transactions"] : length([
        for a in google_bigquery_dataset.this[key].access : a
        if try(a.dataset[0].dataset[0].dataset_id == "analytics" && tolist(a.dataset[0].target_types) == tolist(["VIEWS"]), false)
      ]) == 1
    ]) && length([for a in google_bigquery_dataset.this["lake"].access : a if length(a.dataset) > 0]) == 0
    error_message = "Analytics views are authorized on the service datasets, not on the lake."
  }
  assert {
    condition = (
      [for a in google_bigquery_dataset.this["lake"].access : a.role if a.user_by_email == output.dataflow_service_account] == ["WRITER"] &&
      length(flatten([for key in ["customers", "transactions"] : [for a in google_bigquery_dataset.this[key].access : a if a.user_by_email == output.dataflow_service_account]])) == 0
    )
    error_message = "The Dataflow worker writes the lake and nothing else."
  }
}
