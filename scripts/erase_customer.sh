#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Erases one customer's personal data (CONTRACT §6, docs/erasure.md): every
# table, in one BigQuery transaction, then the landing copies; or, with
# --landing-copies, removes from the landing files every line recorded in
# privacy.erased_lines (re-delivered lines a landing marked). See usage().
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly LOCAL_PROJECT="landfall-local"
# shellcheck source=lib/common.sh
source "${ROOT}/scripts/lib/common.sh"
# shellcheck source=lib/build.sh
source "${ROOT}/scripts/lib/build.sh"

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/erase_customer.sh --customer-id ID --request-id REQ [--dry-run]
                                 (--project P | --keep-state DIR --data DIR)
                                 [--config FILE]
       scripts/erase_customer.sh --landing-copies [--dry-run]
                                 (--project P | --keep-state DIR --data DIR)
                                 [--config FILE]

Erases the customer's personal data from the lake, customers history,
rejects, duplicates, transactions (deleted, or pseudonymised: config
erasure.transactions), the top-customer snapshots and the landing copies, and
logs the request (a keyed hash of the id, never the id). Prints the rows
changed per table.

  --customer-id ID  the customer to erase (passed to Java in the environment,
                    never on a command line or in a query text)
  --request-id REQ  the request's id (letters, digits, . _ : / -); running the
                    same request again changes nothing, or erases what a
                    landing committed since
  --landing-copies  instead of erasing a customer: remove from the landing
                    files every line a landing (or an earlier erasure) marked
                    for any request and recorded in privacy.erased_lines:
                    the re-delivered files the run summary names. Takes no
                    customer or request id and calls no erase procedure; it
                    reads erased_lines and the landing ledger, never the lake
                    (docs/erasure.md "No resurrection")
  --dry-run         print what would change; change nothing (no key either)
  --project P       Google Cloud: the deployed project (application default
                    credentials); the landing bucket comes from the Terraform
                    outputs (LANDFALL_TF_OUTPUTS=<file> to read them from a file)
  --keep-state DIR  local: the engine state of scripts/demo.sh --keep-state DIR
  --data DIR        local: the folder playing the landing bucket (demo --data)
  --config FILE     deployment config (default terraform/config.yaml)

Exit status: 0 done (also an unknown id: nothing changed), 1 failed, 2 bad
arguments.
EOF_USAGE
}

main() {
  local customer_id="" request_id="" dry_run=0 landing_copies=0 project="" state_dir="" data=""
  local config="${ROOT}/terraform/config.yaml"
  while (($#)); do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --dry-run) dry_run=1 ;;
      --landing-copies) landing_copies=1 ;;
      --customer-id | --request-id | --project | --keep-state | --data | --config)
        [[ -n "${2:-}" ]] || die "$1 needs a value"
        case "$1" in
          --customer-id) customer_id="$2" ;;
          --request-id) request_id="$2" ;;
          --project) project="$2" ;;
          --keep-state) state_dir="$2" ;;
          --data) data="$2" ;;
          --config) config="$2" ;;
        esac
        shift ;;
      *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
  done
  if ((landing_copies)); then
    [[ -z "${customer_id}${request_id}" ]] ||
      die "--landing-copies cleans every request's recorded lines: give no --customer-id or --request-id"
  else
    [[ -n "${customer_id}" ]] || die "--customer-id is required (or --landing-copies; see --help)"
    [[ -n "${request_id}" ]] || die "--request-id is required (see --help)"
    [[ "${request_id}" =~ ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$ ]] ||
      die "--request-id must be 1-128 letters, digits or . _ : / - (starting with a letter or digit)"
  fi
  [[ -f "${config}" ]] || die "no such config file: ${config}"
  if [[ -n "${project}" && -n "${state_dir}${data}" ]]; then
    die "give --project (Google Cloud) or --keep-state and --data (local), not both"
  fi

  local -a target=()
  if [[ -n "${project}" ]]; then
    load_tf_outputs
    local landing
    landing="$(tf_bucket landing_bucket)"
    target=(--project "${project}" --landing "gs://${landing}")
  else
    [[ -n "${state_dir}" && -n "${data}" ]] ||
      die "give --project P (Google Cloud), or --keep-state DIR and --data DIR (local engine)"
    [[ -d "${state_dir}" ]] || die "no such engine state folder: ${state_dir} (scripts/demo.sh --keep-state makes it)"
    [[ -d "${data}" ]] || die "no such data folder: ${data}"
    data="$(cd "${data}" && pwd -P)"
    # shellcheck source=lib/engine.sh
    source "${ROOT}/scripts/lib/engine.sh"
    engine_install
    engine_start --data-dir "${state_dir}"
    trap engine_stop EXIT
    target=(--project "${LOCAL_PROJECT}" --endpoint "${LANDFALL_BQ_ENDPOINT}" --landing "${data}")
  fi

  local jar
  jar="$(build_jar)" || exit "${EXIT_FAILED}"
  local -a cmd=(java "-Djava.util.logging.config.file=${ROOT}/scripts/lib/logging.properties"
    -cp "${jar}" dev.landfall.erasure.EraseCommand --config "${config}")
  if ((landing_copies)); then
    cmd+=(--landing-copies "${target[@]}")
  else
    cmd+=(--request-id "${request_id}" "${target[@]}")
  fi
  ((dry_run)) && cmd+=(--dry-run)
  if ((landing_copies)); then
    "${cmd[@]}"
  else
    LANDFALL_ERASE_CUSTOMER_ID="${customer_id}" "${cmd[@]}"
  fi
}

main "$@"
