#!/usr/bin/env bash
# The landfall benchmark (issue 9): six figures, each a ratio or a bound measured
# in one run (the machines here are shared and noisy). Prints a table and writes
# bench/results.md (--quick: scaled-down sizes, a smoke test for scripts/test.sh,
# written to target/bench/results-quick.md).
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/.. && pwd -P)"
readonly ROOT
readonly PROJECT="landfall-local"

# shellcheck source=scripts/lib/engine.sh
source "${ROOT}/scripts/lib/engine.sh"
# shellcheck source=scripts/lib/build.sh
source "${ROOT}/scripts/lib/build.sh"

err() {
  echo "bench: $*" >&2
}

usage() {
  cat <<'USAGE'
Usage: scripts/bench.sh [--quick] [--no-engine] [--split-bytes N]

  --quick          scaled-down sizes (under 2 minutes): a smoke test, no timing goals
  --no-engine      skip measure 5 (unpack on the local BigQuery engine)
  --split-bytes N  --splitSizeBytes of the Beam runs (default 8388608)

Writes bench/results.md (--quick: target/bench/results-quick.md); work files go
to target/bench/. Run it on an otherwise idle machine for figures worth keeping.
USAGE
}

main() {
  local quick=false engine=true
  local bench_args=()
  while (($#)); do
    case "$1" in
      --quick) quick=true; bench_args+=(--quick); shift ;;
      --no-engine) engine=false; shift ;;
      --split-bytes) bench_args+=(--split-bytes "${2:?--split-bytes needs a number}"); shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) err "unknown argument: $1"; usage >&2; return 2 ;;
    esac
  done
  # The harness is its own source set (src/bench/java), compiled beside the product jar, never
  # into it: build_jar checks the jar holds no benchmark class.
  local classpath
  classpath="$(build_bench)"
  local java=(java "-Djava.util.logging.config.file=${ROOT}/scripts/lib/logging.properties" -cp "${classpath}")

  if [[ "${engine}" == true ]]; then
    # Its own engine folder: scripts/test.sh runs this while its own engine is up.
    export LANDFALL_ENGINE_DIR="${ROOT}/target/bench-engine"
    # shellcheck disable=SC2119
    engine_start
    trap engine_stop EXIT
    "${java[@]}" dev.landfall.deploy.DeployCommand --config "${ROOT}/terraform/config.yaml" \
      --routines "${ROOT}/routines" --project "${PROJECT}" --endpoint "${LANDFALL_BQ_ENDPOINT}" \
      > "${ROOT}/target/bench-deploy.log"
  else
    unset LANDFALL_BQ_ENDPOINT
  fi

  local results="${ROOT}/bench/results.md"
  [[ "${quick}" == true ]] && results="${ROOT}/target/bench/results-quick.md"
  (cd "${ROOT}" && "${java[@]}" dev.landfall.bench.Bench "${bench_args[@]}" \
    --work "${ROOT}/target/bench" --results "${results}" --config "${ROOT}/terraform/config.yaml")
  # Bytes billed at a 1 TB lake: a model, not a timing, kept up to date by BytesBilledTest
  # (mvn test); appended so that results.md shows it beside the run's figures.
  if [[ -f "${ROOT}/bench/bytes_billed.md" ]]; then
    { echo; cat "${ROOT}/bench/bytes_billed.md"; } >> "${results}"
  fi
}

main "$@"
