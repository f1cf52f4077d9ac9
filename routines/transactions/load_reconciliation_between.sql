-- Per-load conservation check for transactions: every lake row of a load is
-- typed, rejected or a duplicate once its files are unpacked, or erased (CONTRACT §6). Rows not yet
-- accounted for are split by why: their file is landed but not unpacked yet
-- (rows_awaiting_unpack), or their load never wrote the file's ledger row
-- (rows_without_ledger: a landing that crashed, or is still running; a crashed
-- file's records are unpacked from its re-land, so these stay here, visible).
-- Records the landing read but BigQuery refused (dead-lettered, see
-- docs/reliability.md) are in the ledger's records_landed but not in the lake:
-- rows_not_in_lake counts them per file against the ledger, so the view is
-- driven by lake files and ledger files alike (a file whose every row was
-- dead-lettered has a ledger row and no lake rows).
--
-- load_reconciliation_between(first_day, last_day): the loads that started
-- (ingestion_timestamp = landed_at) on those days (UTC). The lake, the ledger,
-- unpacked_files and rejects are read only in those days' partitions (the
-- parameters are constants, so BigQuery prunes); the typed and duplicates
-- tables are filtered by the same window on ingestion_timestamp. The view
-- load_reconciliation is this function over every day.
CREATE OR REPLACE TABLE FUNCTION `${transactions_dataset}.load_reconciliation_between`(first_day DATE, last_day DATE)
OPTIONS (description = 'landfall per-load reconciliation of transactions for the loads landed from first_day to last_day (UTC days, inclusive): the columns of the view load_reconciliation, reading only those days of the lake.')
AS
WITH
  lake_files AS (
    SELECT
      load_id,
      source_file,
      MIN(ingestion_timestamp) AS ingestion_timestamp,
      -- An exact copy of a lake row (a streaming-insert retry) is one record.
      COUNT(DISTINCT source_offset) AS lake_rows,
      -- Erased rows (CONTRACT §6): the marker {"_erased_by":"<request_id>"} written by
      -- the erase procedure or by the landing. Accounted for as soon as they are in
      -- the lake, unpacked or not: unpack() never reads them (typed_lake_records).
      -- Reading data_string bills that column over the window's days (a reporting
      -- function, not part of any scheduled job).
      COUNT(DISTINCT IF(STARTS_WITH(data_string, '{"_erased_by"'), source_offset, NULL)) AS erased_rows
    FROM
      `${lake_dataset}.raw_records`
    WHERE
      source = 'transactions'
      -- The window's days only (parameters are constants: BigQuery prunes).
      AND ingestion_timestamp >= TIMESTAMP(first_day)
      AND ingestion_timestamp <= TIMESTAMP_ADD(TIMESTAMP(last_day), INTERVAL 86399999999 MICROSECOND)
    GROUP BY
      load_id,
      source_file
  ),

  -- One row per (load, file), as unpack() reads the ledger.
  ledger AS (
    SELECT
      load_id,
      source_file,
      MIN(landed_at) AS landed_at,
      MAX(records_landed) AS records_landed
    FROM
      `${lake_dataset}.landed_files`
    WHERE
      source = 'transactions'
      AND landed_at >= TIMESTAMP(first_day)
      AND landed_at <= TIMESTAMP_ADD(TIMESTAMP(last_day), INTERVAL 86399999999 MICROSECOND)
    GROUP BY
      load_id,
      source_file
  ),

  unpacked AS (
    SELECT DISTINCT
      load_id,
      source_file
    FROM
      `${transactions_dataset}.unpacked_files`
    WHERE
      landed_at >= TIMESTAMP(first_day)
      AND landed_at <= TIMESTAMP_ADD(TIMESTAMP(last_day), INTERVAL 86399999999 MICROSECOND)
  ),

  -- Every (load, file) with lake rows, a ledger row or both.
  load_files AS (
    SELECT
      COALESCE(lake_files.load_id, ledger.load_id) AS load_id,
      COALESCE(lake_files.ingestion_timestamp, ledger.landed_at) AS ingestion_timestamp,
      COALESCE(lake_files.lake_rows, 0) AS lake_rows,
      COALESCE(lake_files.erased_rows, 0) AS erased_rows,
      ledger.load_id IS NOT NULL AS has_ledger,
      ledger.records_landed,
      unpacked.load_id IS NOT NULL AS is_unpacked
    FROM
      lake_files
    FULL OUTER JOIN
      ledger
      ON ledger.load_id = lake_files.load_id
      AND ledger.source_file = lake_files.source_file
    LEFT JOIN
      unpacked
      ON unpacked.load_id = COALESCE(lake_files.load_id, ledger.load_id)
      AND unpacked.source_file = COALESCE(lake_files.source_file, ledger.source_file)
  ),

  loads AS (
    SELECT
      load_id,
      MIN(ingestion_timestamp) AS ingestion_timestamp,
      COUNT(*) AS files,
      SUM(lake_rows) AS lake_rows,
      SUM(erased_rows) AS erased_rows,
      -- Erased rows are accounted for already: not awaiting anything.
      SUM(IF(has_ledger AND NOT is_unpacked, lake_rows - erased_rows, 0)) AS rows_awaiting_unpack,
      SUM(IF(has_ledger, 0, lake_rows - erased_rows)) AS rows_without_ledger,
      -- Per file, so a file over its ledger cannot hide another file's missing rows.
      SUM(IF(has_ledger, GREATEST(records_landed - lake_rows, 0), 0)) AS rows_not_in_lake,
      COUNTIF(has_ledger AND lake_rows > records_landed) AS files_over_ledger
    FROM
      load_files
    GROUP BY
      load_id
  ),

  typed AS (
    SELECT load_id, COUNT(*) AS row_count
    FROM `${transactions_dataset}.transactions`
    WHERE
      ingestion_timestamp >= TIMESTAMP(first_day)
      AND ingestion_timestamp <= TIMESTAMP_ADD(TIMESTAMP(last_day), INTERVAL 86399999999 MICROSECOND)
    GROUP BY load_id
  ),

  rejected AS (
    SELECT load_id, COUNT(*) AS row_count
    FROM `${transactions_dataset}.rejects`
    WHERE
      ingestion_timestamp >= TIMESTAMP(first_day)
      AND ingestion_timestamp <= TIMESTAMP_ADD(TIMESTAMP(last_day), INTERVAL 86399999999 MICROSECOND)
    GROUP BY load_id
  ),

  duplicated AS (
    SELECT load_id, COUNT(*) AS row_count
    FROM `${transactions_dataset}.duplicates`
    WHERE
      ingestion_timestamp >= TIMESTAMP(first_day)
      AND ingestion_timestamp <= TIMESTAMP_ADD(TIMESTAMP(last_day), INTERVAL 86399999999 MICROSECOND)
    GROUP BY load_id
  ),

  counted AS (
    SELECT
      loads.load_id,
      loads.ingestion_timestamp,
      loads.files,
      loads.lake_rows,
      COALESCE(typed.row_count, 0) AS typed_rows,
      COALESCE(rejected.row_count, 0) AS rejected_rows,
      COALESCE(duplicated.row_count, 0) AS duplicate_rows,
      loads.erased_rows,
      loads.rows_awaiting_unpack,
      loads.rows_without_ledger,
      loads.rows_not_in_lake,
      loads.files_over_ledger
    FROM
      loads
    LEFT JOIN
      typed
      USING (load_id)
    LEFT JOIN
      rejected
      USING (load_id)
    LEFT JOIN
      duplicated
      USING (load_id)
  ),

  checked AS (
    SELECT
      counted.*,
      lake_rows = typed_rows + rejected_rows + duplicate_rows + erased_rows AS is_balanced,
      lake_rows
        = typed_rows + rejected_rows + duplicate_rows + erased_rows + rows_awaiting_unpack + rows_without_ledger
        AS is_explained
    FROM
      counted
  )

SELECT
  load_id,
  ingestion_timestamp,
  files,
  lake_rows,
  typed_rows,
  rejected_rows,
  duplicate_rows,
  erased_rows,
  rows_awaiting_unpack,
  rows_without_ledger,
  rows_not_in_lake,
  is_balanced,
  -- Precedence: what the numbers cannot explain first, then the loss that needs
  -- an operator (dead-lettered rows never come back by themselves), then the
  -- states the next landing or unpack resolves.
  CASE
    WHEN files_over_ledger > 0 OR NOT (is_balanced OR is_explained) THEN 'unbalanced'
    WHEN rows_not_in_lake > 0 THEN 'rows_dead_lettered'
    WHEN is_balanced THEN 'balanced'
    WHEN rows_without_ledger > 0 THEN 'landing_incomplete'
    ELSE 'awaiting_unpack'
  END AS status
FROM
  checked;
