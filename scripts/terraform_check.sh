#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Offline checks of terraform/: fmt, validate, `terraform test` (mock Google
# provider, plans only), the text of each config error message, and the unit
# tests of terraform/scripts/. Installs what it needs first: see
# scripts/lib/terraform_tools.sh (Terraform or OpenTofu, and the Google provider
# built from source into a cache outside the repository).
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly TF_DIR="${ROOT}/terraform"
# shellcheck source=lib/terraform_tools.sh
source "${ROOT}/scripts/lib/terraform_tools.sh"

PASSED=0
FAILED=0

err() {
  echo "terraform_check: $*" >&2
}

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/terraform_check.sh

Runs offline: terraform fmt -check, init (provider from the local mirror),
validate, test, the config error messages, and the Python unit tests of
terraform/scripts/. Prints "terraform_check: N passed, N failed" last.
The cache lives in ${XDG_CACHE_HOME:-~/.cache}/landfall (LANDFALL_CACHE_DIR).
EOF_USAGE
}

tf() {
  "${TERRAFORM_BIN}" -chdir="${TF_DIR}" "$@"
}

# Records one check's result. Arguments: name, exit status.
record() {
  if [[ "$2" -eq 0 ]]; then
    PASSED=$((PASSED + 1))
    echo "ok   $1"
  else
    FAILED=$((FAILED + 1))
    echo "FAIL $1"
  fi
}

# Runs `terraform test` and adds its counts to ours.
run_terraform_test() {
  local output status=0 counts
  output="$(tf test -no-color 2>&1)" || status=$?
  echo "${output}" | grep -E '^(tests/|  run |Success|Failure)' || true
  counts="$(echo "${output}" | grep -Eo '[0-9]+ passed, [0-9]+ failed' | tail -n1)"
  if [[ -z "${counts}" ]]; then
    echo "${output}" >&2
    record "terraform test (no summary)" 1
    return
  fi
  if ((status != 0)); then
    # Show why: the failing runs' diagnostics.
    echo "${output}" | grep -v -E '^(tests/|  run )' >&2
  fi
  PASSED=$((PASSED + ${counts%% passed*}))
  FAILED=$((FAILED + $(echo "${counts}" | sed -E 's/.* ([0-9]+) failed/\1/')))
}

# terraform test can expect a failure but not match its text, so each invalid
# fixture names the message it must produce on its "# expect: " line.
check_messages() {
  local fixture expected messages
  for fixture in "${TF_DIR}"/tests/fixtures/invalid/*.yaml; do
    expected="$(sed -n 's/^# expect: //p' "${fixture}")"
    messages="$(printf '%s\n' 'join("\n", local.config_errors)' |
      tf console -var "config_file=tests/fixtures/invalid/${fixture##*/}" \
        -var "routines_dir=tests/fixtures/routines" 2>&1 | sed 's/\\"/"/g')" || true
    if [[ -n "${expected}" ]] && grep -qF -- "${expected}" <<<"${messages}"; then
      record "message of invalid/${fixture##*/}" 0
    else
      err "invalid/${fixture##*/}: expected \"${expected}\" in: ${messages}"
      record "message of invalid/${fixture##*/}" 1
    fi
  done
}

# Unit tests of terraform/scripts/ and, on the local BigQuery engine
# ($LANDFALL_VENV, default <repo>/.venv), of the SQL that Cloud Scheduler sends.
run_python_tests() {
  local output status=0 count skipped
  output="$(python3 -m unittest discover -s "${TF_DIR}/tests" -p 'test_*.py' 2>&1)" || status=$?
  count="$(echo "${output}" | sed -n 's/^Ran \([0-9]*\) test.*/\1/p')"
  skipped="$(echo "${output}" | sed -n 's/.*skipped=\([0-9]*\).*/\1/p')"
  if ((status == 0)); then
    PASSED=$((PASSED + ${count:-0} - ${skipped:-0}))
    echo "ok   $((${count:-0} - ${skipped:-0})) Python tests (terraform/tests/test_*.py), ${skipped:-0} skipped"
    if [[ -n "${skipped}" ]]; then
      err "skipped tests need the local BigQuery engine: LANDFALL_VENV=<venv with bqemulator>"
    fi
  else
    echo "${output}" >&2
    record "Python tests (terraform/tests/test_*.py)" 1
  fi
}

main() {
  if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    usage
    return 0
  fi
  local -r started="${SECONDS}"
  tf_tools::setup
  echo "terraform_check: $("${TERRAFORM_BIN}" version | head -n1), google provider ${GOOGLE_PROVIDER_VERSION}"

  local status=0
  tf fmt -check -recursive -diff || status=$?
  record "terraform fmt -check" "${status}"

  status=0
  tf init -backend=false -input=false -no-color >/dev/null || status=$?
  record "terraform init (offline mirror)" "${status}"
  if ((status != 0)); then
    tf init -backend=false -input=false -no-color >&2 || true
  else
    status=0
    tf validate -no-color || status=$?
    record "terraform validate" "${status}"
    run_terraform_test
    check_messages
  fi
  run_python_tests

  echo "terraform_check: took $((SECONDS - started)) s"
  echo "terraform_check: ${PASSED} passed, ${FAILED} failed"
  ((FAILED == 0))
}

main "$@"
