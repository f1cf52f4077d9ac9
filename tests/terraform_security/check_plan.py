#!/usr/bin/env python3
"""Security rules over every resource of a Terraform plan (`terraform show -json`).

terraform/tests/*.tftest.hcl check named resources; this walks all of them, in
every module, so a bucket, binding or key added later is checked too:

  basic-role        no IAM grant of roles/owner, roles/editor or roles/viewer,
                    and no dataset access for projectWriters/projectReaders
                    (data access for every holder of a basic role)
  public-member     nothing granted to allUsers or allAuthenticatedUsers
  bucket-access     every bucket has uniform bucket-level access and enforced
                    public access prevention; no ACL resources
  project-role      project-level grants only of roles that have no narrower
                    scope (PROJECT_ONLY_ROLES); data roles belong on the
                    dataset or bucket
  dataset-owner     no service account owns a dataset
  key               no service account, HMAC or API keys (long-lived secrets)
  scheduler-auth    every Cloud Scheduler HTTP target authenticates
  kms-grant         a Cloud KMS key is granted only for encrypting and
                    decrypting, and only to Google's service agents
  cmek              when a key protects one bucket or dataset, it protects
                    every bucket and dataset (none left on Google's keys)
  data-policy       masking policies mask (a predefined rule or a routine),
                    and grant nothing but Masked Reader
  table-grant       a table-level grant gives only data roles (Data Viewer,
                    Data Editor): never a role that manages the table or its
                    policy (Data Owner, Admin), which would let its holder
                    grant itself more; and none on privacy's erasure_log or
                    erasure_key (written by the erasure operators only, as
                    dataset WRITERs: a grant there would let, e.g., the
                    landing account change the log or the key)

Usage: check_plan.py [--name NAME] PLAN.json
Prints one line per violation and a summary; exits 1 on a violation.
"""

import argparse
import json
import re
import sys

BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}
# Roles Google Cloud grants only on a project: job creation and Dataflow.
PROJECT_ONLY_ROLES = {
    "roles/bigquery.jobUser",
    "roles/dataflow.worker",
    "roles/dataflow.developer",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
}
PROJECT_GRANTS = {"google_project_iam_member", "google_project_iam_binding", "google_project_iam_policy"}
ACL_RESOURCES = {
    "google_storage_bucket_acl",
    "google_storage_bucket_access_control",
    "google_storage_default_object_acl",
    "google_storage_default_object_access_control",
    "google_storage_object_acl",
    "google_storage_object_access_control",
}
KEY_RESOURCES = {"google_service_account_key", "google_storage_hmac_key", "google_apikeys_key"}
KMS_GRANTS = {
    "google_kms_crypto_key_iam_member", "google_kms_crypto_key_iam_binding", "google_kms_crypto_key_iam_policy",
    "google_kms_key_ring_iam_member", "google_kms_key_ring_iam_binding", "google_kms_key_ring_iam_policy",
}
KMS_USE_ROLES = {
    "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    "roles/cloudkms.cryptoKeyEncrypter",
    "roles/cloudkms.cryptoKeyDecrypter",
}
# Google-managed service agents: service-<project number>@<service domain>, and
# BigQuery's bq-<project number>@bigquery-encryption.
SERVICE_AGENT = re.compile(r"^serviceAccount:(service|bq)-[0-9]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$")
TABLE_GRANTS = {"google_bigquery_table_iam_member", "google_bigquery_table_iam_binding", "google_bigquery_table_iam_policy"}
TABLE_DATA_ROLES = {"roles/bigquery.dataViewer", "roles/bigquery.dataEditor"}
ERASURE_TABLES = {"erasure_log", "erasure_key"}
DATA_POLICY_GRANTS = {
    "google_bigquery_datapolicy_data_policy_iam_member",
    "google_bigquery_datapolicy_data_policy_iam_binding",
    "google_bigquery_datapolicy_data_policy_iam_policy",
}


def resources(module):
    """Every resource of a planned_values module and of its child modules."""
    for resource in module.get("resources", []):
        yield resource
    for child in module.get("child_modules", []):
        yield from resources(child)


def strings(value):
    """Every string leaf of a JSON value (IAM policies are JSON text: parsed too)."""
    if isinstance(value, str):
        yield value
        if value.startswith("{") and '"bindings"' in value:
            try:
                yield from strings(json.loads(value))
            except ValueError:
                pass
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def granted_roles(resource):
    """The IAM roles a resource grants: role attributes and policy bindings."""
    values = resource.get("values") or {}
    roles = []
    if isinstance(values.get("role"), str) and resource["type"].endswith(("_iam_member", "_iam_binding")):
        roles.append(values["role"])
    policy = values.get("policy_data")
    if isinstance(policy, str) and policy:
        try:
            roles.extend(b.get("role", "") for b in json.loads(policy).get("bindings", []))
        except ValueError:
            pass
    return roles


def granted_members(resource):
    """The members a grant resource names: member, members and policy bindings."""
    values = resource.get("values") or {}
    members = []
    if isinstance(values.get("member"), str):
        members.append(values["member"])
    members.extend(m for m in values.get("members") or [] if isinstance(m, str))
    policy = values.get("policy_data")
    if isinstance(policy, str) and policy:
        try:
            for binding in json.loads(policy).get("bindings", []):
                members.extend(binding.get("members", []))
        except ValueError:
            pass
    return members


def encryption_key(resource):
    """The CMEK of a bucket or dataset ("" when Google's keys are used), else None."""
    values = resource.get("values") or {}
    if resource["type"] == "google_storage_bucket":
        blocks, field = values.get("encryption") or [], "default_kms_key_name"
    elif resource["type"] == "google_bigquery_dataset":
        blocks, field = values.get("default_encryption_configuration") or [], "kms_key_name"
    else:
        return None
    return next((block.get(field) or "" for block in blocks if block.get(field)), "")


def check_resource(resource):
    """Violations of one resource, as (rule, message) pairs."""
    kind = resource["type"]
    values = resource.get("values") or {}
    found = []
    for role in granted_roles(resource):
        if role in BASIC_ROLES:
            found.append(("basic-role", f"grants the basic role {role}"))
        if kind in PROJECT_GRANTS and role not in PROJECT_ONLY_ROLES and role not in BASIC_ROLES:
            found.append(("project-role", f"grants {role} on the whole project: bind it on the dataset, bucket or account"))
    for text in strings(values):
        for member in PUBLIC_MEMBERS:
            if text == member or text.endswith(":" + member) or f'"{member}"' in text:
                found.append(("public-member", f"grants access to {member}"))
    if kind == "google_storage_bucket":
        if values.get("uniform_bucket_level_access") is not True:
            found.append(("bucket-access", "uniform_bucket_level_access is not true"))
        if values.get("public_access_prevention") != "enforced":
            found.append(("bucket-access", "public_access_prevention is not \"enforced\""))
    if kind in ACL_RESOURCES:
        found.append(("bucket-access", f"{kind} sets ACLs: access is uniform IAM only"))
    if kind == "google_bigquery_dataset":
        for entry in values.get("access") or []:
            if entry.get("special_group") in ("projectWriters", "projectReaders"):
                found.append(("basic-role", f"dataset access for {entry['special_group']} (every holder of a basic role)"))
            if entry.get("role") == "OWNER" and str(entry.get("user_by_email", "")).endswith(".gserviceaccount.com"):
                found.append(("dataset-owner", f"service account {entry['user_by_email']} owns the dataset"))
    if kind in KEY_RESOURCES:
        found.append(("key", f"{kind} creates a long-lived credential"))
    if kind in KMS_GRANTS:
        for role in granted_roles(resource):
            if role not in KMS_USE_ROLES:
                found.append(("kms-grant", f"grants {role} on a key: only encrypt/decrypt roles"))
        for member in granted_members(resource):
            if not SERVICE_AGENT.match(member):
                found.append(("kms-grant", f"grants key use to {member}: only Google's service agents use the key"))
    if kind == "google_bigquery_datapolicy_data_policy" and values.get("data_policy_type") == "DATA_MASKING_POLICY":
        if not any(p.get("predefined_expression") or p.get("routine") for p in values.get("data_masking_policy") or []):
            found.append(("data-policy", "a masking policy without a masking rule"))
    if kind in DATA_POLICY_GRANTS:
        for role in granted_roles(resource):
            if role != "roles/bigquerydatapolicy.maskedReader":
                found.append(("data-policy", f"grants {role} on a data policy: only Masked Reader"))
    if kind in TABLE_GRANTS:
        for role in granted_roles(resource):
            if role not in TABLE_DATA_ROLES and role not in BASIC_ROLES:
                found.append(("table-grant", f"grants {role} on a table: only Data Viewer or Data Editor"))
        if values.get("table_id") in ERASURE_TABLES:
            found.append(("table-grant", f"grants access to {values['table_id']}: only the erasure operators (dataset WRITER) use it"))
    if kind == "google_cloud_scheduler_job":
        for target in values.get("http_target") or []:
            if not (target.get("oauth_token") or target.get("oidc_token")):
                found.append(("scheduler-auth", "HTTP target without oauth_token or oidc_token"))
    return found


def check_plan(plan):
    """(resources checked, violations as (address, rule, message))."""
    checked = 0
    violations = []
    keys = {}
    for resource in resources(plan.get("planned_values", {}).get("root_module", {})):
        if resource.get("mode", "managed") != "managed":
            continue
        checked += 1
        for rule, message in check_resource(resource):
            violations.append((resource["address"], rule, message))
        key = encryption_key(resource)
        if key is not None:
            keys[resource["address"]] = key
    if any(keys.values()):
        for address, key in keys.items():
            if not key:
                violations.append((address, "cmek", "not encrypted with a customer-managed key, unlike the other buckets and datasets"))
    return checked, sorted(set(violations))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default=None, help="label for the summary (e.g. the config file)")
    parser.add_argument("plan", help="output of terraform show -json PLAN")
    args = parser.parse_args(argv)
    with open(args.plan, encoding="utf-8") as f:
        plan = json.load(f)
    checked, violations = check_plan(plan)
    name = args.name or args.plan
    for address, rule, message in violations:
        print(f"FAIL {rule:<14} {address}: {message}")
    if checked == 0:
        print(f"check_plan: {name}: no resource in the plan", file=sys.stderr)
        return 1
    print(f"check_plan: {name}: {checked} resources, {len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
