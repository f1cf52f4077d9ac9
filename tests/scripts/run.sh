#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs the operator-script tests: every test_* function of tests/scripts/test_*.sh,
# each in its own subshell and temporary folder, with fake gcloud, terraform
# and mvn first on PATH (tests/scripts/fakes), recording their arguments.
#
# Usage: tests/scripts/run.sh [NAME_PATTERN]   (a grep -E pattern on test names)
# Prints one line a test, then "N passed, N failed, N skipped"; exits non-zero
# on a failure. A test skips (exit 77) when a tool it needs is absent.
set -o errexit -o nounset -o pipefail

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
readonly TESTS_DIR
REPO_ROOT="$(cd "${TESTS_DIR}/../.." && pwd -P)"
readonly REPO_ROOT
# shellcheck source=../../scripts/lib/common.sh
source "${REPO_ROOT}/scripts/lib/common.sh"

#######################################
# Lays out a throw-away copy of the repository for one test and the fakes'
# environment. Globals set: TEST_TMP, REPO, FAKE_LOG, FAKE_GCS_DIR,
# FAKE_TF_OUTPUTS, LANDING, PATH.
#######################################
setup_test() {
  TEST_TMP="$1"
  REPO="${TEST_TMP}/repo"
  mkdir -p "${REPO}/terraform" "${TEST_TMP}/work"
  cp -R "${REPO_ROOT}/scripts" "${REPO}/scripts"
  cp "${TESTS_DIR}/fixtures/Dockerfile" "${TESTS_DIR}/fixtures/metadata.json" "${REPO}/"
  echo "<project/>" >"${REPO}/pom.xml"
  export FAKE_LOG="${TEST_TMP}/calls.log"
  export FAKE_GCS_DIR="${TEST_TMP}/gcs"
  export FAKE_TF_OUTPUTS="${TESTS_DIR}/fixtures/tf_outputs.json"
  LANDING="test-project-landfall-landing"
  mkdir -p "${FAKE_GCS_DIR}/${LANDING}"
  export ORIGINAL_PATH="${PATH}" # to find real tools behind the fakes
  export PATH="${TESTS_DIR}/fakes:${PATH}"
  unset LANDFALL_TF_OUTPUTS FAKE_LIST_HIDE FAKE_CP_FAIL FAKE_MVN_FAIL FAKE_RUN_FAIL
  # Scripts must work from any folder: run them from a folder outside the repo.
  cd "${TEST_TMP}/work"
}

#######################################
# Runs one test function in a subshell; prints its result line.
# Arguments: test file, function name. Returns non-zero when it failed.
#######################################
run_test() {
  local file="$1" test_name="$2" tmp log status=0
  tmp="$(mktemp -d)"
  log="${tmp}.out"
  (
    set +o errexit # assertions record failures; the test goes on
    setup_test "${tmp}"
    # shellcheck source=lib/assert.sh
    source "${TESTS_DIR}/lib/assert.sh"
    # shellcheck disable=SC1090
    source "${file}"
    "${test_name}"
    exit "${TEST_FAILED}"
  ) >"${log}" 2>&1 || status=$?
  if ((status == 0)); then
    echo "ok   ${test_name}"
  elif ((status == 77)); then
    echo "skip ${test_name}: $(grep -m1 'SKIPPED' "${log}" | sed 's/^ *SKIPPED: //')"
  else
    echo "FAIL ${test_name} ($(basename "${file}"))"
    sed 's/^/  /' "${log}"
  fi
  rm -rf -- "${tmp}" "${log}"
  return "${status}"
}

main() {
  local pattern="${1:-.}" file name passed=0 failed=0 skipped=0 status start
  ensure_debian_packages jq:jq shellcheck:shellcheck sha256sum:coreutils ||
    { err "the script tests need jq and shellcheck"; exit 1; }
  start="${SECONDS}"
  for file in "${TESTS_DIR}"/test_*.sh; do
    while IFS= read -r name; do
      [[ "${name}" =~ ${pattern} ]] || continue
      status=0
      run_test "${file}" "${name}" || status=$?
      case "${status}" in
        0) passed=$((passed + 1)) ;;
        77) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) ;;
      esac
    done < <(bash -c 'source "$1" && declare -F' _ "${file}" | awk '$3 ~ /^test_/ {print $3}')
  done
  echo "script tests: $((SECONDS - start))s"
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
  ((failed == 0 && passed > 0))
}

main "$@"
