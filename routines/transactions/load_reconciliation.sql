-- Per-load conservation check for transactions: every lake row of a load is
-- typed, rejected or a duplicate once its files are unpacked. Rows not yet
-- accounted for are split by why: their file is landed but not unpacked yet
-- (rows_awaiting_unpack), or their load never wrote the file's ledger row
-- (rows_without_ledger: a landing that crashed, or is still running; a crashed
-- file's records are unpacked from its re-land, so these stay here, visible).
-- Records the landing read but BigQuery refused (dead-lettered, see
-- docs/reliability.md) are in the ledger's records_landed but not in the lake:
-- rows_not_in_lake counts them per file against the ledger, so the view is
-- driven by lake files and ledger files alike (a file whose every row was
-- dead-lettered has a ledger row and no lake rows).
-- Reads whole tables: a reporting view, not used by unpack().
CREATE OR REPLACE VIEW `${transactions_dataset}.load_reconciliation`
(
  load_id OPTIONS (description = 'Landing run.'),
  ingestion_timestamp OPTIONS (description = 'Start of the landing run.'),
  files OPTIONS (description = 'Files of this source the run wrote lake rows or a ledger row for.'),
  lake_rows OPTIONS (description = 'Lake rows of this source the run landed.'),
  typed_rows OPTIONS (description = 'Rows typed into transactions.'),
  rejected_rows OPTIONS (description = 'Rows in rejects.'),
  duplicate_rows OPTIONS (description = 'Rows in duplicates.'),
  rows_awaiting_unpack OPTIONS (description = 'Rows of files whose ledger row is written but not unpacked yet.'),
  rows_without_ledger OPTIONS (description = 'Rows of files this run never wrote a ledger row for (crashed or still running landing); never unpacked.'),
  rows_not_in_lake OPTIONS (description = 'Records the run read but did not land (dead-lettered: refused by BigQuery or too large): per file with a ledger row, records_landed minus its lake rows, counted only where positive; 0 when none. Not part of lake_rows or is_balanced.'),
  is_balanced OPTIONS (description = 'lake_rows = typed_rows + rejected_rows + duplicate_rows: the lake rows are accounted for. Says nothing about rows_not_in_lake (rows that never reached the lake).'),
  status OPTIONS (description = 'First that applies: unbalanced (the lake rows do not add up even with rows_awaiting_unpack and rows_without_ledger, or a file has more lake rows than its ledger records_landed: investigate); rows_dead_lettered (rows_not_in_lake > 0: the rows and their errors are in the landing dead-letter folder); balanced (is_balanced); landing_incomplete (rows_without_ledger > 0); awaiting_unpack.')
)
OPTIONS (description = 'landfall per-load reconciliation of transactions: lake_rows = typed_rows + rejected_rows + duplicate_rows once the load is unpacked (is_balanced); rows_awaiting_unpack and rows_without_ledger say why not yet; rows_not_in_lake counts records the ledger says were read but the lake does not hold (dead-lettered).')
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
  ),

  -- Every (load, file) with lake rows, a ledger row or both.
  load_files AS (
    SELECT
      COALESCE(lake_files.load_id, ledger.load_id) AS load_id,
      COALESCE(lake_files.ingestion_timestamp, ledger.landed_at) AS ingestion_timestamp,
      COALESCE(lake_files.lake_rows, 0) AS lake_rows,
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
      SUM(IF(has_ledger AND NOT is_unpacked, lake_rows, 0)) AS rows_awaiting_unpack,
      SUM(IF(has_ledger, 0, lake_rows)) AS rows_without_ledger,
      -- Per file, so a file over its ledger cannot hide another file's missing rows.
      SUM(IF(has_ledger, GREATEST(records_landed - lake_rows, 0), 0)) AS rows_not_in_lake,
      COUNTIF(has_ledger AND lake_rows > records_landed) AS files_over_ledger
    FROM
      load_files
    GROUP BY
      load_id
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
      lake_rows = typed_rows + rejected_rows + duplicate_rows AS is_balanced,
      lake_rows = typed_rows + rejected_rows + duplicate_rows + rows_awaiting_unpack + rows_without_ledger
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
