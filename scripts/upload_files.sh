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
  # From stdin: sha256sum escapes odd file names in its output.
  if command -v sha256sum >/dev/null 2>&1; then
    sum="$(sha256sum <"$1")"
  else
    sum="$(shasum -a 256 <"$1")"
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
  # Only the error line: a file name such as x_20241201.csv holds "412" too.
  if grep -iE '^ERROR' "${errors}" | grep -qiE 'HTTPError 412|pre-?condition'; then
    echo "an object with this name already exists (not overwritten)"
  else
    grep -v '^[[:space:]]*$' "${errors}" | tail -n 1 | sed 's/^ERROR: *//' || true
  fi
  return 1
}

#######################################
# Checks every argument; fills FILES, DEST_NAMES (<source>/<file name>) and
# HASHES, or INPUT_ERRORS. Nothing is uploaded unless all files pass.
# Arguments: --source value (may be empty), then the FILE|DIR arguments.
# Globals: SOURCES (read); FILES, DEST_NAMES, HASHES, INPUT_ERRORS (set).
#######################################
check_inputs() {
  local forced="$1" path problem src dest i j
  shift
  FILES=() DEST_NAMES=() HASHES=() INPUT_ERRORS=()
  for path in "$@"; do
    collect_files "${path}"
  done
  local -A index_by_dest=()
  for ((i = 0; i < ${#FILES[@]}; i++)); do
    path="${FILES[i]}"
    problem="$(file_problem "${path}")"
    src=""
    [[ -n "${problem}" ]] || src="$(source_of "${path}" "${forced}" "${SOURCES[@]}")"
    if [[ -z "${problem}" && -z "${src}" ]]; then
      problem="cannot tell its source from its folder or name prefix; use --source\
 (known sources: ${SOURCES[*]})"
    fi
    if [[ -n "${problem}" ]]; then
      INPUT_ERRORS+=("${path}: ${problem}")
      DEST_NAMES+=("") HASHES+=("")
      continue
    fi
    dest="${src}/$(basename -- "${path}")"
    DEST_NAMES+=("${dest}")
    HASHES+=("$(sha256_of "${path}")")
    # The same name twice is fine for the same content (a duplicate), not
    # for other content: the second upload could only fail.
    j="${index_by_dest[${dest}]:-}"
    if [[ -n "${j}" && "${HASHES[j]}" != "${HASHES[i]}" ]]; then
      INPUT_ERRORS+=("${FILES[j]} and ${path} would both be ${dest} with different content; rename one")
    fi
    index_by_dest["${dest}"]="${i}"
  done
}

#######################################
# Reads what the landing bucket holds into OBJECT_BY_HASH (sha256 -> name)
# and HASH_BY_NAME (name -> sha256 or "").
# Arguments: bucket name. Globals: WORK_DIR.
#######################################
index_bucket() {
  local name sum
  # Into a file first: a failed listing must stop the run, which a process
  # substitution would hide (and every file would then look new).
  list_bucket "$1" >"${WORK_DIR}/objects.tsv"
  declare -gA OBJECT_BY_HASH=() HASH_BY_NAME=()
  while IFS=$'\t' read -r name sum; do
    HASH_BY_NAME["${name}"]="${sum}"
    [[ -z "${sum}" || -n "${OBJECT_BY_HASH[${sum}]:-}" ]] || OBJECT_BY_HASH["${sum}"]="${name}"
  done <"${WORK_DIR}/objects.tsv"
}

#######################################
# Uploads each checked file unless its content is already there; prints a
# line per file and the summary. Returns non-zero when an upload failed.
# Arguments: bucket name, dry run (0/1).
# Globals: FILES, DEST_NAMES, HASHES, OBJECT_BY_HASH, HASH_BY_NAME.
#######################################
upload_all() {
  local bucket="$1" dry_run="$2"
  local uploaded=0 skipped=0 failed=0 i path sum dest reason
  local -A seen_hash=()
  local up="uploaded" skip="skipped " fail="failed  "
  ((dry_run)) && { up="would upload"; skip="would skip"; fail="would fail"; }
  for ((i = 0; i < ${#FILES[@]}; i++)); do
    path="${FILES[i]}"
    sum="${HASHES[i]}"
    dest="gs://${bucket}/${DEST_NAMES[i]}"
    if [[ -n "${OBJECT_BY_HASH[${sum}]:-}" ]]; then
      printf '%s %s: duplicate of gs://%s/%s\n' "${skip}" "${path}" "${bucket}" "${OBJECT_BY_HASH[${sum}]}"
      skipped=$((skipped + 1))
      continue
    fi
    if [[ -n "${seen_hash[${sum}]:-}" ]]; then
      printf '%s %s: duplicate of %s in this run\n' "${skip}" "${path}" "${seen_hash[${sum}]}"
      skipped=$((skipped + 1))
      continue
    fi
    if [[ -n "${HASH_BY_NAME[${DEST_NAMES[i]}]+set}" ]]; then
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
  ((failed == 0))
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
  local bucket source_lines
  bucket="$(tf_bucket landing_bucket)"
  source_lines="$(tf_sources)"
  mapfile -t SOURCES <<<"${source_lines}"
  if [[ -n "${forced_source}" ]] && ! contains_word "${forced_source}" "${SOURCES[@]}"; then
    die "unknown source '${forced_source}'; known sources: ${SOURCES[*]}"
  fi

  check_inputs "${forced_source}" "${args[@]}"
  if ((${#INPUT_ERRORS[@]})); then
    local problem
    for problem in "${INPUT_ERRORS[@]}"; do
      err "${problem}"
    done
    die "nothing was uploaded: fix the ${#INPUT_ERRORS[@]} problem(s) above"
  fi

  WORK_DIR="$(mktemp -d)"
  trap 'rm -rf -- "${WORK_DIR}"' EXIT
  index_bucket "${bucket}"
  upload_all "${bucket}" "${dry_run}" || exit "${EXIT_FAILED}"
}

main "$@"
