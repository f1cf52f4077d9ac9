#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds the pipeline jar and its container image (Cloud Build: no local
# Docker needed) and writes the Flex Template spec with metadata.json.
# See usage() and docs/operate.md.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
# shellcheck source=lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

readonly JAR="target/landfall-bundled.jar"
readonly CONTEXT_PLACEHOLDER="BUILD_CONTEXT"

#######################################
# Prints the default image tag: UTC time, plus the short commit if known.
#######################################
default_tag() {
  local tag commit
  tag="$(date -u +%Y%m%d-%H%M%S)"
  if commit="$(git -C "${ROOT}" rev-parse --short=12 HEAD 2>/dev/null)"; then
    tag+="-${commit}"
  fi
  printf '%s\n' "${tag}"
}

#######################################
# Runs a command, or prints it on a dry run.
# Globals: DRY_RUN.
#######################################
run() {
  if ((DRY_RUN)); then
    print_cmd "$@"
  else
    echo "+ $(print_cmd "$@")" >&2
    "$@"
  fi
}

usage() {
  cat <<'EOF'
Usage: scripts/build_template.sh [--skip-maven] [--skip-tests] [--tag TAG] [--dry-run]

  1. mvn -B package                       -> target/landfall-bundled.jar
  2. gcloud builds submit --tag IMAGE:TAG  (Dockerfile, metadata.json and the
     jar, staged in a temporary folder: the repo's .gitignore skips target/),
     run as the build service account, with its source and log in the
     builds bucket (Terraform outputs build_service_account, builds_bucket)
  3. gcloud dataflow flex-template build <template_spec_path>
       --image IMAGE:TAG --sdk-language JAVA --metadata-file metadata.json

  --skip-maven   use the jar already in target/
  --skip-tests   pass -DskipTests to Maven
  --tag TAG      image tag (default: UTC yyyymmdd-hhmmss, plus the git commit)
  --dry-run      print the commands instead of running them
  -h, --help     this help

IMAGE is the Terraform output template_image; the project, region and
template path come from the Terraform outputs too (LANDFALL_TF_OUTPUTS=<file>
reads them from a `terraform output -json` file). Each build gets its own
tag, so a template spec always points at the image it was built with.
EOF
}

main() {
  local skip_maven=0 skip_tests=0 tag=""
  DRY_RUN=0
  while (($#)); do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --skip-maven) skip_maven=1 ;;
      --skip-tests) skip_tests=1 ;;
      --dry-run) DRY_RUN=1 ;;
      --tag) [[ -n "${2:-}" ]] || die "--tag needs a value"; tag="$2"; shift ;;
      --tag=*) tag="${1#--tag=}" ;;
      *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
  done
  [[ -n "${tag}" ]] || tag="$(default_tag)"
  [[ "${tag}" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] ||
    die "'${tag}' is not a valid image tag"

  local file
  for file in Dockerfile metadata.json; do
    [[ -f "${ROOT}/${file}" ]] || die "${file} is missing at the repository root"
  done
  jq -e '.parameters | type == "array"' "${ROOT}/metadata.json" >/dev/null 2>&1 ||
    die "metadata.json is not a template metadata file (no \"parameters\" list)"

  load_tf_outputs
  local project region image spec build_account builds_bucket
  project="$(tf_output project_id)"
  region="$(tf_output region)"
  build_account="$(tf_output build_service_account)"
  builds_bucket="$(tf_bucket builds_bucket)"
  image="$(tf_output template_image):${tag}"
  spec="$(tf_output template_spec_path)"
  [[ "${spec}" == gs://?*/?* ]] || die "template_spec_path '${spec}' is not a gs:// object path"
  ((DRY_RUN)) || require_cmd gcloud "https://cloud.google.com/sdk/docs/install"
  ((DRY_RUN)) && echo "Dry run; would run:"

  if ((!skip_maven)); then
    local -a mvn=(mvn -B -f "${ROOT}/pom.xml" package)
    ((skip_tests)) && mvn+=(-DskipTests)
    ((DRY_RUN)) || require_cmd mvn "Maven 3 and JDK 17"
    run "${mvn[@]}"
  fi
  if ((!DRY_RUN)) && [[ ! -f "${ROOT}/${JAR}" ]]; then
    die "${JAR} is missing: run without --skip-maven"
  fi

  # Only what the Dockerfile needs goes to Cloud Build (fast upload, and the
  # repo's .gitignore, which gcloud honours, would leave out target/).
  local context="${CONTEXT_PLACEHOLDER}"
  if ((!DRY_RUN)); then
    context="$(mktemp -d)"
    CONTEXT_DIR="${context}" # global: the EXIT trap runs after main returns
    trap 'rm -rf -- "${CONTEXT_DIR}"' EXIT
    mkdir -p "${context}/target"
    cp -- "${ROOT}/Dockerfile" "${ROOT}/metadata.json" "${context}/"
    cp -- "${ROOT}/${JAR}" "${context}/${JAR}"
  fi
  # A user-specified build service account (least privilege, not the default
  # Cloud Build account) needs the source and log locations named: both in the
  # builds bucket, which it alone may read and write.
  run gcloud builds submit "${context}" \
    "--project=${project}" "--region=${region}" "--tag=${image}" \
    "--service-account=projects/${project}/serviceAccounts/${build_account}" \
    "--gcs-source-staging-dir=gs://${builds_bucket}/source" \
    "--gcs-log-dir=gs://${builds_bucket}/logs"
  run gcloud dataflow flex-template build "${spec}" \
    "--project=${project}" "--image=${image}" --sdk-language=JAVA \
    "--metadata-file=${ROOT}/metadata.json"

  if ((DRY_RUN)); then
    echo "(${CONTEXT_PLACEHOLDER}: a temporary folder with Dockerfile, metadata.json and ${JAR})"
  else
    echo "Template ${spec} now runs image ${image}"
  fi
}

main "$@"
