# shellcheck shell=bash
# Tests of scripts/erase_customer.sh: the Java command it runs on Google Cloud
# (--project) with --dry-run, with a fake java on PATH that records its
# arguments and whether it got the customer id from the environment; the local
# engine path is covered end to end by EraseCommandTest.
# Globals from run.sh: REPO, TEST_TMP, FAKE_LOG.

# A fake java (recording its arguments and LANDFALL_ERASE_CUSTOMER_ID) and a
# built jar, so the script neither builds nor reaches BigQuery.
fake_java() {
  mkdir -p "${TEST_TMP}/bin" "${REPO}/target"
  echo "fake jar" >"${REPO}/target/landfall-bundled.jar"
  cat >"${TEST_TMP}/bin/java" <<'EOF_JAVA'
#!/usr/bin/env bash
printf 'java%s\n' "$(printf ' %q' "$@")" >>"${FAKE_LOG:?}"
printf 'env LANDFALL_ERASE_CUSTOMER_ID=%s\n' "${LANDFALL_ERASE_CUSTOMER_ID:-}" >>"${FAKE_LOG}"
echo "erase: dry run: nothing changed."
EOF_JAVA
  chmod +x "${TEST_TMP}/bin/java"
  export PATH="${TEST_TMP}/bin:${PATH}"
  export LANDFALL_TF_OUTPUTS="${FAKE_TF_OUTPUTS}"
  cp "${REPO_ROOT}/terraform/config.yaml" "${REPO}/terraform/config.yaml"
}

test_erase_cloudDryRun_runsEraseCommandWithTheLandingBucket() {
  fake_java
  run_script erase_customer.sh --customer-id 'C 0042' --request-id REQ-7 --dry-run --project test-project
  assert_status 0
  local call
  call="$(calls java)"
  assert_contains "${call}" "dev.landfall.erasure.EraseCommand"
  assert_contains "${call}" "--request-id REQ-7 --project test-project --landing gs://test-project-landfall-landing --dry-run"
  assert_contains "${call}" "--config ${REPO}/terraform/config.yaml"
  assert_not_contains "${call}" "C 0042" "the id is never on a command line"
  assert_not_contains "${call}" "--endpoint" "Google Cloud: no local endpoint"
  assert_eq "env LANDFALL_ERASE_CUSTOMER_ID=C 0042" "$(calls env)" "the id goes in the environment"
  assert_contains "${OUT}" "dry run: nothing changed"
  assert_eq "" "$(calls gcloud)" "no gcloud call: Java reaches BigQuery and Cloud Storage itself"
}

test_erase_withoutDryRun_passesNoDryRunFlag() {
  fake_java
  run_script erase_customer.sh --customer-id C0042 --request-id REQ-8 --project test-project
  assert_status 0
  assert_not_contains "$(calls java)" "--dry-run"
}

test_erase_landingCopiesDryRun_runsTheSweepWithoutAnIdOrARequest() {
  fake_java
  run_script erase_customer.sh --landing-copies --dry-run --project test-project
  assert_status 0
  local call
  call="$(calls java)"
  assert_contains "${call}" "dev.landfall.erasure.EraseCommand --config ${REPO}/terraform/config.yaml"
  assert_contains "${call}" "--landing-copies --project test-project --landing gs://test-project-landfall-landing --dry-run"
  assert_not_contains "${call}" "--request-id" "the sweep covers every request"
  assert_eq "env LANDFALL_ERASE_CUSTOMER_ID=" "$(calls env)" "no customer id, not even in the environment"
  assert_eq "" "$(calls gcloud)" "no gcloud call: Java reaches BigQuery and Cloud Storage itself"
}

test_erase_landingCopiesWithoutDryRun_passesNoDryRunFlag() {
  fake_java
  run_script erase_customer.sh --landing-copies --project test-project
  assert_status 0
  assert_contains "$(calls java)" "--landing-copies --project test-project"
  assert_not_contains "$(calls java)" "--dry-run"
}

test_erase_landingCopiesWithAnIdOrRequest_exitTwo() {
  fake_java
  run_script erase_customer.sh --landing-copies --request-id REQ-1 --project test-project
  assert_status 2
  assert_contains "${ERR}" "give no --customer-id or --request-id"
  run_script erase_customer.sh --landing-copies --customer-id C1 --project test-project
  assert_status 2
  assert_contains "${ERR}" "give no --customer-id or --request-id"
  run_script erase_customer.sh --landing-copies
  assert_status 2
  assert_contains "${ERR}" "give --project P (Google Cloud), or --keep-state DIR and --data DIR"
  assert_eq "" "$(calls java)" "nothing ran"
}

test_erase_badArguments_exitTwoAndRunNothing() {
  fake_java
  run_script erase_customer.sh --request-id REQ-1 --project test-project
  assert_status 2
  assert_contains "${ERR}" "--customer-id is required"
  run_script erase_customer.sh --customer-id C1 --request-id 'REQ "1"' --project test-project
  assert_status 2
  assert_contains "${ERR}" "--request-id must be"
  run_script erase_customer.sh --customer-id C1 --request-id REQ-1
  assert_status 2
  assert_contains "${ERR}" "give --project P (Google Cloud), or --keep-state DIR and --data DIR"
  run_script erase_customer.sh --customer-id C1 --request-id REQ-1 --project p --data "${TEST_TMP}"
  assert_status 2
  assert_contains "${ERR}" "not both"
  run_script erase_customer.sh --customer-id C1 --request-id REQ-1 --keep-state "${TEST_TMP}/none" --data "${TEST_TMP}"
  assert_status 2
  assert_contains "${ERR}" "no such engine state folder"
  assert_eq "" "$(calls java)" "nothing ran"
}
