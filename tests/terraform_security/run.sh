#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Security checks of the deployment: plans terraform/ offline, with the real
# Google provider, for config.yaml and each valid test fixture, and walks every
# planned resource with check_plan.py (no basic roles, nothing public, buckets
# locked down, narrow grants, no keys). Runs the checker's own tests first.
#
# Offline: the plan runs in a throw-away copy of terraform/ and routines/ whose
# provider gets a placeholder access token from an override file; planning
# makes no API call (no data source reads the network), so no credential is
# needed or used.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
readonly ROOT
readonly HERE="${ROOT}/tests/terraform_security"
# config.yaml and the valid fixtures, relative to terraform/.
readonly CONFIGS=(config.yaml tests/fixtures/added_source.yaml tests/fixtures/minimal.yaml tests/fixtures/lake_only.yaml
  tests/fixtures/enterprise.yaml tests/fixtures/regional.yaml)
# shellcheck source=../../scripts/lib/terraform_tools.sh
source "${ROOT}/scripts/lib/terraform_tools.sh"

err() {
  echo "terraform_security: $*" >&2
}

# Plans one config in the copy and checks the plan. Arguments: work dir, config.
check_config() {
  local -r work="$1" config="$2"
  local -r tf=("${TERRAFORM_BIN}" "-chdir=${work}/terraform")
  local plan_file="${work}/plan.bin" json="${work}/plan.json"
  if ! "${tf[@]}" plan -refresh=false -input=false -no-color -lock=false \
    -var "config_file=${config}" -out="${plan_file}" >"${work}/plan.log" 2>&1; then
    cat "${work}/plan.log" >&2
    err "terraform plan failed for ${config}"
    return 1
  fi
  "${tf[@]}" show -json "${plan_file}" >"${json}"
  python3 "${HERE}/check_plan.py" --name "${config}" "${json}"
}

# The same walk must catch violations in a real plan (the provider's real
# attribute names): plan a copy of the enterprise config with a bucket open to
# public access, a basic role for allAuthenticatedUsers, a service account key,
# a key administered by a group, a bucket left on Google's keys and a table
# grant on the erasure log, and expect
# those rules to fail. Arguments: work dir.
check_mutant() {
  local -r work="$1"
  local -r mutant="${work}/mutant"
  local output rule
  mkdir -p "${mutant}"
  cp -R "${work}/terraform" "${work}/routines" "${mutant}/"
  sed -i 's/public_access_prevention    = "enforced"/public_access_prevention    = "inherited"/' \
    "${mutant}/terraform/main.tf"
  cat >"${mutant}/terraform/zz_mutant.tf" <<'EOF_MUTANT'
resource "google_project_iam_member" "mutant" {
  project = "p"
  role    = "roles/editor"
  member  = "allAuthenticatedUsers"
}

resource "google_service_account_key" "mutant" {
  service_account_id = google_service_account.dataflow.name
}

resource "google_kms_crypto_key_iam_member" "mutant" {
  crypto_key_id = "projects/bank-kms/locations/europe/keyRings/landfall/cryptoKeys/data"
  role          = "roles/cloudkms.admin"
  member        = "group:eng@example.com"
}

# The landing account writing the erasure log (the real provider's table_id attribute).
resource "google_bigquery_table_iam_member" "mutant" {
  project    = "p"
  dataset_id = "privacy"
  table_id   = "erasure_log"
  role       = "roles/bigquery.dataEditor"
  member     = "serviceAccount:landfall-dataflow@p.iam.gserviceaccount.com"
}

resource "google_storage_bucket" "mutant" {
  name                        = "mutant-plain-bucket"
  location                    = "EU"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}
EOF_MUTANT
  if output="$(check_config "${mutant}" tests/fixtures/enterprise.yaml)"; then
    echo "${output}" >&2
    err "a plan with a public bucket, a basic role, a key, a key admin, a bucket without CMEK and a grant on the erasure log passed the checks"
    return 1
  fi
  for rule in bucket-access basic-role public-member key kms-grant cmek table-grant; do
    if ! grep -q "FAIL ${rule} " <<<"${output}"; then
      echo "${output}" >&2
      err "mutated plan: rule ${rule} did not fire"
      return 1
    fi
  done
  echo "terraform_security: a mutated plan (public bucket, basic role, key, key admin, bucket without CMEK, grant on the erasure log) is refused"
}

main() {
  local output
  if ! output="$(python3 -m unittest discover -s "${HERE}" -p 'test_*.py' 2>&1)"; then
    echo "${output}" >&2
    err "check_plan.py's unit tests failed"
    return 1
  fi
  echo "terraform_security: check_plan.py $(echo "${output}" | grep -E '^Ran ')"

  tf_tools::setup
  local work status=0 config
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: work is local
  trap "rm -rf -- '${work}'" EXIT
  cp -R "${ROOT}/terraform" "${work}/terraform"
  cp -R "${ROOT}/routines" "${work}/routines"
  rm -rf "${work}/terraform/.terraform" "${work}/terraform/.terraform.lock.hcl" "${work}"/terraform/terraform.tfstate*
  cat >"${work}/terraform/zz_offline_plan_override.tf" <<'EOF'
# Written by tests/terraform_security/run.sh into a throw-away copy: a
# placeholder token so the provider configures without credentials.
provider "google" {
  access_token = "offline-plan-placeholder"
}
EOF
  "${TERRAFORM_BIN}" -chdir="${work}/terraform" init -backend=false -input=false -no-color >/dev/null
  for config in "${CONFIGS[@]}"; do
    check_config "${work}" "${config}" || status=1
  done
  check_mutant "${work}" || status=1
  ((status == 0)) && echo "terraform_security: ${#CONFIGS[@]} configurations planned, every resource checked"
  return "${status}"
}

main "$@"
