# shellcheck shell=bash
# Assertions and helpers for the script tests (sourced by run.sh).
# An assertion that fails prints expected vs actual and marks the test failed;
# the test goes on so one run shows every difference.

# Read by run.sh once the test function returns.
# shellcheck disable=SC2034
TEST_FAILED=0

fail() {
  echo "    FAILED: $*"
  TEST_FAILED=1
}

# Ends the test as skipped (run.sh counts exit status 77 as a skip).
skip() {
  echo "    SKIPPED: $*"
  exit 77
}

assert_eq() { # expected actual [what]
  if [[ "$1" != "$2" ]]; then
    fail "${3:-values differ}"
    printf '      expected: %s\n' "${1//$'\n'/$'\n'                }"
    printf '      actual:   %s\n' "${2//$'\n'/$'\n'                }"
  fi
}

assert_contains() { # haystack needle [what]
  if [[ "$1" != *"$2"* ]]; then
    fail "${3:-text lacks an expected part}"
    printf '      expected to contain: %s\n      actual: %s\n' "$2" "${1//$'\n'/$'\n'              }"
  fi
}

assert_not_contains() { # haystack needle [what]
  if [[ "$1" == *"$2"* ]]; then
    fail "${3:-text has an unexpected part}"
    printf '      expected not to contain: %s\n      actual: %s\n' "$2" "${1//$'\n'/$'\n'              }"
  fi
}

assert_matches() { # text regex [what]
  if ! [[ "$1" =~ $2 ]]; then
    fail "${3:-text does not match}"
    printf '      expected to match: %s\n      actual: %s\n' "$2" "$1"
  fi
}

# Runs a repo script; sets STATUS, OUT (stdout) and ERR (stderr).
run_script() {
  local name="$1"
  shift
  STATUS=0
  "${REPO}/scripts/${name}" "$@" >"${TEST_TMP}/stdout" 2>"${TEST_TMP}/stderr" || STATUS=$?
  OUT="$(cat "${TEST_TMP}/stdout")"
  ERR="$(cat "${TEST_TMP}/stderr")"
}

assert_status() { # expected
  if [[ "${STATUS}" != "$1" ]]; then
    fail "exit status"
    printf '      expected: %s\n      actual:   %s\n      stdout: %s\n      stderr: %s\n' \
      "$1" "${STATUS}" "${OUT}" "${ERR}"
  fi
}

# The calls the fakes recorded whose line starts with a prefix, e.g. "gcloud storage cp".
calls() {
  [[ -f "${FAKE_LOG}" ]] || return 0
  awk -v p="$1" 'index($0, p " ") == 1 || $0 == p' "${FAKE_LOG}"
}

# Writes a file with the given content, creating its folder.
make_file() { # path content
  mkdir -p "$(dirname "$1")"
  printf '%s' "$2" >"$1"
}

sha256_hex() {
  local sum
  sum="$(sha256sum "$1")"
  printf '%s\n' "${sum%% *}"
}
