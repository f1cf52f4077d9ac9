# shellcheck shell=bash
# Tests of scripts/run_dataflow.sh: the exact launch command per size preset.
# Globals from run.sh: REPO, TEST_TMP, FAKE_LOG.

# The recorded launch with the job name's UTC timestamp replaced by TS.
launch_call() {
  calls 'gcloud dataflow flex-template run' | sed -E 's/-[0-9]{8}-[0-9]{6} /-TS /'
}

# The launch command expected for a source and preset (fixture outputs).
expected_launch() { # source machine num max [extra --parameters flags]
  local source="$1" machine="$2" num="$3" max="$4"
  shift 4
  local out="gcloud dataflow flex-template run landfall-${source//_/-}-TS \
--project=test-project --region=europe-west2 \
--template-file-gcs-location=gs://test-project-landfall-templates/templates/landfall.json \
--service-account-email=landfall-dataflow@test-project.iam.gserviceaccount.com \
--staging-location=gs://test-project-landfall-dataflow/staging \
--temp-location=gs://test-project-landfall-dataflow/temp \
--worker-machine-type=${machine} --num-workers=${num} --max-workers=${max} \
--parameters=inputFilePattern=gs://test-project-landfall-landing/${source}/\\*.csv \
--parameters=source=${source} \
--parameters=outputTable=test-project:lake.raw_records \
--parameters=ledgerTable=test-project:lake.landed_files"
  local flag
  for flag in "$@"; do
    out+=" ${flag}"
  done
  printf '%s %s\n' "${out}" "--format=value\\(job.id\\)"
}

test_run_smallPreset_exactCommand() {
  run_script run_dataflow.sh --source customers --size small
  assert_status 0
  assert_eq "$(expected_launch customers e2-standard-2 1 2)" "$(launch_call)"
}

test_run_mediumPreset_exactCommand() {
  run_script run_dataflow.sh --source transactions --size medium
  assert_status 0
  assert_eq "$(expected_launch transactions e2-standard-4 2 10)" "$(launch_call)"
}

test_run_largePreset_exactCommand() {
  run_script run_dataflow.sh --source=customers --size=large
  assert_status 0
  assert_eq "$(expected_launch customers n2-standard-8 4 50)" "$(launch_call)"
}

test_run_jobName_utcTimestampAndValidCharacters() {
  run_script run_dataflow.sh --source card_transactions --size small
  assert_status 0
  local name
  name="$(calls 'gcloud dataflow flex-template run' | awk '{print $5}')"
  assert_matches "${name}" '^landfall-card-transactions-[0-9]{8}-[0-9]{6}$' "job name"
  assert_contains "$(launch_call)" "--parameters=source=card_transactions"
}

test_run_printsJobIdAndConsoleLink() {
  run_script run_dataflow.sh --source customers --size small
  assert_status 0
  assert_contains "${OUT}" "Job id: 2026-11-27_01_02_03-1234567890"
  assert_contains "${OUT}" "Console: https://console.cloud.google.com/dataflow/jobs/europe-west2/2026-11-27_01_02_03-1234567890?project=test-project"
}

test_run_inputAndExtraParameters_passedThrough() {
  run_script run_dataflow.sh --source customers --size small \
    --input 'gs://elsewhere/{a,b}/*.csv' -- reprocess=true --writeMethod=STORAGE_WRITE_API \
    ledgerTable=p:l.other

  assert_status 0
  local call
  call="$(launch_call)"
  # The glob holds a comma, which gcloud would split on: another delimiter.
  assert_contains "${call}" "--parameters=\\^~\\^inputFilePattern=gs://elsewhere/\\{a\\,b\\}/\\*.csv"
  assert_contains "${call}" "--parameters=ledgerTable=p:l.other --parameters=reprocess=true --parameters=writeMethod=STORAGE_WRITE_API"
  assert_not_contains "${call}" "lake.landed_files"
}

test_run_dryRun_printsCommandOnly() {
  run_script run_dataflow.sh --source customers --size medium --dry-run
  assert_status 0
  assert_eq "" "$(calls gcloud)" "no gcloud call"
  local printed
  printed="$(sed -n 2p <<<"${OUT}" | sed -E 's/-[0-9]{8}-[0-9]{6} /-TS /')"
  assert_eq "$(expected_launch customers e2-standard-4 2 10)" "${printed}" "printed command"
}

test_run_errors_clearAndNoLaunch() {
  run_script run_dataflow.sh --size small
  assert_status 2
  assert_contains "${ERR}" "--source is required"

  run_script run_dataflow.sh --source customers
  assert_status 2
  assert_contains "${ERR}" "--size is required"

  run_script run_dataflow.sh --source nope --size small
  assert_status 2
  assert_contains "${ERR}" "unknown source 'nope'; known sources: customers transactions card_transactions"

  run_script run_dataflow.sh --source customers --size huge
  assert_status 2
  assert_contains "${ERR}" "unknown size 'huge'; presets: large medium small"

  run_script run_dataflow.sh --source customers --size small -- source=transactions
  assert_status 2
  assert_contains "${ERR}" "parameter source is set by this script"

  run_script run_dataflow.sh --source customers --size small -- fooBar=1
  assert_status 2
  assert_contains "${ERR}" "unknown template parameter 'fooBar'"

  run_script run_dataflow.sh --source customers --size small -- reprocess
  assert_status 2
  assert_contains "${ERR}" "template parameter 'reprocess' is not NAME=VALUE"

  run_script run_dataflow.sh --source customers --size small --input /tmp/x.csv
  assert_status 2
  assert_contains "${ERR}" "--input must be a gs:// pattern"

  run_script run_dataflow.sh --source customers --size small --worker-zone=x
  assert_status 2
  assert_contains "${ERR}" "unknown argument '--worker-zone=x'"

  assert_eq "" "$(calls gcloud)" "no gcloud call"
}

test_run_launchFails_exitsNonZero() {
  export FAKE_RUN_FAIL=1
  run_script run_dataflow.sh --source customers --size small
  assert_status 1
  assert_contains "${ERR}" "PERMISSION_DENIED"
  assert_contains "${ERR}" "could not launch landfall-customers-"
}

test_run_presetFromOutputs_notHardCoded() {
  jq '.size_presets.value.small = {machine_type: "c3-standard-4", num_workers: 3, max_workers: 7}' \
    "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/outputs.json"
  export LANDFALL_TF_OUTPUTS="${TEST_TMP}/outputs.json"

  run_script run_dataflow.sh --source customers --size small

  assert_status 0
  assert_contains "$(launch_call)" "--worker-machine-type=c3-standard-4 --num-workers=3 --max-workers=7"
}

test_run_workerOptions_networkPrivateIpsAndKms() {
  jq '.dataflow_worker_options.value = {network: "bank-vpc",
      subnetwork: "regions/europe-west2/subnetworks/dataflow", private_ips: true,
      kms_key: "projects/kms-project/locations/europe-west2/keyRings/landfall/cryptoKeys/dataflow"}' \
    "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/outputs.json"
  export LANDFALL_TF_OUTPUTS="${TEST_TMP}/outputs.json"

  run_script run_dataflow.sh --source customers --size small

  assert_status 0
  assert_eq "$(expected_launch customers e2-standard-2 1 2 | sed -E 's# --parameters=# --network=bank-vpc --subnetwork=regions/europe-west2/subnetworks/dataflow --disable-public-ips --dataflow-kms-key=projects/kms-project/locations/europe-west2/keyRings/landfall/cryptoKeys/dataflow&#')" \
    "$(launch_call)"
}

test_run_workerOptions_partialOrAbsent_onlyWhatIsSet() {
  jq '.dataflow_worker_options.value.subnetwork = "https://www.googleapis.com/compute/v1/projects/host/regions/europe-west2/subnetworks/shared"' \
    "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/outputs.json"
  export LANDFALL_TF_OUTPUTS="${TEST_TMP}/outputs.json"
  run_script run_dataflow.sh --source customers --size small
  assert_status 0
  assert_contains "$(launch_call)" "--max-workers=2 --subnetwork=https://www.googleapis.com/compute/v1/projects/host/regions/europe-west2/subnetworks/shared --parameters="
  assert_not_contains "$(launch_call)" "--network="
  assert_not_contains "$(launch_call)" "--disable-public-ips"

  # An older deployment without the output launches as before.
  jq 'del(.dataflow_worker_options)' "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/outputs.json"
  run_script run_dataflow.sh --source customers --size small
  assert_status 0
  assert_eq "$(expected_launch customers e2-standard-2 1 2)" "$(launch_call | tail -n1)"
}

test_run_privacyDatasetOutput_passedAsParameter() {
  # Outputs of a deployment that names the erasure log's dataset (privacy package).
  jq '. + {privacy_dataset: {sensitive: false, type: "string", value: "test-project:privacy_eu"}}' \
    "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/outputs.json"
  export LANDFALL_TF_OUTPUTS="${TEST_TMP}/outputs.json"
  run_script run_dataflow.sh --source customers --size small
  assert_status 0
  assert_eq "$(expected_launch customers e2-standard-2 1 2 --parameters=privacyDataset=test-project:privacy_eu)" \
    "$(launch_call)"
}
