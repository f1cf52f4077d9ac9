-- CALL transactions.unpack(): types the lake rows of source transactions that are
-- not unpacked yet into transactions (valid), duplicates (identical re-delivery
-- of a typed transaction_id) or rejects (invalid, or a conflicting re-delivery).
-- Parameters: none. Returns: nothing (writes the tables above and unpacked_files).
--
-- Bookkeeping, and why it is race-safe. The unit of work is a landed file: a
-- row of lake.landed_files, which the landing run writes only after all of the
-- file's lake rows are committed. A file is pending when its ledger row
-- (source_file, load_id) is not yet in unpacked_files. Everything runs in one
-- transaction, so every read sees one snapshot: if a file's ledger row is in the
-- snapshot, all its rows are too; a file whose ledger row commits later (a
-- landing that commits while this runs) is simply pending next time. There is no
-- timestamp watermark to outrun: ingestion_timestamp is the start of a landing
-- run, so rows can commit long after rows with later timestamps, and a max()
-- watermark would skip them. The transaction also makes a run all or nothing
-- (typed rows, rejects, duplicates and unpacked_files commit together, so a
-- crash never leaves a half-unpacked file to be double counted), and two
-- concurrent unpacks conflict instead of both unpacking the same files.
--
-- Incremental: the lake is read only in the partitions (days) of the pending
-- files' landed_at (= the rows' ingestion_timestamp), filtered through script
-- variables so BigQuery prunes them; the ledger and unpacked_files hold a row
-- per file, not per record. Idempotent: a second call finds no pending file.
--
-- Lake rows of a load that never got a ledger row (a crashed landing, re-landed
-- by a later run) are never unpacked: their file's re-land carries the same
-- records. load_reconciliation shows them as rows_without_ledger.
--
-- Duplicates: a valid row whose transaction_id is already typed (or comes earlier
-- in this batch) is a duplicate when its typed values equal the kept row's, else
-- a conflicting_duplicate reject. Order within a batch, also on a rebuild:
-- ingestion_timestamp, source_file, source_offset (then load_id).
CREATE OR REPLACE PROCEDURE `${transactions_dataset}.unpack`()
BEGIN
  DECLARE first_landed_at TIMESTAMP;
  DECLARE last_landed_at TIMESTAMP;
  DECLARE pending_days ARRAY<DATE>;

  BEGIN TRANSACTION;

  CREATE OR REPLACE TEMP TABLE pending_files AS
  SELECT DISTINCT
    ledger.source_file,
    ledger.load_id,
    ledger.landed_at,
    ledger.records_landed
  FROM
    `${lake_dataset}.landed_files` AS ledger
  LEFT JOIN
    `${transactions_dataset}.unpacked_files` AS done
    ON done.source_file = ledger.source_file
    AND done.load_id = ledger.load_id
  WHERE
    ledger.source = 'transactions'
    AND done.source_file IS NULL;

  SET first_landed_at = (SELECT MIN(landed_at) FROM pending_files);
  SET last_landed_at = (SELECT MAX(landed_at) FROM pending_files);
  SET pending_days = (SELECT ARRAY_AGG(DISTINCT DATE(landed_at)) FROM pending_files);

  CREATE OR REPLACE TEMP TABLE batch AS
  SELECT
    lake.*,
    ROW_NUMBER() OVER (
      PARTITION BY lake.transaction_id
      ORDER BY lake.ingestion_timestamp, lake.source_file, lake.source_offset, lake.load_id
    ) AS position_in_batch
  FROM
    `${transactions_dataset}.typed_lake_records` AS lake
  INNER JOIN
    pending_files
    ON pending_files.source_file = lake.source_file
    AND pending_files.load_id = lake.load_id
  WHERE
    -- Constant bounds (script variables): BigQuery prunes the lake to these days.
    lake.ingestion_timestamp >= TIMESTAMP_TRUNC(first_landed_at, DAY)
    AND lake.ingestion_timestamp < TIMESTAMP_ADD(TIMESTAMP_TRUNC(last_landed_at, DAY), INTERVAL 1 DAY)
    AND DATE(lake.ingestion_timestamp) IN UNNEST(pending_days);

  -- Each valid row against the row kept for its transaction_id: the one already
  -- typed, else the first of this batch.
  CREATE OR REPLACE TEMP TABLE classified AS
  WITH
    valid AS (
      SELECT * FROM batch WHERE reason_code IS NULL
    ),

    typed_before AS (
      SELECT
        transaction_id,
        customer_id,
        transaction_date,
        amount,
        currency,
        merchant,
        category,
        source_file,
        source_offset
      FROM
        `${transactions_dataset}.transactions`
      WHERE
        transaction_id IN (SELECT transaction_id FROM valid)
    ),

    first_in_batch AS (
      SELECT * FROM valid WHERE position_in_batch = 1
    ),

    with_kept AS (
      SELECT
        valid.*,
        typed_before.transaction_id IS NULL AND valid.position_in_batch = 1 AS is_new,
        IF(typed_before.transaction_id IS NULL, first_in_batch.customer_id, typed_before.customer_id) AS kept_customer_id,
        IF(typed_before.transaction_id IS NULL, first_in_batch.transaction_date, typed_before.transaction_date) AS kept_transaction_date,
        IF(typed_before.transaction_id IS NULL, first_in_batch.amount, typed_before.amount) AS kept_amount,
        IF(typed_before.transaction_id IS NULL, first_in_batch.currency, typed_before.currency) AS kept_currency,
        IF(typed_before.transaction_id IS NULL, first_in_batch.merchant, typed_before.merchant) AS kept_merchant,
        IF(typed_before.transaction_id IS NULL, first_in_batch.category, typed_before.category) AS kept_category,
        IF(typed_before.transaction_id IS NULL, first_in_batch.source_file, typed_before.source_file) AS kept_source_file,
        IF(typed_before.transaction_id IS NULL, first_in_batch.source_offset, typed_before.source_offset) AS kept_source_offset
      FROM
        valid
      LEFT JOIN
        typed_before
        USING (transaction_id)
      INNER JOIN
        first_in_batch
        USING (transaction_id)
    )

  SELECT
    with_kept.*,
    IF(
      is_new,
      'typed',
      IF(
        customer_id = kept_customer_id
          AND transaction_date = kept_transaction_date
          AND amount = kept_amount
          AND currency = kept_currency
          AND merchant IS NOT DISTINCT FROM kept_merchant
          AND category IS NOT DISTINCT FROM kept_category,
        'duplicate',
        'conflict'
      )
    ) AS outcome
  FROM
    with_kept;

  INSERT INTO `${transactions_dataset}.transactions` (
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  )
  SELECT
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, CURRENT_TIMESTAMP()
  FROM
    classified
  WHERE
    outcome = 'typed';

  INSERT INTO `${transactions_dataset}.duplicates` (
    transaction_id, record_hash, source_file, source_offset, ingestion_timestamp, load_id,
    kept_source_file, kept_source_offset, detected_at
  )
  SELECT
    transaction_id, record_hash, source_file, source_offset, ingestion_timestamp, load_id,
    kept_source_file, kept_source_offset, CURRENT_TIMESTAMP()
  FROM
    classified
  WHERE
    outcome = 'duplicate';

  INSERT INTO `${transactions_dataset}.rejects` (
    record_hash, source_file, source_offset, ingestion_timestamp, load_id, source, data_string,
    transaction_id, reason_code, reason, rejected_at
  )
  SELECT
    record_hash, source_file, source_offset, ingestion_timestamp, load_id, source, data_string,
    transaction_id, reason_code, reason, CURRENT_TIMESTAMP()
  FROM
    batch
  WHERE
    reason_code IS NOT NULL
  UNION ALL
  SELECT
    record_hash, source_file, source_offset, ingestion_timestamp, load_id, source, data_string,
    transaction_id,
    'conflicting_duplicate',
    FORMAT(
      "transaction_id '%s' is already typed from %s at offset %d with different values",
      transaction_id, kept_source_file, kept_source_offset),
    CURRENT_TIMESTAMP()
  FROM
    classified
  WHERE
    outcome = 'conflict';

  INSERT INTO `${transactions_dataset}.unpacked_files` (
    source_file, load_id, landed_at, records_landed, unpacked_at
  )
  SELECT
    source_file, load_id, landed_at, records_landed, CURRENT_TIMESTAMP()
  FROM
    pending_files;

  COMMIT TRANSACTION;
END;
