# shellcheck shell=bash
# Shared helpers for the operator scripts: errors, the repo root, and the
# names of the deployed resources, read from the Terraform outputs.
#
# Source it, do not run it:  source "${ROOT}/scripts/lib/common.sh"
#
# Names come from `terraform -chdir=terraform output -json`, which Terraform
# derives from terraform/config.yaml: one source of truth, nothing hard-coded
# here. LANDFALL_TF_OUTPUTS=<file.json> replaces the Terraform call (for
# operators without access to the state, and for tests); the file may be the
# `terraform output -json` document itself or a plain {"name": value} object.

if ((BASH_VERSINFO[0] < 4)); then
  echo "error: bash 4 or newer is needed (this is bash ${BASH_VERSION})" >&2
  exit 2
fi

LANDFALL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
readonly LANDFALL_ROOT

# Exit codes shared by the scripts (used by the scripts that source this).
# shellcheck disable=SC2034
readonly EXIT_FAILED=1 # an operation failed (e.g. one upload)
readonly EXIT_USAGE=2  # bad arguments or input: nothing was done

# Normalized outputs ({"name": value}), filled by load_tf_outputs.
LANDFALL_TF_JSON=""

#######################################
# Prints an error message to stderr.
# Arguments: message words.
#######################################
err() {
  echo "error: $*" >&2
}

#######################################
# Prints an error and exits with EXIT_USAGE (nothing was done).
#######################################
die() {
  err "$@"
  exit "${EXIT_USAGE}"
}

#######################################
# Fails unless a command is on PATH.
# Arguments: command name, hint on how to install it.
#######################################
require_cmd() {
  if ! command -v "$1" >/dev/null 2>&1; then
    die "'$1' is not installed${2:+ ($2)}"
  fi
}

#######################################
# Installs Debian packages for commands that are missing (tests and CI).
# Arguments: pairs "command:package", e.g. jq:jq shellcheck:shellcheck.
# Returns non-zero when a command is still missing afterwards.
#######################################
ensure_debian_packages() {
  local pair
  local -a missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  if ! command -v apt-get >/dev/null 2>&1 || ((EUID != 0)); then
    err "missing packages: ${missing[*]} (install them with your package manager)"
    return 1
  fi
  echo "installing ${missing[*]} with apt-get" >&2
  # The package lists may be stale or absent on a fresh machine.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || return 1
  fi
}

#######################################
# Reads the Terraform outputs once into LANDFALL_TF_JSON.
# Globals: LANDFALL_TF_OUTPUTS (optional file), LANDFALL_ROOT.
# Exits with a clear message when they cannot be read.
#######################################
load_tf_outputs() {
  local raw
  require_cmd jq "Debian/Ubuntu: apt-get install jq"
  if [[ -n "${LANDFALL_TF_OUTPUTS:-}" ]]; then
    [[ -r "${LANDFALL_TF_OUTPUTS}" ]] ||
      die "LANDFALL_TF_OUTPUTS=${LANDFALL_TF_OUTPUTS}: no such readable file"
    raw="$(cat -- "${LANDFALL_TF_OUTPUTS}")"
  else
    require_cmd terraform "or set LANDFALL_TF_OUTPUTS=<file> written by 'terraform output -json'"
    if ! raw="$(terraform -chdir="${LANDFALL_ROOT}/terraform" output -json)"; then
      die "could not read the Terraform outputs (has 'terraform -chdir=terraform init' run?);" \
        "or set LANDFALL_TF_OUTPUTS=<file> written by 'terraform output -json'"
    fi
  fi
  # `terraform output -json` wraps each value as {"sensitive", "type", "value"}.
  if ! LANDFALL_TF_JSON="$(jq -c '
      if type != "object" then error("not a JSON object") else . end
      | with_entries(.value |= (
          if type == "object" and has("value") and has("type") then .value else . end))
      ' <<<"${raw}" 2>&1)"; then
    die "the Terraform outputs are not valid JSON: ${LANDFALL_TF_JSON}"
  fi
}

#######################################
# Prints one Terraform output as JSON (objects, lists).
# Arguments: output name.
#######################################
tf_output_json() {
  local value
  [[ -n "${LANDFALL_TF_JSON}" ]] || die "internal: load_tf_outputs was not called"
  value="$(jq -c --arg k "$1" '.[$k] // empty' <<<"${LANDFALL_TF_JSON}")"
  if [[ -z "${value}" || "${value}" == '""' ]]; then
    die "Terraform output '$1' is missing: run 'terraform -chdir=terraform apply'" \
      "first, or set LANDFALL_TF_OUTPUTS=<file> written by 'terraform output -json'"
  fi
  printf '%s\n' "${value}"
}

#######################################
# Prints one Terraform output as a plain string.
# Arguments: output name.
#######################################
tf_output() {
  local value
  value="$(tf_output_json "$1")" || exit
  jq -r '.' <<<"${value}"
}

#######################################
# Prints a bucket name given as "name" or "gs://name/".
# Arguments: Terraform output name of the bucket.
#######################################
tf_bucket() {
  local bucket
  bucket="$(tf_output "$1")" || exit
  bucket="${bucket#gs://}"
  printf '%s\n' "${bucket%%/*}"
}

#######################################
# Prints the configured source names, one a line.
#######################################
tf_sources() {
  local sources
  sources="$(tf_output_json sources)" || exit
  sources="$(jq -r 'if type == "array" then .[] else keys[] end' <<<"${sources}")"
  [[ -n "${sources}" ]] || die "Terraform output 'sources' is empty"
  printf '%s\n' "${sources}"
}

#######################################
# Succeeds when the first argument equals one of the others.
# Arguments: word, then the list (e.g. the known sources).
#######################################
contains_word() {
  local candidate="$1" known
  shift
  for known in "$@"; do
    [[ "${candidate}" == "${known}" ]] && return 0
  done
  return 1
}

#######################################
# Prints a command as one shell-quoted line (what --dry-run shows).
# Arguments: the command and its arguments.
#######################################
print_cmd() {
  local out="" arg
  for arg in "$@"; do
    out+="$(printf '%q' "${arg}") "
  done
  printf '%s\n' "${out% }"
}
