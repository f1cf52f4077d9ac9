# Plans the real routines/ folder (no fixture): every file must be one CREATE
# statement of a known kind and tables CREATE TABLE IF NOT EXISTS; the DDL is
# applied by the one deploy path (terraform_data.routines running
# scripts/deploy.sh), never as google_bigquery_job resources.

mock_provider "google" {
  # OpenTofu fills computed attributes at plan time with random strings, which
  # the provider's own checks reject where a name is used as an id.
  mock_resource "google_service_account" {
    defaults = {
      name = "projects/my-bank-data-project/serviceAccounts/landfall-mock@my-bank-data-project.iam.gserviceaccount.com"
    }
  }
  mock_resource "google_data_catalog_policy_tag" {
    override_during = plan
    defaults = {
      name = "projects/my-bank-data-project/locations/eu/taxonomies/1/policyTags/2"
    }
  }
}

run "real_routines_plan" {
  command = plan

  variables {
    config_file = "tests/fixtures/lake_only.yaml"
  }

  assert {
    condition     = contains(output.routines.table, "lake.raw_records") && contains(output.routines.table, "lake.landed_files")
    error_message = "The lake tables are classified from routines/lake/."
  }
  assert {
    condition     = alltrue([for key, kind in output.routines : true]) && length(output.routines.table) >= 2
    error_message = "Every routine file is classified."
  }
  assert {
    condition     = length(local._routine_problems) == 0
    error_message = "The real routines/ pass the plan-time checks."
  }
}

run "routines_deploy_through_the_one_deploy_path" {
  command = plan

  assert {
    condition     = can(regex("^[0-9a-f]{64}$", terraform_data.routines.triggers_replace.routines))
    error_message = "The deploy runs again when any routine, manifest or migration file changes."
  }
  assert {
    condition     = contains(local._deploy_inputs, "customers/package.yaml") && contains(local._deploy_inputs, "customers/unpack.sql") && !contains(local._deploy_inputs, "customers/tests/README.md")
    error_message = "The deploy inputs are the object files, the manifests and the migrations, not the fixtures."
  }
  assert {
    condition     = terraform_data.routines.triggers_replace.policy_tag == "projects/my-bank-data-project/locations/eu/taxonomies/1/policyTags/2"
    error_message = "A new policy tag re-runs the deploy, which tags every personal-data column with it."
  }
  assert {
    condition     = terraform_data.routines.triggers_replace.config == filesha256("config.yaml")
    error_message = "A config change (datasets, labels, pii.columns) re-runs the idempotent deploy."
  }
}

run "pii_columns_cover_every_copy_by_default" {
  command = plan

  variables {
    config_file = "tests/fixtures/minimal.yaml"
  }

  assert {
    condition = alltrue([
      for column in ["first_name", "last_name", "email", "date_of_birth", "lake.raw_records.data_string", "customers.rejects.data_string"] :
      contains(local.config.pii.columns, column)
    ])
    error_message = "By default the deploy tags names, e-mail and date of birth in every table, and the raw customers rows in the lake and in customers rejects."
  }
}

run "pii_columns_reject_an_unknown_table" {
  command = plan

  variables {
    config_file = "tests/fixtures/invalid/pii_unknown_table.yaml"
  }

  expect_failures = [terraform_data.config]
}

# The deployment as configured in config.yaml, with the real routines. It fails
# until routines/ holds every unpack procedure and the snapshot procedure that
# config.yaml schedules (the message lists what is missing).
run "config_yaml_with_real_routines_plans" {
  command = plan

  assert {
    condition     = length(google_cloud_scheduler_job.landing) == length([for s in values(yamldecode(file("config.yaml")).sources) : s if try(s.schedule, null) != null])
    error_message = "Every source of config.yaml with a schedule gets a landing job."
  }
}
