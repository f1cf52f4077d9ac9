# shellcheck shell=bash
# Replays every gcloud call the scripts make through the real Cloud SDK, in a
# network namespace with no network (`unshare -n`): nothing can leave the
# machine, the calls fail for want of credentials, but gcloud parses them
# first, and a misspelt flag or bad value exits 2 (argparse).
# Globals from run.sh: REPO, TEST_TMP, FAKE_LOG, ORIGINAL_PATH.

test_realGcloud_acceptsEveryRecordedCall() {
  local real
  real="$(PATH="${ORIGINAL_PATH}" command -v gcloud || true)"
  [[ -n "${real}" ]] || skip "no Cloud SDK on PATH"
  unshare -n true 2>/dev/null || skip "cannot make a network namespace (unshare -n needs root)"
  make_file customers/a.csv $'customer_id\n1\n'
  run_script upload_files.sh customers/a.csv
  assert_status 0
  run_script run_dataflow.sh --source customers --size small --input 'gs://x/{a,b}/*.csv' \
    -- reprocess=true
  assert_status 0
  mkdir -p "${REPO}/target" && echo jar >"${REPO}/target/landfall-bundled.jar"
  run_script build_template.sh --skip-maven --tag v1
  assert_status 0

  local line status count=0
  local -a args
  while IFS= read -r line; do
    # The fake logs each call shell-quoted (printf %q): eval rebuilds the words.
    eval "args=(${line#gcloud })"
    status=0
    env CLOUDSDK_CONFIG="${TEST_TMP}/gcloud-config" CLOUDSDK_CORE_DISABLE_PROMPTS=1 \
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=1 CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=1 \
      CLOUDSDK_CORE_CHECK_GCE_METADATA=false \
      timeout 120 unshare -n "${real}" "${args[@]}" >/dev/null 2>"${TEST_TMP}/real.err" || status=$?
    if ((status == 2 || status == 124)); then
      fail "real gcloud rejected: ${line}"
      sed 's/^/      /' "${TEST_TMP}/real.err"
    fi
    count=$((count + 1))
  done < <(calls gcloud)
  assert_eq 5 "${count}" "calls replayed (list, cp, run, builds submit, template build)"
}
