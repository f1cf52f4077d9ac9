#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Launches the landfall Flex Template for one source with a size preset.
# See usage() and docs/operate.md.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
# shellcheck source=lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

# Set by this script from --source/--input and the Terraform outputs.
readonly RESERVED_PARAMETERS=(inputFilePattern source outputTable)

#######################################
# Prints a --parameters flag for one template parameter. gcloud splits the
# value on commas unless another delimiter is chosen with ^D^ (see
# `gcloud topic escaping`), and an input glob such as {a,b} holds commas.
# Arguments: name, value.
#######################################
parameter_flag() {
  local name="$1" value="$2" delim
  if [[ "${value}" != *,* ]]; then
    printf -- '--parameters=%s=%s\n' "${name}" "${value}"
    return
  fi
  for delim in '~' '|' ';' '@' '#' '!'; do
    if [[ "${value}" != *"${delim}"* && "${name}" != *"${delim}"* ]]; then
      printf -- '--parameters=^%s^%s=%s\n' "${delim}" "${name}" "${value}"
      return
    fi
  done
  die "cannot pass parameter ${name}: its value holds every delimiter gcloud allows"
}

#######################################
# Prints the worker network and CMEK flags, one a line, from the Terraform
# output dataflow_worker_options (absent in an older deployment: no flags).
#######################################
worker_option_flags() {
  local options
  options="$(jq -c '.dataflow_worker_options // {}' <<<"${LANDFALL_TF_JSON}")"
  jq -r '
    (if (.network // "") != "" then "--network=\(.network)" else empty end),
    (if (.subnetwork // "") != "" then "--subnetwork=\(.subnetwork)" else empty end),
    (if .private_ips == true then "--disable-public-ips" else empty end),
    (if (.kms_key // "") != "" then "--dataflow-kms-key=\(.kms_key)" else empty end)
  ' <<<"${options}"
}

#######################################
# Prints the template's parameter names from metadata.json, if it exists.
#######################################
known_parameters() {
  local metadata="${ROOT}/metadata.json"
  [[ -f "${metadata}" ]] || return 0
  jq -r '.parameters[]?.name' "${metadata}"
}

usage() {
  cat <<'EOF'
Usage: scripts/run_dataflow.sh --source S --size small|medium|large
                               [--input PATTERN] [--dry-run] [-- NAME=VALUE...]

Launches the landing pipeline (Flex Template) on Dataflow for one source.

  --source S       a configured source (Terraform output "sources")
  --size P         a size preset (Terraform output "size_presets"): its
                   machine type, initial and maximum workers
  --input PATTERN  files to land (default gs://<landing_bucket>/<S>/*.csv)
  --dry-run        print the gcloud command instead of running it
  -h, --help       this help
  -- NAME=VALUE    further template parameters, e.g. reprocess=true,
                   writeMethod=STORAGE_WRITE_API, loadId=..., splitSizeBytes=...,
                   maxRecordBytes=..., deadLetterDirectory=gs://...,
                   ledgerTable=..., privacyDataset=... (a leading "--" on
                   NAME is accepted)

The job is named landfall-<S>-<UTC yyyymmdd-hhmmss> and runs in the
configured region as the Dataflow service account, with staging and temp
locations in the Dataflow bucket, on the configured worker network
(--network, --subnetwork, --disable-public-ips) and Dataflow key
(--dataflow-kms-key), as the scheduled launches do. Prints the job id and its
console link.

Names come from the Terraform outputs; LANDFALL_TF_OUTPUTS=<file> reads them
from a `terraform output -json` file.
EOF
}

main() {
  local source="" size="" input="" dry_run=0
  local -a extra=()
  while (($#)); do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --source | --size | --input)
        [[ -n "${2:-}" ]] || die "$1 needs a value"
        case "$1" in
          --source) source="$2" ;;
          --size) size="$2" ;;
          --input) input="$2" ;;
        esac
        shift ;;
      --source=*) source="${1#*=}" ;;
      --size=*) size="${1#*=}" ;;
      --input=*) input="${1#*=}" ;;
      --dry-run) dry_run=1 ;;
      --) shift; extra=("$@"); break ;;
      *) die "unknown argument '$1' (see --help; template parameters go after --)" ;;
    esac
    shift
  done
  [[ -n "${source}" ]] || die "--source is required (see --help)"
  [[ -n "${size}" ]] || die "--size is required (see --help)"

  load_tf_outputs
  local -a sources=()
  local source_lines
  source_lines="$(tf_sources)"
  mapfile -t sources <<<"${source_lines}"
  contains_word "${source}" "${sources[@]}" ||
    die "unknown source '${source}'; known sources: ${sources[*]}"

  local presets preset
  presets="$(tf_output_json size_presets)"
  preset="$(jq -c --arg p "${size}" '.[$p] // empty' <<<"${presets}")"
  [[ -n "${preset}" ]] ||
    die "unknown size '${size}'; presets: $(jq -r 'keys | join(" ")' <<<"${presets}")"
  local machine_type num_workers max_workers
  machine_type="$(jq -r '.machine_type // empty' <<<"${preset}")"
  num_workers="$(jq -r '.num_workers // empty' <<<"${preset}")"
  max_workers="$(jq -r '.max_workers // empty' <<<"${preset}")"
  [[ -n "${machine_type}" && "${num_workers}" =~ ^[0-9]+$ && "${max_workers}" =~ ^[0-9]+$ ]] ||
    die "size preset '${size}' needs machine_type, num_workers and max_workers: ${preset}"

  local project region landing dataflow_bucket template service_account lake_table ledger_table
  local privacy_dataset
  project="$(tf_output project_id)"
  region="$(tf_output region)"
  landing="$(tf_bucket landing_bucket)"
  dataflow_bucket="$(tf_bucket dataflow_bucket)"
  template="$(tf_output template_spec_path)"
  service_account="$(tf_output dataflow_service_account)"
  lake_table="$(tf_output lake_table)"
  ledger_table="$(jq -r '.landed_files_table // empty' <<<"${LANDFALL_TF_JSON}")"
  # The erasure log's dataset (absent from older outputs: the template's default, privacy).
  privacy_dataset="$(jq -r '.privacy_dataset // empty' <<<"${LANDFALL_TF_JSON}")"
  [[ -n "${input}" ]] || input="gs://${landing}/${source}/*.csv"
  [[ "${input}" == gs://?* ]] || die "--input must be a gs:// pattern (Dataflow workers read Cloud Storage)"

  # Template parameters, in a fixed order so the command is reproducible.
  local -a names=(inputFilePattern source outputTable) values=("${input}" "${source}" "${lake_table}")
  if [[ -n "${ledger_table}" ]]; then
    names+=(ledgerTable)
    values+=("${ledger_table}")
  fi
  if [[ -n "${privacy_dataset}" ]]; then
    names+=(privacyDataset)
    values+=("${privacy_dataset}")
  fi
  local -a known=()
  local known_lines
  known_lines="$(known_parameters)"
  [[ -z "${known_lines}" ]] || mapfile -t known <<<"${known_lines}"
  local item name value i
  for item in "${extra[@]}"; do
    item="${item#--}"
    [[ "${item}" == ?*=* ]] || die "template parameter '${item}' is not NAME=VALUE"
    name="${item%%=*}"
    value="${item#*=}"
    if contains_word "${name}" "${RESERVED_PARAMETERS[@]}"; then
      die "parameter ${name} is set by this script; use --source or --input"
    fi
    if ((${#known[@]})) && ! contains_word "${name}" "${known[@]}"; then
      die "unknown template parameter '${name}'; metadata.json has: ${known[*]}"
    fi
    for ((i = 0; i < ${#names[@]}; i++)); do
      [[ "${names[i]}" != "${name}" ]] || break
    done
    names[i]="${name}"
    values[i]="${value}"
  done

  local job_name
  job_name="landfall-${source,,}-$(date -u +%Y%m%d-%H%M%S)"
  job_name="${job_name//_/-}" # Dataflow job names allow [-a-z0-9] only

  local -a cmd=(gcloud dataflow flex-template run "${job_name}"
    "--project=${project}"
    "--region=${region}"
    "--template-file-gcs-location=${template}"
    "--service-account-email=${service_account}"
    "--staging-location=gs://${dataflow_bucket}/staging"
    "--temp-location=gs://${dataflow_bucket}/temp"
    "--worker-machine-type=${machine_type}"
    "--num-workers=${num_workers}"
    "--max-workers=${max_workers}")
  local -a worker_flags=()
  local worker_lines
  worker_lines="$(worker_option_flags)" || die "Terraform output dataflow_worker_options is not an object"
  [[ -z "${worker_lines}" ]] || mapfile -t worker_flags <<<"${worker_lines}"
  cmd+=("${worker_flags[@]}")
  for ((i = 0; i < ${#names[@]}; i++)); do
    cmd+=("$(parameter_flag "${names[i]}" "${values[i]}")")
  done
  cmd+=("--format=value(job.id)")

  if ((dry_run)); then
    echo "Dry run; would run:"
    print_cmd "${cmd[@]}"
    return 0
  fi
  require_cmd gcloud "https://cloud.google.com/sdk/docs/install"
  local job_id
  job_id="$("${cmd[@]}")" || {
    err "could not launch ${job_name} (see the gcloud error above)"
    exit "${EXIT_FAILED}"
  }
  [[ -n "${job_id}" ]] || { err "gcloud printed no job id for ${job_name}"; exit "${EXIT_FAILED}"; }
  echo "Launched ${job_name} (${size}: ${machine_type}, ${num_workers}-${max_workers} workers)"
  echo "Job id: ${job_id}"
  echo "Console: https://console.cloud.google.com/dataflow/jobs/${region}/${job_id}?project=${project}"
}

main "$@"
