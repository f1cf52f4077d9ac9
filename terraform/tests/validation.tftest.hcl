# A bad config.yaml fails the plan at terraform_data.config. The text of each
# message is checked by scripts/terraform_check.sh (the "# expect:" line of
# each fixture), since terraform test cannot match on it.

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
  routines_dir = "tests/fixtures/routines"
}

run "unknown_size_preset_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/unknown_preset.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "bad_size_preset_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/bad_preset.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "bad_cron_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/bad_cron.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "bad_region_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/bad_region.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "missing_source_schema_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/missing_schema.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "misspelt_key_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/unknown_key.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "valid_config_passes_the_checks" {
  command = plan
  variables {
    config_file = "tests/fixtures/added_source.yaml"
  }
  assert {
    condition     = terraform_data.config.input != ""
    error_message = "A valid config plans without errors."
  }
}

run "missing_project_id_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/missing_project.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "bad_kms_keys_fail" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/bad_kms.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "kms_key_out_of_the_jobs_region_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/kms_not_in_region.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "bad_network_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/bad_network.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "bad_time_travel_fails" {
  command = plan
  variables {
    config_file = "tests/fixtures/invalid/bad_time_travel.yaml"
  }
  expect_failures = [terraform_data.config]
}

run "enterprise_configs_pass_the_checks" {
  command = plan
  variables {
    config_file = "tests/fixtures/enterprise.yaml"
  }
  assert {
    condition     = terraform_data.config.input != ""
    error_message = "Network, keys and time travel as configured plan without errors."
  }
}
