terraform {
  # mock_provider in the offline tests needs 1.7.
  required_version = ">= 1.7.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 8.0.0, < 9.0.0"
    }
  }
}

provider "google" {
  project = local.config.project_id
  region  = local.config.region
}
