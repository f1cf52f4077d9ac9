"""Runs the SQL that Cloud Scheduler sends (terraform/sql/) on the local BigQuery
engine (bqemulator in $LANDFALL_VENV, default <repo>/.venv), rendered as
templatefile() renders it: the unpack job must fail with "landfall reject rate"
exactly when the share of rejected rows is above the threshold, because that
failure is what the reject-rate alert policy matches.

The service routines are stand-ins here (a procedure that rejects a given
number of rows): the real ones are tested with the routines themselves.
"""

import json
import os
import pathlib
import re
import string
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

TERRAFORM_DIR = pathlib.Path(__file__).resolve().parents[1]
REPO = TERRAFORM_DIR.parent
VENV = pathlib.Path(os.environ.get("LANDFALL_VENV", REPO / ".venv"))
ENGINE = VENV / "bin" / "bqemulator"
# The engine runs through the project's patch, as scripts/lib/engine.sh runs it,
# so this test meets the same dialect as the routines (e.g. SET (a, b) = (SELECT AS STRUCT ...)).
PATCHED_ENGINE = REPO / "engine" / "bqemulator_patched.py"
PROJECT = "landfall-local"
LOAD_AT = "2026-11-02 05:00:00"


def render(name, **values):
    """Renders terraform/sql/<name> like templatefile() (plain ${name} only)."""
    text = (TERRAFORM_DIR / "sql" / name).read_text()
    return string.Template(text).substitute(values)


@unittest.skipUnless(ENGINE.exists(), f"local BigQuery engine not installed ({ENGINE})")
class ScheduledSqlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._log = tempfile.NamedTemporaryFile(prefix="bqemu-", suffix=".log")
        cls._engine = subprocess.Popen(
            [str(VENV / "bin" / "python"), str(PATCHED_ENGINE), "start", "--rest-port", "0", "--grpc-port", "0", "--project", PROJECT,
             "--log-format", "console"],
            stdout=cls._log, stderr=subprocess.STDOUT,
            env={**os.environ, "BQEMU_ENABLE_FORMAT_EXTENSIONS": "false"})
        cls.base = None
        deadline = time.monotonic() + 120
        while cls.base is None and time.monotonic() < deadline and cls._engine.poll() is None:
            found = re.search(rb"Uvicorn running on (http://127\.0\.0\.1:\d+)", pathlib.Path(cls._log.name).read_bytes())
            if found:
                cls.base = found.group(1).decode()
            else:
                time.sleep(0.5)
        if cls.base is None:
            cls.tearDownClass()
            raise RuntimeError("the local BigQuery engine did not start: " + pathlib.Path(cls._log.name).read_text())
        while True:  # listening is logged just before the socket accepts
            try:
                cls._call("GET", f"/bigquery/v2/projects/{PROJECT}/datasets")
                break
            except urllib.error.URLError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        for dataset in ("lake", "customers", "analytics"):
            cls._call("POST", f"/bigquery/v2/projects/{PROJECT}/datasets",
                      {"datasetReference": {"projectId": PROJECT, "datasetId": dataset}})

    @classmethod
    def tearDownClass(cls):
        cls._engine.terminate()
        try:
            cls._engine.wait(timeout=30)
        except subprocess.TimeoutExpired:
            cls._engine.kill()
        cls._log.close()

    @classmethod
    def _call(cls, method, path, body=None):
        request = urllib.request.Request(
            cls.base + path, method=method, headers={"Content-Type": "application/json"},
            data=None if body is None else json.dumps(body).encode())
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)

    def _run_job(self, sql):
        """Runs a query job as Cloud Scheduler does (jobs.insert); returns its final status."""
        job = self._call("POST", f"/bigquery/v2/projects/{PROJECT}/jobs",
                         {"configuration": {"query": {"query": sql, "useLegacySql": False}}})
        job_id = job["jobReference"]["jobId"]
        for _ in range(240):
            status = self._call("GET", f"/bigquery/v2/projects/{PROJECT}/jobs/{job_id}")["status"]
            if status["state"] == "DONE":
                return status
            time.sleep(0.5)
        self.fail(f"job {job_id} did not finish")

    def _query(self, sql):
        status = self._run_job(sql)
        self.assertNotIn("errorResult", status, sql)

    def _given_a_load(self, lake_rows, rejects_per_unpack):
        """An unpack that unpacks one file of `lake_rows` customers rows (its row in
        unpacked_files) and rejects `rejects_per_unpack` of them."""
        self._query("CREATE OR REPLACE TABLE `customers.unpacked_files` "
                    "(source_file STRING, landed_at TIMESTAMP, records_unpacked INT64, unpacked_at TIMESTAMP)")
        self._query("CREATE OR REPLACE TABLE `customers.rejects` "
                    "(ingestion_timestamp TIMESTAMP, rejected_at TIMESTAMP)")
        # A file an earlier run unpacked must not count.
        self._query("INSERT INTO `customers.unpacked_files` (source_file, landed_at, records_unpacked, unpacked_at) "
                    "VALUES ('old.csv', TIMESTAMP '2026-11-01 05:00:00', 1000, TIMESTAMP '2026-11-01 06:00:00')")
        unpacked = ("" if lake_rows == 0 else
                    "INSERT INTO `customers.unpacked_files` (source_file, landed_at, records_unpacked, unpacked_at) "
                    f"VALUES ('new.csv', TIMESTAMP '{LOAD_AT}', {lake_rows}, CURRENT_TIMESTAMP()); ")
        self._query("CREATE OR REPLACE PROCEDURE `customers.unpack`() BEGIN "
                    + unpacked +
                    "INSERT INTO `customers.rejects` (ingestion_timestamp, rejected_at) "
                    f"SELECT TIMESTAMP '{LOAD_AT}', CURRENT_TIMESTAMP() FROM UNNEST(GENERATE_ARRAY(1, {rejects_per_unpack})); "
                    "END")

    def _unpack_sql(self, threshold):
        return render("scheduled_unpack.sql", project=PROJECT, source="customers", service_dataset="customers",
                      lake_dataset="lake", threshold=threshold)

    def test_unpack_failsWithTheRejectRateAboveTheThreshold(self):
        self._given_a_load(lake_rows=10, rejects_per_unpack=1)

        status = self._run_job(self._unpack_sql(threshold=0.05))

        self.assertIn("errorResult", status)
        self.assertIn("landfall reject rate: 1 of 10 rows of source customers rejected (threshold 0.05)",
                      status["errorResult"]["message"])

    def test_unpack_succeedsAtOrBelowTheThreshold(self):
        self._given_a_load(lake_rows=10, rejects_per_unpack=1)

        status = self._run_job(self._unpack_sql(threshold=0.1))

        self.assertNotIn("errorResult", status)

    def test_unpack_countsOnlyThisRunsRejects(self):
        self._given_a_load(lake_rows=10, rejects_per_unpack=0)
        self._query(f"INSERT INTO `customers.rejects` (ingestion_timestamp, rejected_at) VALUES (TIMESTAMP '{LOAD_AT}', TIMESTAMP '2026-11-02 06:00:00')")

        status = self._run_job(self._unpack_sql(threshold=0.05))

        self.assertNotIn("errorResult", status, "an earlier run's rejects were counted")

    def test_unpack_withNothingUnpacked_succeeds(self):
        self._given_a_load(lake_rows=0, rejects_per_unpack=0)
        status = self._run_job(self._unpack_sql(threshold=0.05))
        self.assertNotIn("errorResult", status)

    def test_snapshot_callsTheProcedureWithYesterdayInTheTimeZone(self):
        self._query("CREATE OR REPLACE TABLE `analytics.calls` (as_of DATE)")
        self._query("CREATE OR REPLACE PROCEDURE `analytics.snapshot_top_customers`(as_of DATE) BEGIN "
                    "INSERT INTO `analytics.calls` VALUES (as_of); END")

        self._query(render("scheduled_snapshot.sql", project=PROJECT, analytics_dataset="analytics",
                           time_zone="Europe/London"))

        rows = self._call("POST", f"/bigquery/v2/projects/{PROJECT}/queries", {
            "query": "SELECT COUNT(*) FROM `analytics.calls` "
                     "WHERE as_of = DATE_SUB(CURRENT_DATE('Europe/London'), INTERVAL 1 DAY)", "useLegacySql": False})["rows"]
        self.assertEqual(rows[0]["f"][0]["v"], "1")


if __name__ == "__main__":
    unittest.main()
