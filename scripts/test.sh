#!/usr/bin/env bash
# Runs every landfall test; .ci/run calls exactly this. Installs what it needs
# (Maven dependencies, the engine's virtualenv, Debian tools, the Terraform
# provider) and starts one local BigQuery engine shared by all Java tests.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/.. && pwd -P)"
readonly ROOT

# shellcheck source=scripts/lib/engine.sh
source "${ROOT}/scripts/lib/engine.sh"

FAILED=()
TIMINGS=()

err() {
  echo "test: $*" >&2
}

# Runs one named step, records its time and whether it failed, and goes on.
step() {
  local name="$1" started=${SECONDS}
  shift
  echo
  echo "== ${name} =="
  if "$@"; then
    TIMINGS+=("$(printf '%-12s %5ss  ok' "${name}" $((SECONDS - started)))")
  else
    FAILED+=("${name}")
    TIMINGS+=("$(printf '%-12s %5ss  FAILED' "${name}" $((SECONDS - started)))")
  fi
}

# Debian packages the checks use; installed when missing (CI runs as root).
ensure_debian_packages() {
  local missing=() package
  for package in "$@"; do
    command -v "${package}" > /dev/null || missing+=("${package}")
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=()
  ((EUID != 0)) && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq > /dev/null && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" > /dev/null
}

java_tests() {
  local args=(-B -ntp test)
  [[ "${FULL}" == true ]] && args+=(-DexcludedGroups=)
  (cd "${ROOT}" && mvn "${args[@]}")
}

script_tests() {
  "${ROOT}/tests/scripts/run.sh"
}

shellcheck_all() {
  local files=()
  mapfile -t files < <(cd "${ROOT}" && find scripts tests .ci -type f \( -name '*.sh' -o -name run \) | sort)
  (cd "${ROOT}" && shellcheck -x "${files[@]}")
}

terraform_checks() {
  "${ROOT}/scripts/terraform_check.sh"
}

terraform_security() {
  "${ROOT}/tests/terraform_security/run.sh"
}

# The benchmark at small sizes: proves it runs; its figures are never asserted (noisy machines).
bench_smoke() {
  "${ROOT}/scripts/bench.sh" --quick
}

secrets_check() {
  "${ROOT}/scripts/check_secrets.sh"
}

usage() {
  cat <<'USAGE'
Usage: scripts/test.sh [--full]
  --full   also run the slow tests (JUnit tag "slow": large files, crash and rerun families)
USAGE
}

main() {
  FULL=false
  while (($#)); do
    case "$1" in
      --full) FULL=true; shift ;;
      -h | --help) usage; return 0 ;;
      *) err "unknown argument: $1"; usage >&2; return 2 ;;
    esac
  done
  local started=${SECONDS}
  step tools ensure_debian_packages shellcheck jq chromium
  step engine engine_install
  # One engine for every Java test (LocalBigQuery reads LANDFALL_BQ_ENDPOINT).
  # shellcheck disable=SC2119
  engine_start
  trap engine_stop EXIT
  step java java_tests
  step scripts script_tests
  step shellcheck shellcheck_all
  step terraform terraform_checks
  step tfsecurity terraform_security
  step secrets secrets_check
  step bench bench_smoke

  echo
  echo "== summary ($((SECONDS - started)) s) =="
  printf '  %s\n' "${TIMINGS[@]}"
  if ((${#FAILED[@]})); then
    err "failed: ${FAILED[*]}"
    return 1
  fi
}

main "$@"
