# shellcheck shell=bash
# Tests of scripts/upload_files.sh against the fake gcloud's local buckets.
# Globals from run.sh: REPO, TEST_TMP, FAKE_LOG, FAKE_GCS_DIR, LANDING.

# The custom metadata the fake stored for an object.
stored_sha256() {
  jq -r '.metadata.sha256 // ""' "${FAKE_GCS_DIR}/.meta/${LANDING}/$1.json" 2>/dev/null
}

test_upload_folderSource_uploadsWithPreconditionAndHash() {
  make_file customers/2026-11-01.csv $'customer_id,email\n1,a@example.com\n'
  local hash
  hash="$(sha256_hex customers/2026-11-01.csv)"

  run_script upload_files.sh customers/2026-11-01.csv

  assert_status 0
  assert_eq "gcloud storage objects list gs://${LANDING}/\\*\\* --raw --format=json
gcloud storage cp --if-generation-match=0 --custom-metadata=sha256=${hash} --content-type=text/csv customers/2026-11-01.csv gs://${LANDING}/customers/2026-11-01.csv" \
    "$(calls gcloud)" "gcloud calls"
  assert_eq "$(cat customers/2026-11-01.csv)" "$(cat "${FAKE_GCS_DIR}/${LANDING}/customers/2026-11-01.csv")" "object content"
  assert_eq "${hash}" "$(stored_sha256 customers/2026-11-01.csv)" "sha256 metadata"
  assert_contains "${OUT}" "uploaded customers/2026-11-01.csv -> gs://${LANDING}/customers/2026-11-01.csv"
  assert_contains "${OUT}" "Summary: 1 uploaded, 0 skipped as duplicate, 0 failed"
}

test_upload_prefixSource_usesLongestKnownSource() {
  make_file in/customers_2026-11-01.csv $'customer_id\n1\n'
  make_file in/card_transactions_2026-11-01.csv $'transaction_id\n9\n'
  make_file in/transactions_2026-11-01.csv $'transaction_id\n8\n'

  run_script upload_files.sh in/customers_2026-11-01.csv in/card_transactions_2026-11-01.csv \
    in/transactions_2026-11-01.csv

  assert_status 0
  assert_eq "3" "$(calls 'gcloud storage cp' | wc -l | tr -d ' ')" "uploads"
  assert_contains "${OUT}" "-> gs://${LANDING}/customers/customers_2026-11-01.csv"
  assert_contains "${OUT}" "-> gs://${LANDING}/card_transactions/card_transactions_2026-11-01.csv"
  assert_contains "${OUT}" "-> gs://${LANDING}/transactions/transactions_2026-11-01.csv"
}

test_upload_sourceOption_overridesFolderAndPrefix() {
  make_file customers/customers_x.csv $'transaction_id\n1\n'

  run_script upload_files.sh --source transactions customers/customers_x.csv

  assert_status 0
  assert_contains "${OUT}" "-> gs://${LANDING}/transactions/customers_x.csv"
  [[ -f "${FAKE_GCS_DIR}/${LANDING}/transactions/customers_x.csv" ]] || fail "object not under transactions/"
}

test_upload_sameContentOtherName_isSkipped() {
  make_file old/customers_2026-10-01.csv $'customer_id\n1\n'
  run_script upload_files.sh old/customers_2026-10-01.csv
  assert_status 0
  : >"${FAKE_LOG}"
  make_file customers/renamed.csv $'customer_id\n1\n'

  run_script upload_files.sh customers/renamed.csv

  assert_status 0
  assert_eq "" "$(calls 'gcloud storage cp')" "no upload"
  assert_contains "${OUT}" "skipped  customers/renamed.csv: duplicate of gs://${LANDING}/customers/customers_2026-10-01.csv"
  assert_contains "${OUT}" "Summary: 0 uploaded, 1 skipped as duplicate, 0 failed"
  [[ ! -e "${FAKE_GCS_DIR}/${LANDING}/customers/renamed.csv" ]] || fail "duplicate was uploaded"
}

test_upload_rerun_uploadsNothing() {
  make_file data/customers/a.csv $'customer_id\n1\n'
  make_file data/transactions/b.csv $'transaction_id\n2\n'
  make_file data/README.txt "not a csv in a folder: ignored"
  run_script upload_files.sh data
  assert_status 0
  assert_contains "${OUT}" "Summary: 2 uploaded, 0 skipped as duplicate, 0 failed"
  : >"${FAKE_LOG}"

  run_script upload_files.sh data

  assert_status 0
  assert_eq "" "$(calls 'gcloud storage cp')" "no upload on rerun"
  assert_contains "${OUT}" "Summary: 0 uploaded, 2 skipped as duplicate, 0 failed"
}

test_upload_duplicateWithinRun_uploadedOnce() {
  make_file customers/a.csv $'customer_id\n1\n'
  make_file customers/b.csv $'customer_id\n1\n'

  run_script upload_files.sh customers/a.csv customers/b.csv

  assert_status 0
  assert_eq "1" "$(calls 'gcloud storage cp' | wc -l | tr -d ' ')" "uploads"
  assert_contains "${OUT}" "skipped  customers/b.csv: duplicate of customers/a.csv in this run"
  assert_contains "${OUT}" "Summary: 1 uploaded, 1 skipped as duplicate, 0 failed"
}

test_upload_nameTakenByOtherContent_failsWithoutOverwrite() {
  make_file first/customers/a.csv $'customer_id\n1\n'
  run_script upload_files.sh first/customers/a.csv
  make_file customers/a.csv $'customer_id\n2\n'
  make_file customers/c.csv $'customer_id\n3\n'
  : >"${FAKE_LOG}"

  run_script upload_files.sh customers/a.csv customers/c.csv

  assert_status 1
  assert_contains "${OUT}" "failed   customers/a.csv -> gs://${LANDING}/customers/a.csv: an object with this name but other content exists (not overwritten)"
  assert_contains "${OUT}" "uploaded customers/c.csv"
  assert_contains "${OUT}" "Summary: 1 uploaded, 0 skipped as duplicate, 1 failed"
  assert_eq $'customer_id\n1' "$(cat "${FAKE_GCS_DIR}/${LANDING}/customers/a.csv")" "object kept"
}

test_upload_racingWriter_preconditionStopsOverwrite() {
  make_file first/customers/a.csv $'customer_id\n1\n'
  run_script upload_files.sh first/customers/a.csv
  make_file customers/a.csv $'customer_id\n2\n'
  # The listing misses the object, as if another writer created it meanwhile:
  # only the generation precondition on the upload protects it.
  export FAKE_LIST_HIDE=1

  run_script upload_files.sh customers/a.csv

  assert_status 1
  assert_contains "$(calls 'gcloud storage cp' | tail -n 1)" "--if-generation-match=0"
  assert_contains "${OUT}" "failed   customers/a.csv -> gs://${LANDING}/customers/a.csv: an object with this name already exists (not overwritten)"
  assert_contains "${OUT}" "Summary: 0 uploaded, 0 skipped as duplicate, 1 failed"
  assert_eq $'customer_id\n1' "$(cat "${FAKE_GCS_DIR}/${LANDING}/customers/a.csv")" "object kept"
}

test_upload_transientFailure_reportedOthersUploaded() {
  make_file customers/a.csv $'customer_id\n1\n'
  make_file customers/b.csv $'customer_id\n2\n'
  export FAKE_CP_FAIL="customers/a.csv"

  run_script upload_files.sh customers/a.csv customers/b.csv

  assert_status 1
  assert_contains "${OUT}" "failed   customers/a.csv -> gs://${LANDING}/customers/a.csv: (gcloud.storage.cp) HTTPError 503: Service Unavailable"
  assert_contains "${OUT}" "Summary: 1 uploaded, 0 skipped as duplicate, 1 failed"
  unset FAKE_CP_FAIL
  : >"${FAKE_LOG}"
  run_script upload_files.sh customers/a.csv customers/b.csv
  assert_status 0
  assert_contains "${OUT}" "Summary: 1 uploaded, 1 skipped as duplicate, 0 failed"
}

test_upload_dryRun_uploadsNothing() {
  make_file customers/a.csv $'customer_id\n1\n'
  make_file customers/b.csv $'customer_id\n1\n'

  run_script upload_files.sh --dry-run customers/a.csv customers/b.csv

  assert_status 0
  assert_eq "gcloud storage objects list gs://${LANDING}/\\*\\* --raw --format=json" "$(calls gcloud)" "only the listing"
  assert_contains "${OUT}" "would upload customers/a.csv -> gs://${LANDING}/customers/a.csv"
  assert_contains "${OUT}" "would skip customers/b.csv: duplicate of customers/a.csv in this run"
  assert_contains "${OUT}" "Dry run, nothing uploaded: 1 to upload, 1 skipped as duplicate, 0 would fail"
  assert_eq "" "$(find "${FAKE_GCS_DIR}/${LANDING}" -type f)" "bucket unchanged"
}

test_upload_unknownSource_errorsBeforeAnyCall() {
  make_file customers/a.csv $'customer_id\n1\n'

  run_script upload_files.sh --source nope customers/a.csv

  assert_status 2
  assert_contains "${ERR}" "unknown source 'nope'; known sources: customers transactions card_transactions"
  assert_eq "" "$(calls gcloud)" "no gcloud call"
}

test_upload_badInputs_allReportedNothingUploaded() {
  make_file customers/good.csv $'customer_id\n1\n'
  make_file customers/notes.txt "hello"
  make_file misc/orphan.csv $'a\n1\n'
  make_file 'customers/bad[1].csv' $'customer_id\n2\n'
  mkdir -p empty

  run_script upload_files.sh customers/good.csv customers/notes.txt misc/orphan.csv \
    'customers/bad[1].csv' missing.csv empty

  assert_status 2
  assert_contains "${ERR}" "customers/notes.txt: not a CSV file"
  assert_contains "${ERR}" "misc/orphan.csv: cannot tell its source"
  assert_contains "${ERR}" "customers/bad[1].csv: the name has a wildcard"
  assert_contains "${ERR}" "missing.csv: no such file or folder"
  assert_contains "${ERR}" "empty: folder holds no .csv file"
  assert_contains "${ERR}" "nothing was uploaded: fix the 5 problem(s) above"
  assert_eq "" "$(calls 'gcloud storage cp')" "no upload"
  assert_eq "" "$(find "${FAKE_GCS_DIR}/${LANDING}" -type f)" "bucket unchanged"
}

test_upload_unreadableFile_errors() {
  make_file customers/locked.csv $'customer_id\n1\n'
  chmod 000 customers/locked.csv
  if head -c 1 customers/locked.csv >/dev/null 2>&1; then
    # root reads anything: a folder named like a CSV is unreadable as a file.
    rm -f customers/locked.csv
    mkdir -p customers/locked.csv/inner
  fi

  run_script upload_files.sh customers/locked.csv

  assert_status 2
  assert_matches "${ERR}" "customers/locked.csv(: cannot be read|: folder holds no .csv file)"
  assert_eq "" "$(calls 'gcloud storage cp')" "no upload"
}

test_upload_nameClashInRun_errors() {
  make_file a/customers/x.csv $'customer_id\n1\n'
  make_file b/customers/x.csv $'customer_id\n2\n'

  run_script upload_files.sh a/customers/x.csv b/customers/x.csv

  assert_status 2
  assert_contains "${ERR}" "would both be customers/x.csv with different content"
  assert_eq "" "$(calls 'gcloud storage cp')" "no upload"
}

test_upload_outputsFromFile_noTerraformCall() {
  make_file customers/a.csv $'customer_id\n1\n'
  # A plain {"name": value} file works as well as `terraform output -json`.
  jq 'map_values(.value)' "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/plain.json"
  export LANDFALL_TF_OUTPUTS="${TEST_TMP}/plain.json"

  run_script upload_files.sh customers/a.csv

  assert_status 0
  assert_eq "" "$(calls terraform)" "terraform not called"
  assert_contains "${OUT}" "uploaded customers/a.csv"
}

test_upload_terraformOutputs_readFromRepoTerraformFolder() {
  make_file customers/a.csv $'customer_id\n1\n'

  run_script upload_files.sh customers/a.csv

  assert_eq "terraform -chdir=${REPO}/terraform output -json" "$(calls terraform)" "terraform call"
}

test_upload_missingOutput_namesIt() {
  make_file customers/a.csv $'customer_id\n1\n'
  jq 'del(.landing_bucket)' "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/partial.json"
  export LANDFALL_TF_OUTPUTS="${TEST_TMP}/partial.json"

  run_script upload_files.sh customers/a.csv

  assert_status 2
  assert_contains "${ERR}" "Terraform output 'landing_bucket' is missing"
  assert_eq "" "$(calls gcloud)" "no gcloud call"
}

test_upload_noArguments_printsUsage() {
  run_script upload_files.sh
  assert_status 2
  assert_contains "${ERR}" "Usage: scripts/upload_files.sh"
}

test_upload_listingFails_stopsBeforeUploading() {
  make_file customers/a.csv $'customer_id\n1\n'
  rmdir "${FAKE_GCS_DIR}/${LANDING}" # the fake answers 404, as for a missing bucket

  run_script upload_files.sh customers/a.csv

  assert_status 2
  assert_contains "${ERR}" "could not list gs://${LANDING}"
  assert_eq "" "$(calls 'gcloud storage cp')" "no upload without the dedupe listing"
  assert_not_contains "${OUT}" "Summary"
}

test_upload_noncurrentVersionOnly_isNotADuplicate() {
  make_file customers/a.csv $'customer_id\n1\n'
  # A deleted object of a versioned bucket: listed, but no longer a live file.
  make_file "${FAKE_GCS_DIR}/${LANDING}/customers/old.csv" $'customer_id\n1\n'
  make_file "${FAKE_GCS_DIR}/.meta/${LANDING}/customers/old.csv.json" \
    "{\"generation\": \"7\", \"timeDeleted\": \"2026-11-01T00:00:00Z\", \"metadata\": {\"sha256\": \"$(sha256_hex customers/a.csv)\"}}"

  run_script upload_files.sh customers/a.csv

  assert_status 0
  assert_contains "${OUT}" "Summary: 1 uploaded, 0 skipped as duplicate, 0 failed"
}

test_upload_transientFailure_fileNameWith412_notReportedAsExisting() {
  make_file customers/customers_20241201.csv $'customer_id\n1\n'
  export FAKE_CP_FAIL="20241201"

  run_script upload_files.sh customers/customers_20241201.csv

  assert_status 1
  assert_contains "${OUT}" "HTTPError 503: Service Unavailable"
  assert_not_contains "${OUT}" "already exists"
}
