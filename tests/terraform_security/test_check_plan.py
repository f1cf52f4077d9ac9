"""Unit tests of check_plan.py: each rule finds its violation, a clean plan passes."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_plan  # noqa: E402  (imported from this folder)

SA = "serviceAccount:landfall-dataflow@p.iam.gserviceaccount.com"


def plan(*resources, child=()):
    root = {"resources": list(resources)}
    if child:
        root["child_modules"] = [{"address": "module.m", "resources": list(child)}]
    return {"planned_values": {"root_module": root}}


def res(kind, name="this", **values):
    return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name, "values": values}


def bucket(**overrides):
    values = {"name": "b", "uniform_bucket_level_access": True, "public_access_prevention": "enforced"}
    values.update(overrides)
    return res("google_storage_bucket", **values)


CLEAN = plan(
    bucket(),
    res("google_project_iam_member", member=SA, role="roles/dataflow.worker"),
    res("google_storage_bucket_iam_member", bucket="b", member=SA, role="roles/storage.objectViewer"),
    res("google_bigquery_dataset", access=[
        {"role": "OWNER", "special_group": "projectOwners"},
        {"role": "WRITER", "user_by_email": "landfall-dataflow@p.iam.gserviceaccount.com"},
    ]),
    res("google_cloud_scheduler_job", http_target=[{"oauth_token": [{"service_account_email": "s@p"}]}]),
    {"address": "data.google_client_config.current", "mode": "data", "type": "google_client_config",
     "values": {"access_token": "x"}},
)


class CheckPlanTest(unittest.TestCase):
    def rules(self, p):
        return sorted({rule for _, rule, _ in check_plan.check_plan(p)[1]})

    def test_cleanPlan_hasNoViolation(self):
        checked, violations = check_plan.check_plan(CLEAN)
        self.assertEqual([], violations)
        self.assertEqual(5, checked, "data sources are not resources to check")

    def test_basicRoleOnProject_isFound(self):
        self.assertEqual(["basic-role"], self.rules(plan(res("google_project_iam_member", member=SA, role="roles/editor"))))

    def test_basicRoleInBindingAndPolicy_isFound(self):
        binding = res("google_storage_bucket_iam_binding", members=[SA], role="roles/owner")
        policy = res("google_bigquery_dataset_iam_policy",
                     policy_data=json.dumps({"bindings": [{"role": "roles/viewer", "members": [SA]}]}))
        self.assertEqual(["basic-role"], self.rules(plan(binding)))
        self.assertEqual(["basic-role"], self.rules(plan(policy)))

    def test_publicMembers_areFoundAnywhere(self):
        member = res("google_storage_bucket_iam_member", bucket="b", member="allUsers", role="roles/storage.objectViewer")
        access = res("google_bigquery_dataset", access=[{"role": "READER", "special_group": "allAuthenticatedUsers"}])
        iam_member = res("google_bigquery_dataset", access=[{"role": "READER", "iam_member": "allUsers"}])
        policy = res("google_storage_bucket_iam_policy",
                     policy_data=json.dumps({"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]}))
        for p in (member, access, iam_member, policy):
            self.assertIn("public-member", self.rules(plan(p)), p)

    def test_bucketWithoutUniformAccessOrPreventionOrWithAcl_isFound(self):
        self.assertEqual(["bucket-access"], self.rules(plan(bucket(uniform_bucket_level_access=False))))
        self.assertEqual(["bucket-access"], self.rules(plan(bucket(public_access_prevention="inherited"))))
        self.assertEqual(["bucket-access"], self.rules(plan(res("google_storage_bucket_acl", bucket="b"))))

    def test_dataRoleOnTheWholeProject_isFound(self):
        self.assertEqual(["project-role"], self.rules(plan(
            res("google_project_iam_member", member=SA, role="roles/bigquery.dataEditor"))))
        self.assertEqual(["project-role"], self.rules(plan(
            res("google_project_iam_member", member=SA, role="roles/iam.serviceAccountTokenCreator"))))

    def test_serviceAccountOwningADataset_isFound(self):
        self.assertEqual(["dataset-owner"], self.rules(plan(res("google_bigquery_dataset", access=[
            {"role": "OWNER", "user_by_email": "x@p.iam.gserviceaccount.com"}]))))

    def test_projectReadersOnADataset_isFound(self):
        self.assertEqual(["basic-role"], self.rules(plan(res("google_bigquery_dataset", access=[
            {"role": "READER", "special_group": "projectReaders"}]))))

    def test_keys_areFound(self):
        self.assertEqual(["key"], self.rules(plan(res("google_service_account_key", service_account_id="s"))))

    def test_unauthenticatedSchedulerTarget_isFound(self):
        self.assertEqual(["scheduler-auth"], self.rules(plan(
            res("google_cloud_scheduler_job", http_target=[{"uri": "https://x", "oauth_token": [], "oidc_token": []}]))))

    def test_kmsGrants_onlyEncryptDecryptForServiceAgents(self):
        agent = "serviceAccount:bq-123456789012@bigquery-encryption.iam.gserviceaccount.com"
        key = "projects/k/locations/europe/keyRings/r/cryptoKeys/c"
        ok = res("google_kms_crypto_key_iam_member", crypto_key_id=key, member=agent,
                 role="roles/cloudkms.cryptoKeyEncrypterDecrypter")
        self.assertEqual([], self.rules(plan(ok)))
        admin = res("google_kms_crypto_key_iam_member", crypto_key_id=key, member=agent, role="roles/cloudkms.admin")
        person = res("google_kms_crypto_key_iam_binding", crypto_key_id=key, members=["group:eng@example.com"],
                     role="roles/cloudkms.cryptoKeyEncrypterDecrypter")
        worker = res("google_kms_key_ring_iam_member", key_ring_id="r", member=SA,
                     role="roles/cloudkms.cryptoKeyDecrypter")
        for grant in (admin, person, worker):
            self.assertEqual(["kms-grant"], self.rules(plan(grant)), grant)

    def test_cmekOnSomeBucketsOrDatasets_findsTheOthers(self):
        key = "projects/k/locations/europe/keyRings/r/cryptoKeys/c"
        encrypted = bucket(name="a", encryption=[{"default_kms_key_name": key}])
        dataset = res("google_bigquery_dataset", "d", access=[],
                      default_encryption_configuration=[{"kms_key_name": key}])
        self.assertEqual([], self.rules(plan(encrypted, dataset)))
        found = check_plan.check_plan(plan(encrypted, dataset, bucket(name="b"),
                                           res("google_bigquery_dataset", "e", access=[])))[1]
        self.assertEqual([("google_bigquery_dataset.e", "cmek"), ("google_storage_bucket.b", "cmek")],
                         sorted((address, rule) for address, rule, _ in found))
        self.assertEqual([], self.rules(CLEAN), "no key anywhere: nothing to be consistent with")

    def test_dataPolicies_maskAndGrantOnlyMaskedReader(self):
        masked = res("google_bigquery_datapolicy_data_policy", data_policy_type="DATA_MASKING_POLICY",
                     data_masking_policy=[{"predefined_expression": "SHA256"}])
        self.assertEqual([], self.rules(plan(masked)))
        self.assertEqual(["data-policy"], self.rules(plan(res(
            "google_bigquery_datapolicy_data_policy", data_policy_type="DATA_MASKING_POLICY",
            data_masking_policy=[{"predefined_expression": None, "routine": None}]))))
        self.assertEqual([], self.rules(plan(res(
            "google_bigquery_datapolicy_data_policy_iam_member", member="group:a@example.com",
            role="roles/bigquerydatapolicy.maskedReader"))))
        self.assertEqual(["data-policy"], self.rules(plan(res(
            "google_bigquery_datapolicy_data_policy_iam_member", member="group:a@example.com",
            role="roles/bigquerydatapolicy.admin"))))

    def test_tableGrants_onlyDataRoles(self):
        editor = res("google_bigquery_table_iam_member", "writes", table_id="erased_lines", member=SA,
                     role="roles/bigquery.dataEditor")
        self.assertEqual([], self.rules(plan(editor)))
        owner = res("google_bigquery_table_iam_member", "owns", table_id="erased_lines", member=SA,
                    role="roles/bigquery.dataOwner")
        admin = res("google_bigquery_table_iam_policy", "admin", table_id="t",
                    policy_data=json.dumps({"bindings": [{"role": "roles/bigquery.admin", "members": [SA]}]}))
        found = check_plan.check_plan(plan(owner, admin))[1]
        self.assertEqual(["table-grant", "table-grant"], [rule for _, rule, _ in found])
        for table in ("erasure_log", "erasure_key"):
            log = res("google_bigquery_table_iam_member", "log", table_id=table, member=SA,
                      role="roles/bigquery.dataEditor")
            self.assertEqual(["table-grant"], self.rules(plan(log)), table)

    def test_resourcesInChildModules_areChecked(self):
        self.assertEqual(["bucket-access"], self.rules(plan(child=[bucket(public_access_prevention="inherited")])))

    def test_main_exitsOneOnViolationAndOnAnEmptyPlan(self):
        with tempfile.TemporaryDirectory() as tmp:
            def run(p):
                path = os.path.join(tmp, "plan.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(p, f)
                return check_plan.main([path])
            self.assertEqual(0, run(CLEAN))
            self.assertEqual(1, run(plan(bucket(uniform_bucket_level_access=False))))
            self.assertEqual(1, run(plan()))


if __name__ == "__main__":
    unittest.main()
