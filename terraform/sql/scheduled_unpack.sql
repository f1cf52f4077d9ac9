-- Scheduled unpack of one source, run by Cloud Scheduler through the BigQuery
-- jobs API (terraform/scheduler.tf). Unpacks, then fails this job when the share
-- of rows it rejected is above the configured threshold: a failed job is what
-- the "reject rate" alert policy (terraform/monitoring.tf) watches for.
-- Rendered with templatefile(): project, source, service_dataset, lake_dataset,
-- threshold.
DECLARE started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP();
DECLARE rejected_rows INT64;
DECLARE lake_rows INT64;

CALL `${project}.${service_dataset}.unpack`();

-- Rows this run rejected, against all lake rows of the loads they came from.
SET rejected_rows = (
  SELECT COUNT(*)
  FROM `${project}.${service_dataset}.rejects`
  WHERE rejected_at >= started_at
);
SET lake_rows = (
  SELECT COUNT(*)
  FROM `${project}.${lake_dataset}.raw_records`
  WHERE source = '${source}'
    AND ingestion_timestamp IN (
      SELECT DISTINCT ingestion_timestamp
      FROM `${project}.${service_dataset}.rejects`
      WHERE rejected_at >= started_at
    )
);

IF lake_rows > 0 AND rejected_rows / lake_rows > ${threshold} THEN
  -- ERROR() rather than RAISE: it fails the job the same way in BigQuery and in
  -- the local engine, where this script is tested (tests/test_scheduled_sql.py).
  SELECT ERROR(FORMAT(
    'landfall reject rate: %d of %d rows of source ${source} rejected (threshold ${threshold}); see ${service_dataset}.rejects',
    rejected_rows, lake_rows
  ));
END IF;
