# Plans the real routines/ folder (no fixture): every file must be one CREATE
# statement of a known kind, tables must be CREATE TABLE IF NOT EXISTS, and
# views and functions must form at most three dependency waves.

mock_provider "google" {
  # OpenTofu fills computed attributes at plan time with random strings, which
  # the provider's own checks reject where a name is used as an id.
  mock_resource "google_service_account" {
    defaults = {
      name = "projects/my-bank-data-project/serviceAccounts/landfall-mock@my-bank-data-project.iam.gserviceaccount.com"
    }
  }
}

run "real_routines_plan" {
  command = plan

  variables {
    config_file = "tests/fixtures/lake_only.yaml"
  }

  assert {
    condition     = contains(keys(module.ddl_tables.job_names), "lake.raw_records") && contains(keys(module.ddl_tables.job_names), "lake.landed_files")
    error_message = "The lake tables are created from routines/lake/."
  }
  assert {
    condition     = strcontains(module.ddl_tables.job_names["lake.raw_records"], "landfall_ddl_lake_raw_records_")
    error_message = "Job ids name the object."
  }
  assert {
    condition     = alltrue([for key, kind in output.routines : true]) && length(output.routines.table) >= 2
    error_message = "Every routine file is classified."
  }
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
