#!/usr/bin/env bash
# Runs the whole landfall flow on this machine: a local BigQuery engine, the
# schema and routines deployed on it, every CSV under --data landed by the Beam
# pipeline on the DirectRunner, unpacked, snapshotted, reported and exported.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/.. && pwd -P)"
readonly ROOT
readonly PROJECT="landfall-local"

# shellcheck source=scripts/lib/engine.sh
source "${ROOT}/scripts/lib/engine.sh"
# shellcheck source=scripts/lib/build.sh
source "${ROOT}/scripts/lib/build.sh"

err() {
  echo "demo: $*" >&2
}

step() {
  echo
  echo "== $* =="
}

usage() {
  cat <<'USAGE'
Usage: scripts/demo.sh [--data DIR] [--out DIR] [--as-of YYYY-MM-DD] [--keep-state DIR]

Runs landfall end to end on a local BigQuery engine (nothing in Google Cloud):
  --data DIR        CSV files to land, searched recursively (default: samples/)
  --out DIR         where the exports and summary.json go (default: out/)
  --as-of DATE      date of the top-customer snapshot (default: latest transaction date)
  --keep-state DIR  keep the engine's data in DIR between runs (default: fresh each run)
USAGE
}

main() {
  local data="${ROOT}/samples" out="${ROOT}/out" as_of="latest" state_dir=""
  while (($#)); do
    case "$1" in
      --data) data="${2:?--data needs a directory}"; shift 2 ;;
      --out) out="${2:?--out needs a directory}"; shift 2 ;;
      --as-of) as_of="${2:?--as-of needs a date}"; shift 2 ;;
      --keep-state) state_dir="${2:?--keep-state needs a directory}"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      *) err "unknown argument: $1"; usage >&2; return 2 ;;
    esac
  done
  [[ -d "${data}" ]] || { err "no such directory: ${data}"; return 2; }
  if [[ "${as_of}" != "latest" && ! "${as_of}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
    err "--as-of must be YYYY-MM-DD, got ${as_of}"
    return 2
  fi
  data="$(cd "${data}" && pwd -P)"
  mkdir -p "${out}"
  out="$(cd "${out}" && pwd -P)"

  local started=${SECONDS} jar load_id t timings=()
  step "Build"
  t="$(date +%s%N)"
  jar="$(build_jar)"
  timings+=(--timing "build=$(seconds_since "${t}")")

  step "Local BigQuery engine"
  t="$(date +%s%N)"
  engine_install
  local start_args=()
  [[ -n "${state_dir}" ]] && start_args=(--data-dir "${state_dir}")
  engine_start "${start_args[@]}"
  trap engine_stop EXIT
  timings+=(--timing "engine=$(seconds_since "${t}")")

  local connection=(--project "${PROJECT}" --endpoint "${LANDFALL_BQ_ENDPOINT}")
  local java=(java "-Djava.util.logging.config.file=${ROOT}/scripts/lib/logging.properties" -cp "${jar}")
  step "Deploy schema and routines"
  t="$(date +%s%N)"
  "${java[@]}" dev.landfall.deploy.DeployCommand \
    --config "${ROOT}/terraform/config.yaml" --routines "${ROOT}/routines" "${connection[@]}"
  timings+=(--timing "deploy=$(seconds_since "${t}")")

  step "Land every CSV under ${data}"
  load_id="demo-$(date -u +%Y%m%dT%H%M%SZ)"
  local tmp="${out}/.tmp"
  mkdir -p "${tmp}"
  t="$(date +%s%N)"
  "${java[@]}" dev.landfall.landing.LandingPipeline \
    --inputFilePattern="${data}/**.csv" \
    --outputTable="${PROJECT}:$(config_dataset lake).raw_records" \
    --privacyDataset="${PROJECT}:$(config_dataset privacy)" \
    --project="${PROJECT}" \
    --bigQueryEndpoint="${LANDFALL_BQ_ENDPOINT}" \
    --credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory \
    --tempLocation="${tmp}" \
    --loadId="${load_id}"
  timings+=(--timing "landing=$(seconds_since "${t}")")
  rm -rf "${tmp}"

  step "Unpack, snapshot, report"
  "${java[@]}" dev.landfall.flow.FlowCommand \
    --config "${ROOT}/terraform/config.yaml" "${connection[@]}" \
    --load-id "${load_id}" --as-of "${as_of}" --out "${out}" \
    --compare-previous-week --data "${data}" "${timings[@]}"

  echo
  echo "Done in $((SECONDS - started)) s. Exports: ${out}"
}

# Prints the seconds since $1 (a `date +%s%N` reading), with one decimal, for --timing.
seconds_since() {
  local tenths=$((($(date +%s%N) - $1) / 100000000))
  printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

# Dataset name of a logical dataset, from the deployment config (default: the name itself).
config_dataset() {
  local name
  name="$(sed -n "/^datasets:/,/^[^ ]/s/^  $1: *\([A-Za-z0-9_]*\).*/\1/p" "${ROOT}/terraform/config.yaml")"
  echo "${name:-$1}"
}

main "$@"
