-- Scheduled unpack of one source, run by Cloud Scheduler through the BigQuery
-- jobs API (terraform/scheduler.tf). Unpacks, then fails this job when the share
-- of the rows it unpacked that it rejected is above the configured threshold: a
-- failed job is what the "reject rate" alert policy (terraform/monitoring.tf)
-- watches for.
-- Rendered with templatefile(): project, source, service_dataset, threshold.
-- Cost: the lake is not read. The rows this run unpacked are counted from
-- unpacked_files (one small row per file, records_unpacked), and the rejects
-- table only in the days (ingestion_timestamp partitions) of those files,
-- bounded by script variables so BigQuery prunes the rest.
DECLARE started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP();
DECLARE first_day DATE;
DECLARE last_day DATE;
DECLARE unpacked_rows INT64;
DECLARE rejected_rows INT64;

CALL `${project}.${service_dataset}.unpack`();

-- The files this run unpacked (a call with nothing pending unpacked none), in
-- one read: every statement of a script is a child job billed at least 10 MB
-- per table it references (https://cloud.google.com/bigquery/pricing#on_demand_pricing).
SET (first_day, last_day, unpacked_rows) = (
  SELECT AS STRUCT
    MIN(DATE(landed_at)),
    MAX(DATE(landed_at)),
    CAST(COALESCE(SUM(records_unpacked), 0) AS INT64)
  FROM `${project}.${service_dataset}.unpacked_files`
  WHERE unpacked_at >= started_at
);

-- Rows this run rejected: its rows (landed on those days) rejected since it
-- started. Not read at all when the run unpacked nothing.
IF unpacked_rows > 0 THEN
  SET rejected_rows = (
    SELECT COUNT(*)
    FROM `${project}.${service_dataset}.rejects`
    WHERE
      ingestion_timestamp >= TIMESTAMP(first_day)
      AND ingestion_timestamp < TIMESTAMP(DATE_ADD(last_day, INTERVAL 1 DAY))
      AND rejected_at >= started_at
  );
END IF;

IF unpacked_rows > 0 AND rejected_rows / unpacked_rows > ${threshold} THEN
  -- ERROR() rather than RAISE: it fails the job the same way in BigQuery and in
  -- the local engine, where this script is tested (tests/test_scheduled_sql.py).
  SELECT ERROR(FORMAT(
    'landfall reject rate: %d of %d rows of source ${source} rejected (threshold ${threshold}); see ${service_dataset}.rejects',
    rejected_rows, unpacked_rows
  ));
END IF;
