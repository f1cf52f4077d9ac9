#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Uploads CSV files to the landing bucket under their source's prefix.
#
# A file whose content (SHA-256) is already in the bucket, under any name, is
# skipped; nothing is ever overwritten (generation precondition); each object
# carries its hash as custom metadata `sha256` so later runs and the pipeline
# can see it. See usage() and docs/operate.md.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
# shellcheck source=lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

readonly METADATA_KEY="sha256"

#######################################
# Prints the hex SHA-256 of a file.
#######################################
sha256_of() {
  local sum
  if command -v sha256sum >/dev/null 2>&1; then
    sum="$(sha256sum -- "$1")"
  else
    sum="$(shasum -a 256 -- "$1")"
  fi
  printf '%s\n' "${sum%% *}"
}

#######################################
# Prints the source of a file, or nothing when it cannot be told.
# Arguments: file path, --source value (may be empty), known sources...
#######################################
source_of() {
  local path="$1" forced="$2"
  shift 2
  local parent base known best=""
  if [[ -n "${forced}" ]]; then
    printf '%s\n' "${forced}"
    return
  fi
  parent="$(basename -- "$(dirname -- "${path}")")"
  if contains_word "${parent}" "$@"; then
    printf '%s\n' "${parent}"
    return
  fi
  base="$(basename -- "${path}")"
  # Longest match, so a source named like "card_transactions" wins over "card".
  for known in "$@"; do
    if [[ "${base}" == "${known}_"* && ${#known} -gt ${#best} ]]; then
      best="${known}"
    fi
  done
  [[ -z "${best}" ]] || printf '%s\n' "${best}"
}

#######################################
# Adds the CSV files of an argument to FILES, or an error to INPUT_ERRORS.
# Globals: FILES, INPUT_ERRORS (arrays).
#######################################
collect_files() {
  local arg="$1" found=0 path
  if [[ -d "${arg}" ]]; then
    [[ "${arg}" != -* ]] || arg="./${arg}"
    while IFS= read -r -d '' path; do
      FILES+=("${path}")
      found=1
    done < <(find "${arg}" -type f -iname '*.csv' -print0 | LC_ALL=C sort -z)
    ((found)) || INPUT_ERRORS+=("${arg}: folder holds no .csv file")
  elif [[ ! -e "${arg}" ]]; then
    INPUT_ERRORS+=("${arg}: no such file or folder")
  elif [[ "${arg}" == -* ]]; then
    FILES+=("./${arg}") # so that gcloud does not read it as a flag
  else
    FILES+=("${arg}")
  fi
}

#######################################
# Checks one file; prints the reason it cannot be uploaded, if any.
#######################################
file_problem() {
  local path="$1" base
  base="$(basename -- "${path}")"
  if [[ ! -f "${path}" ]]; then
    echo "not a regular file"
  elif [[ ! -r "${path}" ]] || ! head -c 1 -- "${path}" >/dev/null 2>&1; then
    echo "cannot be read"
  elif [[ "${base,,}" != *.csv ]]; then
    echo "not a CSV file (the name must end in .csv)"
  elif [[ "${base}" == *[][*?]* || "${base}" == *[[:cntrl:]]* ]]; then
    # gcloud storage expands wildcards in names; control characters break logs.
    echo "the name has a wildcard or control character; rename the file"
  fi
}

#######################################
# Lists the landing bucket as TSV lines "name<TAB>sha256" (sha256 may be empty).
# Arguments: bucket name.
#######################################
list_bucket() {
  local listing
  listing="$(gcloud storage objects list "gs://$1/**" --raw --format=json)" ||
    die "could not list gs://$1 (check 'gcloud auth login' and your access)"
  # --raw gives the JSON API fields: custom metadata is under "metadata".
  # Noncurrent versions (versioned bucket) no longer hold a live file.
  jq -r --arg key "${METADATA_KEY}" '
      (. // [])[]
      | select((.timeDeleted // "") == "")
      | [.name, ((.metadata // .custom_fields // {})[$key] // "")]
      | @tsv' <<<"${listing}"
}

#######################################
# Uploads one file without overwriting; prints the reason on failure.
# Arguments: local path, destination URL, hex sha256.
#######################################
upload_one() {
  local errors
  errors="$(mktemp "${WORK_DIR}/cp.XXXXXX")"
  local -a cmd=(gcloud storage cp
    --if-generation-match=0
    "--custom-metadata=${METADATA_KEY}=$3"
    --content-type=text/csv
    "$1" "$2")
  if "${cmd[@]}" >/dev/null 2>"${errors}"; then
    return 0
  fi
  if grep -qiE '412|precondition' "${errors}"; then
    echo "an object with this name already exists (not overwritten)"
  else
    grep -v '^[[:space:]]*$' "${errors}" | tail -n 1 | sed 's/^ERROR: *//' || true
  fi
  return 1
}

usage() {
  cat <<'EOF'
Usage: scripts/upload_files.sh [--dry-run] [--source S] FILE|DIR...

Uploads CSV files to gs://<landing_bucket>/<source>/<file name>.

  FILE|DIR      CSV files (*.csv), or folders searched recursively for them
  --source S    the source of every file; otherwise a file's source is its
                folder name (customers/2026-11-01.csv) or its file-name prefix
                before "_" (customers_2026-11-01.csv), if that is a known source
  --dry-run     list the bucket and print what would happen; upload nothing
  -h, --help    this help

A file whose SHA-256 is already recorded on an object in the landing bucket
(custom metadata "sha256"), or on an earlier file of the same run, is skipped
as a duplicate whatever its name. Uploads never overwrite an object
(--if-generation-match=0): a name taken by other content fails.

Names come from the Terraform outputs (landing_bucket, sources);
LANDFALL_TF_OUTPUTS=<file> reads them from a `terraform output -json` file.

Exit status: 0 all uploaded or skipped; 1 some upload failed;
2 bad arguments or input (unknown source, unreadable or non-CSV file):
nothing was uploaded.
EOF
}

main() {
  local dry_run=0 forced_source=""
  local -a args=()
  while (($#)); do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --dry-run) dry_run=1 ;;
      --source) [[ -n "${2:-}" ]] || die "--source needs a value"; forced_source="$2"; shift ;;
      --source=*) forced_source="${1#--source=}" ;;
      --) shift; args+=("$@"); break ;;
      -*) die "unknown option '$1' (see --help)" ;;
      *) args+=("$1") ;;
    esac
    shift
  done
  ((${#args[@]})) || { usage >&2; exit "${EXIT_USAGE}"; }

  require_cmd gcloud "https://cloud.google.com/sdk/docs/install"
  load_tf_outputs
  local bucket
  bucket="$(tf_bucket landing_bucket)"
  local -a sources=()
  local source_lines
  source_lines="$(tf_sources)"
  mapfile -t sources <<<"${source_lines}"

  if [[ -n "${forced_source}" ]] && ! contains_word "${forced_source}" "${sources[@]}"; then
    die "unknown source '${forced_source}'; known sources: ${sources[*]}"
  fi

  # 1. Check every input before touching the bucket: all or nothing.
  FILES=()
  INPUT_ERRORS=()
  local arg path problem src
  for arg in "${args[@]}"; do
    collect_files "${arg}"
  done
  local -a file_sources=() dest_names=()
  local -A planned_names=()
  for path in "${FILES[@]}"; do
    problem="$(file_problem "${path}")"
    if [[ -n "${problem}" ]]; then
      INPUT_ERRORS+=("${path}: ${problem}")
      file_sources+=("")
      dest_names+=("")
      continue
    fi
    src="$(source_of "${path}" "${forced_source}" "${sources[@]}")"
    if [[ -z "${src}" ]]; then
      INPUT_ERRORS+=("${path}: cannot tell its source from its folder or name prefix;\
 use --source (known sources: ${sources[*]})")
    fi
    file_sources+=("${src}")
    dest_names+=("${src}/$(basename -- "${path}")")
  done
  if ((${#INPUT_ERRORS[@]})); then
    for problem in "${INPUT_ERRORS[@]}"; do
      err "${problem}"
    done
    die "nothing was uploaded: fix the ${#INPUT_ERRORS[@]} problem(s) above"
  fi

  WORK_DIR="$(mktemp -d)"
  trap 'rm -rf -- "${WORK_DIR}"' EXIT

  # 2. Hash every file, then look at what the bucket already holds.
  local -a hashes=()
  for path in "${FILES[@]}"; do
    hashes+=("$(sha256_of "${path}")")
  done
  # Into a file first: a failed listing must stop the run, which a process
  # substitution would hide (and every file would then look new).
  list_bucket "${bucket}" >"${WORK_DIR}/objects.tsv"
  local -A object_by_hash=() hash_by_name=()
  local name sum
  while IFS=$'\t' read -r name sum; do
    hash_by_name["${name}"]="${sum}"
    [[ -z "${sum}" || -n "${object_by_hash[${sum}]:-}" ]] || object_by_hash["${sum}"]="${name}"
  done <"${WORK_DIR}/objects.tsv"

  # 3. Same content under two names in this run: a clash of names is an input
  #    error; a repeated content is a duplicate (first one wins).
  local i j
  for ((i = 0; i < ${#FILES[@]}; i++)); do
    j="${planned_names[${dest_names[i]}]:-}"
    if [[ -n "${j}" && "${hashes[j]}" != "${hashes[i]}" ]]; then
      INPUT_ERRORS+=("${FILES[j]} and ${FILES[i]} would both be ${dest_names[i]}\
 with different content; rename one")
    fi
    planned_names["${dest_names[i]}"]="${i}"
  done
  if ((${#INPUT_ERRORS[@]})); then
    for problem in "${INPUT_ERRORS[@]}"; do
      err "${problem}"
    done
    die "nothing was uploaded: fix the ${#INPUT_ERRORS[@]} problem(s) above"
  fi

  # 4. Upload (or say what would be done).
  local uploaded=0 skipped=0 failed=0 dest reason
  local -A seen_hash=()
  local up="uploaded" skip="skipped " fail="failed  "
  ((dry_run)) && { up="would upload"; skip="would skip"; fail="would fail"; }
  for ((i = 0; i < ${#FILES[@]}; i++)); do
    path="${FILES[i]}"
    sum="${hashes[i]}"
    dest="gs://${bucket}/${dest_names[i]}"
    if [[ -n "${object_by_hash[${sum}]:-}" ]]; then
      printf '%s %s: duplicate of gs://%s/%s\n' "${skip}" "${path}" "${bucket}" "${object_by_hash[${sum}]}"
      skipped=$((skipped + 1))
      continue
    fi
    if [[ -n "${seen_hash[${sum}]:-}" ]]; then
      printf '%s %s: duplicate of %s in this run\n' "${skip}" "${path}" "${seen_hash[${sum}]}"
      skipped=$((skipped + 1))
      continue
    fi
    if [[ -n "${hash_by_name[${dest_names[i]}]+set}" ]]; then
      reason="an object with this name but other content exists (not overwritten)"
    elif ((dry_run)); then
      reason=""
    elif reason="$(upload_one "${path}" "${dest}" "${sum}")"; then
      reason=""
    else
      reason="${reason:-gcloud storage cp failed}"
    fi
    if [[ -n "${reason}" ]]; then
      printf '%s %s -> %s: %s\n' "${fail}" "${path}" "${dest}" "${reason}"
      failed=$((failed + 1))
    else
      printf '%s %s -> %s\n' "${up}" "${path}" "${dest}"
      uploaded=$((uploaded + 1))
      seen_hash["${sum}"]="${path}"
    fi
  done

  if ((dry_run)); then
    printf 'Dry run, nothing uploaded: %d to upload, %d skipped as duplicate, %d would fail\n' \
      "${uploaded}" "${skipped}" "${failed}"
  else
    printf 'Summary: %d uploaded, %d skipped as duplicate, %d failed\n' \
      "${uploaded}" "${skipped}" "${failed}"
  fi
  ((failed == 0)) || exit "${EXIT_FAILED}"
}

main "$@"
