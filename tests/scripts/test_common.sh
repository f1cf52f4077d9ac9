# shellcheck shell=bash
# Tests shared by every script: --help, lint.
# Globals from run.sh: REPO, REPO_ROOT.

test_all_help_exitsZeroWithUsage() {
  local script
  for script in upload_files.sh build_template.sh run_dataflow.sh; do
    run_script "${script}" --help
    assert_status 0
    assert_contains "${OUT}" "Usage: scripts/${script}"
  done
  assert_eq "" "$(calls gcloud)$(calls terraform)" "help calls nothing"
}

test_all_strictModeAndExecutable() {
  local script
  for script in upload_files.sh build_template.sh run_dataflow.sh; do
    [[ -x "${REPO_ROOT}/scripts/${script}" ]] || fail "${script} is not executable"
    grep -qx 'set -o errexit -o nounset -o pipefail' "${REPO_ROOT}/scripts/${script}" ||
      fail "${script} does not start strict mode"
  done
}

test_all_shellcheckClean() {
  local out
  out="$(cd "${REPO_ROOT}" && shellcheck -x scripts/upload_files.sh scripts/build_template.sh \
    scripts/run_dataflow.sh scripts/lib/common.sh tests/scripts/run.sh tests/scripts/lib/*.sh \
    tests/scripts/test_*.sh tests/scripts/fakes/* 2>&1)" || fail "shellcheck: ${out}"
}
