-- Per-load conservation check for transactions: every lake row of a load is
-- typed, rejected or a duplicate once its files are unpacked. Rows not yet
-- accounted for are split by why: their file is landed but not unpacked yet
-- (rows_awaiting_unpack), or their load never wrote the file's ledger row
-- (rows_without_ledger: a landing that crashed, or is still running; a crashed
-- file's records are unpacked from its re-land, so these stay here, visible).
-- Reads whole tables: a reporting view, not used by unpack().
CREATE OR REPLACE VIEW `${transactions_dataset}.load_reconciliation`
(
  load_id OPTIONS (description = 'Landing run.'),
  ingestion_timestamp OPTIONS (description = 'Start of the landing run.'),
  files OPTIONS (description = 'Files of this source the run wrote lake rows for.'),
  lake_rows OPTIONS (description = 'Lake rows of this source the run landed.'),
  typed_rows OPTIONS (description = 'Rows typed into transactions.'),
  rejected_rows OPTIONS (description = 'Rows in rejects.'),
  duplicate_rows OPTIONS (description = 'Rows in duplicates.'),
  rows_awaiting_unpack OPTIONS (description = 'Rows of files whose ledger row is written but not unpacked yet.'),
  rows_without_ledger OPTIONS (description = 'Rows of files this run never wrote a ledger row for (crashed or still running landing); never unpacked.'),
  is_balanced OPTIONS (description = 'lake_rows = typed_rows + rejected_rows + duplicate_rows.'),
  status OPTIONS (description = 'balanced, awaiting_unpack, landing_incomplete, or unbalanced (the ledger and the lake disagree: investigate).')
)
OPTIONS (description = 'landfall per-load reconciliation of transactions: lake_rows = typed_rows + rejected_rows + duplicate_rows once the load is unpacked (is_balanced); otherwise rows_awaiting_unpack and rows_without_ledger say why not.')
AS
WITH
  lake_files AS (
    SELECT
      load_id,
      source_file,
      MIN(ingestion_timestamp) AS ingestion_timestamp,
      COUNT(*) AS lake_rows
    FROM
      `${lake_dataset}.raw_records`
    WHERE
      source = 'transactions'
    GROUP BY
      load_id,
      source_file
  ),

  ledger AS (
    SELECT DISTINCT
      load_id,
      source_file
    FROM
      `${lake_dataset}.landed_files`
    WHERE
      source = 'transactions'
  ),

  unpacked AS (
    SELECT DISTINCT
      load_id,
      source_file
    FROM
      `${transactions_dataset}.unpacked_files`
  ),

  loads AS (
    SELECT
      lake_files.load_id,
      MIN(lake_files.ingestion_timestamp) AS ingestion_timestamp,
      COUNT(*) AS files,
      SUM(lake_files.lake_rows) AS lake_rows,
      SUM(IF(ledger.load_id IS NOT NULL AND unpacked.load_id IS NULL, lake_files.lake_rows, 0)) AS rows_awaiting_unpack,
      SUM(IF(ledger.load_id IS NULL, lake_files.lake_rows, 0)) AS rows_without_ledger
    FROM
      lake_files
    LEFT JOIN
      ledger
      ON ledger.load_id = lake_files.load_id
      AND ledger.source_file = lake_files.source_file
    LEFT JOIN
      unpacked
      ON unpacked.load_id = lake_files.load_id
      AND unpacked.source_file = lake_files.source_file
    GROUP BY
      lake_files.load_id
  ),

  typed AS (
    SELECT load_id, COUNT(*) AS row_count FROM `${transactions_dataset}.transactions` GROUP BY load_id
  ),

  rejected AS (
    SELECT load_id, COUNT(*) AS row_count FROM `${transactions_dataset}.rejects` GROUP BY load_id
  ),

  duplicated AS (
    SELECT load_id, COUNT(*) AS row_count FROM `${transactions_dataset}.duplicates` GROUP BY load_id
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
      loads.rows_awaiting_unpack,
      loads.rows_without_ledger
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
  )

SELECT
  counted.*,
  lake_rows = typed_rows + rejected_rows + duplicate_rows AS is_balanced,
  CASE
    WHEN lake_rows = typed_rows + rejected_rows + duplicate_rows THEN 'balanced'
    WHEN lake_rows = typed_rows + rejected_rows + duplicate_rows + rows_awaiting_unpack + rows_without_ledger
      THEN IF(rows_without_ledger > 0, 'landing_incomplete', 'awaiting_unpack')
    ELSE 'unbalanced'
  END AS status
FROM
  counted;
