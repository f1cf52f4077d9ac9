#!/usr/bin/env python3
"""Sets a BigQuery policy tag on named columns of a table (called by pii.tf).

BigQuery DDL cannot attach policy tags, so Terraform calls this after the
table's CREATE TABLE job. It reads the table, adds the tag to the named
top-level columns (other columns keep theirs) and patches the schema back,
guarded by the table's etag. Standard library only.

Usage: set_policy_tags.py PROJECT.DATASET.TABLE
Environment: LANDFALL_POLICY_TAG (projects/.../policyTags/...),
LANDFALL_PII_COLUMNS (comma-separated), LANDFALL_ACCESS_TOKEN (OAuth token).
"""

import json
import os
import sys
import urllib.error
import urllib.request

API = "https://bigquery.googleapis.com/bigquery/v2"


def tag_columns(schema, columns, policy_tag):
    """Returns a copy of a table schema with policy_tag on the named columns.

    Raises ValueError naming any column the schema lacks, so that a misspelt
    column in config.yaml fails the apply instead of leaving PII untagged.
    """
    fields = schema.get("fields", [])
    missing = sorted(set(columns) - {field["name"].lower() for field in fields})
    if missing:
        raise ValueError("no such column(s): " + ", ".join(missing))
    tagged = []
    for field in fields:
        field = dict(field)
        if field["name"].lower() in columns:
            names = list(field.get("policyTags", {}).get("names", []))
            if policy_tag not in names:
                names.append(policy_tag)
            field["policyTags"] = {"names": names}
        tagged.append(field)
    return {**schema, "fields": tagged}


def _call(method, url, token, body=None, etag=None):
    headers = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    if etag:
        headers["If-Match"] = etag
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def main(argv):
    if len(argv) != 2 or argv[1].count(".") != 2:
        print(__doc__, file=sys.stderr)
        return 2
    project, dataset, table = argv[1].split(".")
    policy_tag = os.environ["LANDFALL_POLICY_TAG"]
    columns = {c.strip().lower() for c in os.environ["LANDFALL_PII_COLUMNS"].split(",") if c.strip()}
    token = os.environ["LANDFALL_ACCESS_TOKEN"]
    url = f"{API}/projects/{project}/datasets/{dataset}/tables/{table}"
    try:
        current = _call("GET", url, token)
        schema = tag_columns(current["schema"], columns, policy_tag)
        _call("PATCH", url, token, {"schema": schema}, current.get("etag"))
    except ValueError as error:
        print(f"set_policy_tags: {argv[1]}: {error}", file=sys.stderr)
        return 1
    except urllib.error.HTTPError as error:
        print(f"set_policy_tags: {argv[1]}: HTTP {error.code}: {error.read().decode(errors='replace')}",
              file=sys.stderr)
        return 1
    print(f"set_policy_tags: {argv[1]}: {policy_tag} on {', '.join(sorted(columns))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
