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
OPTIONS (description = 'landfall: types the lake rows of source transactions not yet unpacked (whole landed files, per lake.landed_files) into transactions, duplicates or rejects. Incremental, idempotent, race-safe; one transaction.')
BEGIN
  DECLARE first_landed_at TIMESTAMP;
  DECLARE last_landed_at TIMESTAMP;
  DECLARE pending_days ARRAY<DATE>;
  DECLARE known_dates ARRAY<DATE>;
  DECLARE known_first_date DATE;
  DECLARE known_last_date DATE;
  DECLARE rekeyed_days ARRAY<DATE>;
  DECLARE rekeyed_first_day DATE;
  DECLARE rekeyed_last_day DATE;

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
    lake.*
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

  -- The typed rows of the batch's transaction_ids, in two steps so that only
  -- two narrow columns of the whole typed table are read: which ids are known and
  -- on which dates, then the full rows from those dates' partitions only.
  CREATE OR REPLACE TEMP TABLE known_ids AS
  SELECT
    transaction_id,
    transaction_date
  FROM
    `${transactions_dataset}.transactions`
  WHERE
    transaction_id IN (SELECT transaction_id FROM batch WHERE reason_code IS NULL);

  SET known_dates = (SELECT ARRAY_AGG(DISTINCT transaction_date) FROM known_ids);
  SET known_first_date = (SELECT MIN(transaction_date) FROM known_ids);
  SET known_last_date = (SELECT MAX(transaction_date) FROM known_ids);

  CREATE OR REPLACE TEMP TABLE typed_before AS
  SELECT
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  FROM
    `${transactions_dataset}.transactions`
  WHERE
    transaction_date BETWEEN known_first_date AND known_last_date
    AND transaction_date IN UNNEST(known_dates)
    AND transaction_id IN (SELECT transaction_id FROM known_ids);

  -- Rare: a batch row sorts before the typed row of its transaction_id (a
  -- landing that started earlier committed after a later one was unpacked). Its
  -- kept row changes, so every row unpacked so far for that id is re-read from
  -- the lake (only the days they were landed on) and classified again, as a
  -- rebuild would.
  CREATE OR REPLACE TEMP TABLE rekeyed AS
  SELECT DISTINCT
    kept.transaction_id
  FROM
    typed_before AS kept
  INNER JOIN
    batch
    ON batch.transaction_id = kept.transaction_id
    AND batch.reason_code IS NULL
  WHERE
    batch.ingestion_timestamp < kept.ingestion_timestamp
    OR (batch.ingestion_timestamp = kept.ingestion_timestamp AND (
      batch.source_file < kept.source_file
      OR (batch.source_file = kept.source_file AND (
        batch.source_offset < kept.source_offset
        OR (batch.source_offset = kept.source_offset AND batch.load_id < kept.load_id)))));

  CREATE OR REPLACE TEMP TABLE rekeyed_rows AS
  SELECT load_id, source_file, source_offset, ingestion_timestamp, unpacked_at AS first_unpacked_at
  FROM typed_before
  WHERE transaction_id IN (SELECT transaction_id FROM rekeyed)
  UNION ALL
  SELECT load_id, source_file, source_offset, ingestion_timestamp, detected_at
  FROM `${transactions_dataset}.duplicates`
  WHERE transaction_id IN (SELECT transaction_id FROM rekeyed)
  UNION ALL
  SELECT load_id, source_file, source_offset, ingestion_timestamp, rejected_at
  FROM `${transactions_dataset}.rejects`
  WHERE reason_code = 'conflicting_duplicate' AND transaction_id IN (SELECT transaction_id FROM rekeyed);

  SET rekeyed_days = (SELECT ARRAY_AGG(DISTINCT DATE(ingestion_timestamp)) FROM rekeyed_rows);
  SET rekeyed_first_day = (SELECT MIN(day) FROM UNNEST(rekeyed_days) AS day);
  SET rekeyed_last_day = (SELECT MAX(day) FROM UNNEST(rekeyed_days) AS day);

  -- Every row competing for a transaction_id: the batch's valid rows, the
  -- re-read rows of rekeyed ids, and the typed row of every other id (which sorts
  -- first, or its id would be rekeyed).
  CREATE OR REPLACE TEMP TABLE contenders AS
  SELECT
    batch.*,
    CAST(NULL AS TIMESTAMP) AS first_unpacked_at,
    FALSE AS is_typed_before
  FROM
    batch
  WHERE
    reason_code IS NULL
  UNION ALL
  SELECT
    lake.*,
    rekeyed_rows.first_unpacked_at,
    FALSE
  FROM
    `${transactions_dataset}.typed_lake_records` AS lake
  INNER JOIN
    rekeyed_rows
    ON rekeyed_rows.load_id = lake.load_id
    AND rekeyed_rows.source_file = lake.source_file
    AND rekeyed_rows.source_offset = lake.source_offset
  WHERE
    lake.ingestion_timestamp >= TIMESTAMP(rekeyed_first_day)
    AND lake.ingestion_timestamp < TIMESTAMP(DATE_ADD(rekeyed_last_day, INTERVAL 1 DAY))
    AND DATE(lake.ingestion_timestamp) IN UNNEST(rekeyed_days)
  UNION ALL
  SELECT
    CAST(NULL AS STRING), 'transactions', ingestion_timestamp, source_file, source_offset, record_hash, load_id,
    CAST(NULL AS STRING), transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    CAST(NULL AS STRING), CAST(NULL AS STRING),
    unpacked_at,
    TRUE
  FROM
    typed_before
  WHERE
    transaction_id NOT IN (SELECT transaction_id FROM rekeyed);

  -- Never drop a row that was unpacked before: its lake row must still exist.
  IF (SELECT COUNT(*) FROM contenders WHERE first_unpacked_at IS NOT NULL AND NOT is_typed_before)
      != (SELECT COUNT(*) FROM rekeyed_rows) THEN
    RAISE USING MESSAGE = 'transactions.unpack: rows to re-classify are missing from the lake; nothing was changed';
  END IF;

  -- Each row against the row kept for its transaction_id: the first by
  -- ingestion_timestamp, source_file, source_offset, load_id.
  CREATE OR REPLACE TEMP TABLE outcomes AS
  WITH
    ranked AS (
      SELECT
        contenders.*,
        ROW_NUMBER() OVER (
          PARTITION BY transaction_id
          ORDER BY ingestion_timestamp, source_file, source_offset, load_id
        ) AS position
      FROM
        contenders
    ),

    kept AS (
      SELECT * FROM ranked WHERE position = 1
    )

  SELECT
    ranked.*,
    kept.source_file AS kept_source_file,
    kept.source_offset AS kept_source_offset,
    IF(
      ranked.position = 1,
      'typed',
      IF(
        ranked.customer_id = kept.customer_id
          AND ranked.transaction_date = kept.transaction_date
          AND ranked.amount = kept.amount
          AND ranked.currency = kept.currency
          AND ranked.merchant IS NOT DISTINCT FROM kept.merchant
          AND ranked.category IS NOT DISTINCT FROM kept.category,
        'duplicate',
        'conflict'
      )
    ) AS outcome
  FROM
    ranked
  INNER JOIN
    kept
    USING (transaction_id)
  WHERE
    NOT ranked.is_typed_before;

  IF EXISTS (SELECT 1 FROM rekeyed) THEN
    DELETE FROM `${transactions_dataset}.transactions`
    WHERE transaction_id IN (SELECT transaction_id FROM rekeyed);
    DELETE FROM `${transactions_dataset}.duplicates`
    WHERE transaction_id IN (SELECT transaction_id FROM rekeyed);
    DELETE FROM `${transactions_dataset}.rejects`
    WHERE reason_code = 'conflicting_duplicate' AND transaction_id IN (SELECT transaction_id FROM rekeyed);
  END IF;

  INSERT INTO `${transactions_dataset}.transactions` (
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  )
  SELECT
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id,
    COALESCE(first_unpacked_at, CURRENT_TIMESTAMP())
  FROM
    outcomes
  WHERE
    outcome = 'typed';

  INSERT INTO `${transactions_dataset}.duplicates` (
    transaction_id, record_hash, source_file, source_offset, ingestion_timestamp, load_id,
    kept_source_file, kept_source_offset, detected_at
  )
  SELECT
    transaction_id, record_hash, source_file, source_offset, ingestion_timestamp, load_id,
    kept_source_file, kept_source_offset, COALESCE(first_unpacked_at, CURRENT_TIMESTAMP())
  FROM
    outcomes
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
    COALESCE(first_unpacked_at, CURRENT_TIMESTAMP())
  FROM
    outcomes
  WHERE
    outcome = 'conflict';

  INSERT INTO `${transactions_dataset}.unpacked_files` (
    source_file, load_id, landed_at, records_landed, records_unpacked, unpacked_at
  )
  WITH
    found AS (
      SELECT source_file, load_id, COUNT(*) AS records_unpacked
      FROM batch
      GROUP BY source_file, load_id
    )
  SELECT
    pending_files.source_file,
    pending_files.load_id,
    pending_files.landed_at,
    pending_files.records_landed,
    COALESCE(found.records_unpacked, 0),
    CURRENT_TIMESTAMP()
  FROM
    pending_files
  LEFT JOIN
    found
    ON found.source_file = pending_files.source_file
    AND found.load_id = pending_files.load_id;

  COMMIT TRANSACTION;
END;
