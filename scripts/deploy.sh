#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys landfall: `terraform apply` (which runs the routines deploy itself,
# see terraform/routines.tf), or the routines alone with the one deploy path
# (dev.landfall.deploy.DeployCommand), the same code for BigQuery and the local
# engine. See docs/deploy.md.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
# shellcheck source=lib/build.sh
source "${ROOT}/scripts/lib/build.sh"

err() {
  echo "deploy.sh: $*" >&2
}

usage() {
  cat <<'EOF_USAGE'
Usage:
  scripts/deploy.sh apply [TERRAFORM_ARGS...]
      terraform -chdir=terraform apply: infrastructure, then the routines
      (Terraform runs "scripts/deploy.sh routines" and fails the apply when it fails).
  scripts/deploy.sh routines [OPTIONS]
      The routines alone, in dependency order, waiting for every statement:
        --plan             print what a deploy would change, change nothing
        --service NAME     deploy one package (repeatable); its dependencies must be deployed
        --endpoint URL     a local engine instead of Google Cloud
        --policy-tag NAME  the personal-data policy tag of STRING/BYTES columns
                           (Terraform output pii_policy_tags.string)
        --date-policy-tag NAME  the tag of other personal-data columns (pii_policy_tags.date)
        --release-lease ID release the deploy lease (lake.deploy_lock) held by deploy ID,
                           after that deploy crashed (docs/deploy.md, "Overlapping deploys")
        --project P, --dataset-suffix S, --dry-run
      Defaults: --config terraform/config.yaml --routines routines.
      Google Cloud credentials: LANDFALL_ACCESS_TOKEN, else application default credentials.
EOF_USAGE
}

deploy_routines() {
  local jar
  local args=("$@")
  if [[ " ${args[*]} " != *" --config "* ]]; then
    args+=(--config "${ROOT}/terraform/config.yaml")
  fi
  if [[ " ${args[*]} " != *" --routines "* ]]; then
    args+=(--routines "${ROOT}/routines")
  fi
  jar="$(build_jar)"
  java "-Djava.util.logging.config.file=${ROOT}/scripts/lib/logging.properties" \
    -cp "${jar}" dev.landfall.deploy.DeployCommand "${args[@]}"
}

main() {
  if (($# == 0)); then
    usage >&2
    exit 2
  fi
  local command="$1"
  shift
  case "${command}" in
    apply)
      command -v terraform >/dev/null || { err "terraform is not installed"; exit 2; }
      terraform -chdir="${ROOT}/terraform" apply "$@"
      ;;
    routines) deploy_routines "$@" ;;
    -h | --help | help) usage ;;
    *)
      err "unknown command: ${command}"
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
