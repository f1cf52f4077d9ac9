# shellcheck shell=bash
# Tests of scripts/build_template.sh: Maven, Cloud Build, flex-template build.
# Globals from run.sh: REPO, TEST_TMP, FAKE_LOG.

readonly IMAGE="registry.invalid/test-project/landfall/landfall-template"
readonly SPEC="gs://test-project-landfall-templates/templates/landfall.json"
readonly BUILD_FLAGS="--service-account=projects/test-project/serviceAccounts/landfall-build@test-project.iam.gserviceaccount.com \
--gcs-source-staging-dir=gs://test-project-landfall-builds/source --gcs-log-dir=gs://test-project-landfall-builds/logs"

test_build_fullSequence_exactCommands() {
  run_script build_template.sh --tag v1

  assert_status 0
  assert_eq "mvn -B -f ${REPO}/pom.xml package" "$(calls mvn)" "maven call"
  local gcloud_calls
  gcloud_calls="$(calls gcloud | sed -E 's#^(gcloud builds submit )[^ ]+#\1CONTEXT#')"
  assert_eq "gcloud builds submit CONTEXT --project=test-project --region=europe-west2 --tag=${IMAGE}:v1 ${BUILD_FLAGS}
gcloud dataflow flex-template build ${SPEC} --project=test-project --image=${IMAGE}:v1 --sdk-language=JAVA --metadata-file=${REPO}/metadata.json" \
    "${gcloud_calls}" "gcloud calls"
  assert_eq $'./Dockerfile\n./metadata.json\n./target/landfall-bundled.jar' \
    "$(cat "${FAKE_LOG}.context")" "files sent to Cloud Build"
  assert_contains "${OUT}" "Template ${SPEC} now runs image ${IMAGE}:v1"
}

test_build_defaultTag_timestamp() {
  run_script build_template.sh --skip-maven --skip-tests
  assert_status 2 # no jar yet: the test repo has not been built
  assert_contains "${ERR}" "target/landfall-bundled.jar is missing"

  mkdir -p "${REPO}/target" && echo jar >"${REPO}/target/landfall-bundled.jar"
  run_script build_template.sh --skip-maven

  assert_status 0
  assert_eq "" "$(calls mvn)" "no maven call"
  assert_matches "$(calls 'gcloud builds submit')" "--tag=${IMAGE}:[0-9]{8}-[0-9]{6}( |$)" "tag"
}

test_build_skipTests_passedToMaven() {
  run_script build_template.sh --skip-tests --tag v2
  assert_status 0
  assert_eq "mvn -B -f ${REPO}/pom.xml package -DskipTests" "$(calls mvn)" "maven call"
}

test_build_dryRun_printsOnly() {
  run_script build_template.sh --dry-run --tag v3

  assert_status 0
  assert_eq "" "$(calls mvn)$(calls gcloud)" "nothing run"
  assert_eq "Dry run; would run:
mvn -B -f ${REPO}/pom.xml package
gcloud builds submit BUILD_CONTEXT --project=test-project --region=europe-west2 --tag=${IMAGE}:v3 ${BUILD_FLAGS}
gcloud dataflow flex-template build ${SPEC} --project=test-project --image=${IMAGE}:v3 --sdk-language=JAVA --metadata-file=${REPO}/metadata.json
(BUILD_CONTEXT: a temporary folder with Dockerfile, metadata.json and target/landfall-bundled.jar)" "${OUT}"
}

test_build_mavenFails_stopsBeforeCloudBuild() {
  export FAKE_MVN_FAIL=1
  run_script build_template.sh --tag v4
  assert_status 1
  assert_contains "${ERR}" "BUILD FAILURE"
  assert_eq "" "$(calls gcloud)" "no gcloud call"
}

test_build_missingInputs_clearErrors() {
  rm "${REPO}/Dockerfile"
  run_script build_template.sh --tag v5
  assert_status 2
  assert_contains "${ERR}" "Dockerfile is missing at the repository root"

  cp "${REPO}/metadata.json" "${REPO}/Dockerfile"
  echo '{}' >"${REPO}/metadata.json"
  run_script build_template.sh --tag v5
  assert_status 2
  assert_contains "${ERR}" "metadata.json is not a template metadata file"

  run_script build_template.sh --tag 'bad tag'
  assert_status 2
  assert_contains "${ERR}" "'bad tag' is not a valid image tag"
  assert_eq "" "$(calls mvn)$(calls gcloud)" "nothing run"
}

test_build_noBuildAccountOutput_refusesBeforeBuilding() {
  jq 'del(.build_service_account)' "${FAKE_TF_OUTPUTS}" >"${TEST_TMP}/outputs.json"
  export LANDFALL_TF_OUTPUTS="${TEST_TMP}/outputs.json"

  run_script build_template.sh --tag v5

  assert_status 2
  assert_contains "${ERR}" "Terraform output 'build_service_account' is missing"
  assert_eq "" "$(calls mvn)$(calls gcloud)" "nothing run"
}
