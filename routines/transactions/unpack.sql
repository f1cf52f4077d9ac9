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
-- crash never leaves a half-unpacked file to be double counted).
--
-- Overlapping calls (a Cloud Scheduler retry, a manual CALL during the
-- scheduled run). On BigQuery two transactions that only INSERT into a table
-- both commit, so two calls would type the same files twice. The first
-- statement of the transaction therefore UPDATEs the one row of unpack_lock: a
-- transaction that updates or deletes rows of a table cannot run concurrently
-- with another one mutating that table, and BigQuery cancels the conflicting
-- one (https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency).
-- The cancelled call fails with BigQuery's error "Transaction is aborted due
-- to concurrent update against table ...transactions.unpack_lock" and changes nothing;
-- its files are still pending, so the next call picks them up. No EXCEPTION
-- handler: any error ends the call and BigQuery rolls the whole transaction
-- back (a handler would take that on itself, and the local engine keeps a
-- transaction's changes once a handler has caught its error). The local
-- engine runs one job at a time, so there two calls run one after the other
-- (the second finds nothing pending).
--
-- Cost (bytes billed grow with the new rows, not with the lake):
-- - nothing pending: only the ledger and unpacked_files (one row per file) are
--   read, before the transaction and the lock: the call returns at once;
-- - the lake is read only in the partitions (days) of the pending files'
--   landed_at (= the rows' ingestion_timestamp), filtered through script
--   variables so BigQuery prunes them;
-- - known transaction_ids are looked up in transaction_keys (clustered by
--   transaction_id) within the batch's id range, and their typed rows read
--   from transactions only in their months (partitions) and customers
--   (clusters); duplicates and rejects are read only for the rare ids whose
--   kept row changes (rekeyed), in the days those rows were landed.
-- Idempotent: a second call finds no pending file.
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
OPTIONS (description = 'landfall: types the lake rows of source transactions not yet unpacked (whole landed files, per lake.landed_files) into transactions, duplicates or rejects. Incremental, idempotent, race-safe; one transaction, which overlapping calls cannot both commit (unpack_lock).')
BEGIN
  DECLARE first_landed_at TIMESTAMP;
  DECLARE last_landed_at TIMESTAMP;
  DECLARE pending_days ARRAY<DATE>;
  DECLARE first_id STRING;
  DECLARE last_id STRING;
  DECLARE known_dates ARRAY<DATE>;
  DECLARE known_first_date DATE;
  DECLARE known_last_date DATE;
  DECLARE known_customers ARRAY<STRING>;
  DECLARE rekeyed_since TIMESTAMP;
  DECLARE rekeyed_days ARRAY<DATE>;
  DECLARE rekeyed_first_day DATE;
  DECLARE rekeyed_last_day DATE;
  DECLARE first_batch_month DATE;
  DECLARE last_batch_month DATE;
  DECLARE recount_first_month DATE;
  DECLARE recount_last_month DATE;

  -- Nothing pending: return before reading any large table or taking the lock.
  IF NOT EXISTS (
    SELECT 1
    FROM `${lake_dataset}.landed_files` AS ledger
    LEFT JOIN `${transactions_dataset}.unpacked_files` AS done
      ON done.source_file = ledger.source_file
      AND done.load_id = ledger.load_id
    WHERE ledger.source = 'transactions' AND done.source_file IS NULL
  ) THEN
    RETURN;
  END IF;

  -- The lock row, once. Two first calls may both insert it (inserts do not
  -- conflict); harmless, since the UPDATE below mutates every row.
  IF NOT EXISTS (SELECT 1 FROM `${transactions_dataset}.unpack_lock`) THEN
    INSERT INTO `${transactions_dataset}.unpack_lock` (lock_name, locked_at) VALUES ('unpack', NULL);
  END IF;

  BEGIN TRANSACTION;

  -- First statement: makes overlapping calls conflict (see the header).
  UPDATE `${transactions_dataset}.unpack_lock` SET locked_at = CURRENT_TIMESTAMP() WHERE TRUE;

  -- One row per file and load, however many ledger rows it has.
  CREATE OR REPLACE TEMP TABLE pending_files AS
  SELECT
    ledger.source_file,
    ledger.load_id,
    MIN(ledger.landed_at) AS landed_at,
    MAX(ledger.records_landed) AS records_landed,
    -- 8-byte stand-ins for the file in batch: later statements that only
    -- count or index rows by file read these instead of the names.
    ROW_NUMBER() OVER (ORDER BY ledger.source_file, ledger.load_id) AS file_no,
    FARM_FINGERPRINT(ledger.source_file) AS source_file_fingerprint
  FROM
    `${lake_dataset}.landed_files` AS ledger
  LEFT JOIN
    `${transactions_dataset}.unpacked_files` AS done
    ON done.source_file = ledger.source_file
    AND done.load_id = ledger.load_id
  WHERE
    ledger.source = 'transactions'
    AND done.source_file IS NULL
  GROUP BY
    ledger.source_file,
    ledger.load_id;

  -- Several variables from one query: every statement of a script is a child
  -- job billed at least 10 MB per table it reads
  -- (https://cloud.google.com/bigquery/pricing#on_demand_pricing), so a temp
  -- table is read once for all of them
  -- (https://cloud.google.com/bigquery/docs/reference/standard-sql/procedural-language#set).
  SET (first_landed_at, last_landed_at, pending_days) = (
    SELECT AS STRUCT MIN(landed_at), MAX(landed_at), ARRAY_AGG(DISTINCT DATE(landed_at))
    FROM pending_files
  );

  -- No pending file (landed_at is NOT NULL): a call that committed since the
  -- check above took them all.
  IF first_landed_at IS NULL THEN
    ROLLBACK TRANSACTION;
    RETURN;
  END IF;

  -- Only the columns the writes below need: every later statement that reads
  -- batch is billed for each referenced column over the whole batch
  -- (https://cloud.google.com/bigquery/pricing#data).
  CREATE OR REPLACE TEMP TABLE batch AS
  SELECT
    -- The file as file_no (8 bytes): its source_file and load_id (100 bytes a
    -- row) are read from pending_files where needed.
    pending_files.file_no, pending_files.source_file_fingerprint,
    lake.ingestion_timestamp, lake.source_offset, lake.record_hash,
    lake.transaction_id, lake.customer_id, lake.transaction_date, lake.amount, lake.currency, lake.merchant, lake.category,
    lake.value_fingerprint, lake.reason_code,
    -- What the rejects insert (its one reader) needs of an invalid row, NULL on
    -- a valid one: NULL counts 0 bytes
    -- (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#data_type_sizes), so that
    -- insert is billed for the invalid rows only, not for these columns of the
    -- whole batch. A conflicting row's line is read again below, rarely.
    IF(
      lake.reason_code IS NULL,
      NULL,
      STRUCT(
        pending_files.file_no AS file_no, lake.source_offset AS source_offset,
        lake.ingestion_timestamp AS ingestion_timestamp, lake.record_hash AS record_hash,
        lake.data_string AS data_string, lake.transaction_id AS transaction_id,
        lake.reason_code AS reason_code, lake.reason AS reason)
    ) AS rejected
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
    AND DATE(lake.ingestion_timestamp) IN UNNEST(pending_days)
  -- An exact copy of a lake row (a STREAMING_INSERTS retry can write one) is
  -- the same record (source_offset is unique within a file): keep one.
  QUALIFY
    ROW_NUMBER() OVER (
      PARTITION BY lake.load_id, lake.source_file, lake.source_offset
      ORDER BY lake.record_hash, lake.data_string
    ) = 1;

  -- Which of the batch's ids are typed already, and what classifying a
  -- re-sent row needs: the kept row's fingerprint, ordering key and position.
  -- (The months too: the bounds of the monthly totals this call adds to.)
  SET (first_id, last_id, first_batch_month, last_batch_month) = (
    SELECT AS STRUCT
      MIN(transaction_id), MAX(transaction_id),
      DATE_TRUNC(MIN(transaction_date), MONTH), DATE_TRUNC(MAX(transaction_date), MONTH)
    FROM batch
    WHERE reason_code IS NULL
  );

  -- Only 8-byte columns besides the id: BigQuery bills every referenced column
  -- over the blocks in range, so the kept row's file is a fingerprint, its
  -- name read back from unpacked_files (one row per file), and the index's
  -- date and customer are read only for the rare typed rows to look up. The
  -- batch's earliest row per id comes along (batch is read once here, not
  -- again to find the ids whose kept row may change).
  CREATE OR REPLACE TEMP TABLE known_ids AS
  WITH
    files AS (
      SELECT DISTINCT source_file, FARM_FINGERPRINT(source_file) AS source_file_fingerprint
      FROM `${transactions_dataset}.unpacked_files`
    ),

    batch_ids AS (
      SELECT transaction_id, MIN(ingestion_timestamp) AS first_batch_at
      FROM batch
      WHERE reason_code IS NULL
      GROUP BY transaction_id
    )

  SELECT DISTINCT
    keys.transaction_id,
    keys.value_fingerprint,
    keys.ingestion_timestamp,
    files.source_file,
    keys.source_offset,
    batch_ids.first_batch_at
  FROM
    `${transactions_dataset}.transaction_keys` AS keys
  INNER JOIN
    batch_ids
    ON batch_ids.transaction_id = keys.transaction_id
  LEFT JOIN
    files
    ON files.source_file_fingerprint = keys.source_file_fingerprint
  WHERE
    -- Constant bounds on the clustering column: BigQuery reads only the blocks in range.
    keys.transaction_id BETWEEN first_id AND last_id;

  -- The known ids whose typed row must be read (rare): a batch row that may
  -- sort before the kept row (landed no later than it: its kept row may
  -- change), an index row from before the fingerprint, or an index row whose
  -- file is no longer unpacked (source_file not found: the typed tables were
  -- emptied for a rebuild). Every other known id is classified from the index alone.
  CREATE OR REPLACE TEMP TABLE typed_lookup AS
  SELECT DISTINCT
    transaction_id,
    -- Only a tie on ingestion_timestamp puts it here (settled just below).
    NOT needs_typed_row AS is_tie
  FROM (
    SELECT
      known.transaction_id,
      known.value_fingerprint IS NULL
        OR known.ingestion_timestamp IS NULL
        OR known.source_file IS NULL
        OR known.source_offset IS NULL
        OR known.first_batch_at < known.ingestion_timestamp AS needs_typed_row,
      known.first_batch_at = known.ingestion_timestamp AS ties
    FROM
      known_ids AS known
  )
  WHERE
    needs_typed_row OR ties;

  -- A tie: a batch row landed by the same run as the kept row (that run's
  -- files were unpacked by two calls, its ledger rows committing in between:
  -- an unpack overlapping a landing). Rows of one run sort by source_file,
  -- then source_offset, so the index tells whether a batch row sorts before
  -- the kept row; only then is its typed row needed. An equal file name is
  -- another load (a file is unpacked whole): its typed row is read. Settling
  -- ties here keeps an unpack that overlaps a landing from reading the
  -- months of transactions of every re-sent id below.
  IF EXISTS (SELECT 1 FROM typed_lookup WHERE is_tie) THEN
    DELETE FROM typed_lookup
    WHERE
      is_tie
      AND transaction_id NOT IN (
        SELECT batch.transaction_id
        FROM batch
        INNER JOIN pending_files AS files
          ON files.file_no = batch.file_no
        INNER JOIN known_ids AS known
          ON known.transaction_id = batch.transaction_id
          AND known.ingestion_timestamp = batch.ingestion_timestamp
        WHERE
          batch.reason_code IS NULL
          AND files.source_file <= known.source_file);
  END IF;

  IF EXISTS (SELECT 1 FROM typed_lookup) THEN
    -- Where their typed rows are (the index's date and customer).
    CREATE OR REPLACE TEMP TABLE typed_lookup AS
    SELECT DISTINCT
      keys.transaction_id,
      keys.transaction_date,
      keys.customer_id
    FROM
      `${transactions_dataset}.transaction_keys` AS keys
    WHERE
      keys.transaction_id BETWEEN first_id AND last_id
      AND keys.transaction_id IN (SELECT transaction_id FROM typed_lookup);

    -- Their typed rows: only their months (partitions), and their customers
    -- (clusters) while the list is short enough for a script variable (else
    -- the list is NULL, matches nothing, and the statement after the next one
    -- reads the months without it).
    SET (known_dates, known_first_date, known_last_date, known_customers) = (
      SELECT AS STRUCT
        ARRAY_AGG(DISTINCT transaction_date), MIN(transaction_date), MAX(transaction_date),
        IF(COUNT(DISTINCT customer_id) <= 10000, ARRAY_AGG(DISTINCT customer_id), NULL)
      FROM typed_lookup
    );

    CREATE OR REPLACE TEMP TABLE typed_before AS
    SELECT
      transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
      source_file, source_offset, ingestion_timestamp, load_id, unpacked_at
    FROM
      `${transactions_dataset}.transactions`
    WHERE
      transaction_date BETWEEN known_first_date AND known_last_date
      AND transaction_date IN UNNEST(known_dates)
      AND customer_id IN UNNEST(known_customers)
      AND transaction_id IN (SELECT transaction_id FROM typed_lookup);

    -- Without the customer filter when the list was too long, or when it missed
    -- a row (an index row out of step with its typed row).
    IF (SELECT COUNT(*) FROM typed_before) < (SELECT COUNT(DISTINCT transaction_id) FROM typed_lookup) THEN
      CREATE OR REPLACE TEMP TABLE typed_before AS
      SELECT
        transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
        source_file, source_offset, ingestion_timestamp, load_id, unpacked_at
      FROM
        `${transactions_dataset}.transactions`
      WHERE
        transaction_date BETWEEN known_first_date AND known_last_date
        AND transaction_date IN UNNEST(known_dates)
        AND transaction_id IN (SELECT transaction_id FROM typed_lookup);
    END IF;
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
    INNER JOIN
      pending_files AS files
      ON files.file_no = batch.file_no
    WHERE
      batch.ingestion_timestamp < kept.ingestion_timestamp
      OR (batch.ingestion_timestamp = kept.ingestion_timestamp AND (
        files.source_file < kept.source_file
        OR (files.source_file = kept.source_file AND (
          batch.source_offset < kept.source_offset
          OR (batch.source_offset = kept.source_offset AND files.load_id < kept.load_id)))));
  ELSE
    -- Nothing to read: an empty table of the same shape.
    CREATE OR REPLACE TEMP TABLE typed_before AS
    SELECT
      transaction_id, CAST(NULL AS STRING) AS customer_id, CAST(NULL AS DATE) AS transaction_date,
      CAST(NULL AS NUMERIC) AS amount, CAST(NULL AS STRING) AS currency,
      CAST(NULL AS STRING) AS merchant, CAST(NULL AS STRING) AS category,
      CAST(NULL AS STRING) AS source_file, CAST(NULL AS INT64) AS source_offset,
      CAST(NULL AS TIMESTAMP) AS ingestion_timestamp, CAST(NULL AS STRING) AS load_id,
      CAST(NULL AS TIMESTAMP) AS unpacked_at
    FROM
      typed_lookup;
    CREATE OR REPLACE TEMP TABLE rekeyed AS
    SELECT transaction_id FROM typed_lookup;
  END IF;

  -- Every row competing for a re-sent transaction_id (typed before, or more
  -- than once in this batch): the batch's valid rows of those ids, the kept
  -- row of every known id that is not rekeyed (from the index, or its typed
  -- row when that was read), and below, for rekeyed ids, their rows re-read.
  -- A batch row of any other id is typed as it is, without being copied here.
  CREATE OR REPLACE TEMP TABLE contenders AS
  WITH
    repeated_in_batch AS (
      SELECT transaction_id
      FROM batch
      WHERE reason_code IS NULL
      GROUP BY transaction_id
      HAVING COUNT(*) > 1
    )

  -- A batch row brings only what ranks and classifies it (and record_hash,
  -- for its duplicates row); the inserts below take its other columns from
  -- batch by (file_no, source_offset).
  SELECT
    CAST(NULL AS STRING) AS data_string, batch.ingestion_timestamp, files.source_file, batch.source_offset,
    batch.record_hash, files.load_id,
    batch.transaction_id, CAST(NULL AS STRING) AS customer_id, CAST(NULL AS DATE) AS transaction_date,
    CAST(NULL AS NUMERIC) AS amount, CAST(NULL AS STRING) AS currency, CAST(NULL AS STRING) AS merchant,
    CAST(NULL AS STRING) AS category, batch.value_fingerprint,
    batch.file_no,
    CAST(NULL AS TIMESTAMP) AS first_unpacked_at,
    FALSE AS is_typed_before
  FROM
    batch
  INNER JOIN
    pending_files AS files
    ON files.file_no = batch.file_no
  WHERE
    batch.reason_code IS NULL
    AND (
      batch.transaction_id IN (SELECT transaction_id FROM known_ids)
      OR batch.transaction_id IN (SELECT transaction_id FROM repeated_in_batch))
  UNION ALL
  SELECT
    CAST(NULL AS STRING), ingestion_timestamp, source_file, source_offset, CAST(NULL AS STRING), CAST(NULL AS STRING),
    transaction_id, CAST(NULL AS STRING), CAST(NULL AS DATE), CAST(NULL AS NUMERIC), CAST(NULL AS STRING), CAST(NULL AS STRING),
    CAST(NULL AS STRING), value_fingerprint,
    CAST(NULL AS INT64),
    CAST(NULL AS TIMESTAMP),
    TRUE
  FROM
    known_ids
  WHERE
    transaction_id NOT IN (SELECT transaction_id FROM typed_lookup)
  UNION ALL
  SELECT
    CAST(NULL AS STRING), ingestion_timestamp, source_file, source_offset, CAST(NULL AS STRING), load_id,
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    -- The same canonical form as typed_lake_records.value_fingerprint and
    -- migrations/001 (all three must stay identical).
    FARM_FINGERPRINT(CONCAT(
      CAST(LENGTH(customer_id) AS STRING), ':', customer_id, '|',
      CAST(transaction_date AS STRING), '|',
      CAST(amount AS STRING), '|',
      CAST(LENGTH(currency) AS STRING), ':', currency, '|',
      IFNULL(CONCAT(CAST(LENGTH(merchant) AS STRING), ':', merchant), '-'), '|',
      IFNULL(CONCAT(CAST(LENGTH(category) AS STRING), ':', category), '-'))),
    CAST(NULL AS INT64),
    unpacked_at,
    TRUE
  FROM
    typed_before
  WHERE
    transaction_id NOT IN (SELECT transaction_id FROM rekeyed);

  IF EXISTS (SELECT 1 FROM rekeyed) THEN
    -- Every other row of a rekeyed id sorts after its typed row, so it was
    -- landed on or after that row's day: the partitions of duplicates and
    -- rejects to read start there.
    SET rekeyed_since = (
      SELECT TIMESTAMP_TRUNC(MIN(ingestion_timestamp), DAY)
      FROM typed_before
      WHERE transaction_id IN (SELECT transaction_id FROM rekeyed)
    );

    -- Where the rows unpacked so far for the rekeyed ids are: typed, duplicate
    -- or conflicting_duplicate reject (clustered by transaction_id).
    CREATE OR REPLACE TEMP TABLE rekeyed_rows AS
    SELECT load_id, source_file, source_offset, ingestion_timestamp, unpacked_at AS first_unpacked_at
    FROM typed_before
    WHERE transaction_id IN (SELECT transaction_id FROM rekeyed)
    UNION ALL
    SELECT load_id, source_file, source_offset, ingestion_timestamp, detected_at
    FROM `${transactions_dataset}.duplicates`
    WHERE
      ingestion_timestamp >= rekeyed_since
      AND transaction_id BETWEEN first_id AND last_id
      AND transaction_id IN (SELECT transaction_id FROM rekeyed)
    UNION ALL
    SELECT load_id, source_file, source_offset, ingestion_timestamp, rejected_at
    FROM `${transactions_dataset}.rejects`
    WHERE
      ingestion_timestamp >= rekeyed_since
      AND reason_code = 'conflicting_duplicate'
      AND transaction_id BETWEEN first_id AND last_id
      AND transaction_id IN (SELECT transaction_id FROM rekeyed);

    SET (rekeyed_days, rekeyed_first_day, rekeyed_last_day) = (
      SELECT AS STRUCT
        ARRAY_AGG(DISTINCT DATE(ingestion_timestamp)), MIN(DATE(ingestion_timestamp)),
        MAX(DATE(ingestion_timestamp))
      FROM rekeyed_rows
    );

    CREATE OR REPLACE TEMP TABLE reread AS
    SELECT
      lake.data_string, lake.ingestion_timestamp, lake.source_file, lake.source_offset, lake.record_hash, lake.load_id,
      lake.transaction_id, lake.customer_id, lake.transaction_date, lake.amount, lake.currency, lake.merchant,
      lake.category, lake.value_fingerprint,
      rows_to_reread.first_unpacked_at
    FROM
      `${transactions_dataset}.typed_lake_records` AS lake
    INNER JOIN (
      SELECT load_id, source_file, source_offset, MIN(first_unpacked_at) AS first_unpacked_at
      FROM rekeyed_rows
      GROUP BY load_id, source_file, source_offset
    ) AS rows_to_reread
      ON rows_to_reread.load_id = lake.load_id
      AND rows_to_reread.source_file = lake.source_file
      AND rows_to_reread.source_offset = lake.source_offset
    WHERE
      lake.ingestion_timestamp >= TIMESTAMP(rekeyed_first_day)
      AND lake.ingestion_timestamp < TIMESTAMP(DATE_ADD(rekeyed_last_day, INTERVAL 1 DAY))
      AND DATE(lake.ingestion_timestamp) IN UNNEST(rekeyed_days)
    -- Exact copies of a lake row count once, as in the batch.
    QUALIFY
      ROW_NUMBER() OVER (
        PARTITION BY lake.load_id, lake.source_file, lake.source_offset
        ORDER BY lake.record_hash, lake.data_string
      ) = 1;

    -- Never drop a row that was unpacked before: its lake row must still exist.
    IF (SELECT COUNT(*) FROM reread)
        != (SELECT COUNT(*) FROM (SELECT DISTINCT load_id, source_file, source_offset FROM rekeyed_rows)) THEN
      RAISE USING MESSAGE = 'transactions.unpack: rows to re-classify are missing from the lake; nothing was changed';
    END IF;

    INSERT INTO contenders (
      data_string, ingestion_timestamp, source_file, source_offset, record_hash, load_id,
      transaction_id, customer_id, transaction_date, amount, currency, merchant, category, value_fingerprint,
      file_no, first_unpacked_at, is_typed_before
    )
    SELECT
      data_string, ingestion_timestamp, source_file, source_offset, record_hash, load_id,
      transaction_id, customer_id, transaction_date, amount, currency, merchant, category, value_fingerprint,
      CAST(NULL AS INT64), first_unpacked_at, FALSE
    FROM
      reread;
  END IF;

  -- Each row against the row kept for its transaction_id: the first by
  -- ingestion_timestamp, source_file, source_offset, load_id. Same typed
  -- values: same fingerprint (FARM_FINGERPRINT is 64 bits: two different rows
  -- of one transaction_id match by chance with probability 2^-64).
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
        ranked.value_fingerprint = kept.value_fingerprint,
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
    WHERE
      transaction_date BETWEEN known_first_date AND known_last_date
      AND transaction_id IN (SELECT transaction_id FROM rekeyed);
    DELETE FROM `${transactions_dataset}.duplicates`
    WHERE
      ingestion_timestamp >= TIMESTAMP(rekeyed_first_day)
      AND ingestion_timestamp < TIMESTAMP(DATE_ADD(rekeyed_last_day, INTERVAL 1 DAY))
      AND transaction_id IN (SELECT transaction_id FROM rekeyed);
    DELETE FROM `${transactions_dataset}.rejects`
    WHERE
      ingestion_timestamp >= TIMESTAMP(rekeyed_first_day)
      AND ingestion_timestamp < TIMESTAMP(DATE_ADD(rekeyed_last_day, INTERVAL 1 DAY))
      AND reason_code = 'conflicting_duplicate'
      AND transaction_id IN (SELECT transaction_id FROM rekeyed);
  END IF;

  -- Index rows to rewrite: rekeyed ids, and ids whose index row had no typed
  -- row behind it (the typed table was emptied for a rebuild).
  CREATE OR REPLACE TEMP TABLE replaced_keys AS
  SELECT transaction_id FROM rekeyed
  UNION DISTINCT
  SELECT transaction_id FROM typed_lookup
  WHERE transaction_id NOT IN (SELECT transaction_id FROM typed_before);

  IF EXISTS (SELECT 1 FROM replaced_keys) THEN
    DELETE FROM `${transactions_dataset}.transaction_keys`
    WHERE
      transaction_id BETWEEN first_id AND last_id
      AND transaction_id IN (SELECT transaction_id FROM replaced_keys);
  END IF;

  -- The kept rows: a batch row of an id seen nowhere else, as it is; else the
  -- winner of its contest.
  INSERT INTO `${transactions_dataset}.transactions` (
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  )
  SELECT
    batch.transaction_id, batch.customer_id, batch.transaction_date, batch.amount, batch.currency, batch.merchant,
    batch.category, files.source_file, batch.source_offset, batch.ingestion_timestamp, batch.record_hash,
    files.load_id, CURRENT_TIMESTAMP()
  FROM
    batch
  INNER JOIN
    pending_files AS files
    ON files.file_no = batch.file_no
  LEFT JOIN
    outcomes
    ON outcomes.file_no = batch.file_no
    AND outcomes.source_offset = batch.source_offset
  WHERE
    batch.reason_code IS NULL
    AND IFNULL(outcomes.outcome, 'typed') = 'typed'
  UNION ALL
  SELECT
    transaction_id, customer_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, first_unpacked_at
  FROM
    outcomes
  WHERE
    outcome = 'typed'
    AND file_no IS NULL;

  -- customer_monthly_totals follows transactions in this transaction. The batch
  -- rows just typed (the first part of the INSERT above) are added to their
  -- customers' months; the ON condition bounds the target's months with script
  -- variables, so BigQuery reads only the batch's months of it
  -- (https://cloud.google.com/bigquery/docs/using-dml-with-partitioned-tables).
  MERGE `${transactions_dataset}.customer_monthly_totals` AS totals
  USING (
    SELECT
      batch.customer_id,
      DATE_TRUNC(batch.transaction_date, MONTH) AS month_start,
      SUM(batch.amount) AS total_amount,
      COUNT(*) AS transaction_count,
      MIN(batch.transaction_date) AS first_transaction_date,
      MAX(batch.transaction_date) AS last_transaction_date
    FROM
      batch
    LEFT JOIN
      outcomes
      ON outcomes.file_no = batch.file_no
      AND outcomes.source_offset = batch.source_offset
    WHERE
      batch.reason_code IS NULL
      AND IFNULL(outcomes.outcome, 'typed') = 'typed'
    GROUP BY
      batch.customer_id,
      month_start
  ) AS added
  ON totals.month_start BETWEEN first_batch_month AND last_batch_month
    AND totals.customer_id = added.customer_id
    AND totals.month_start = added.month_start
  WHEN MATCHED THEN
    UPDATE SET
      total_amount = totals.total_amount + added.total_amount,
      transaction_count = totals.transaction_count + added.transaction_count,
      first_transaction_date = LEAST(totals.first_transaction_date, added.first_transaction_date),
      last_transaction_date = GREATEST(totals.last_transaction_date, added.last_transaction_date)
  WHEN NOT MATCHED THEN
    INSERT (customer_id, month_start, total_amount, transaction_count, first_transaction_date, last_transaction_date)
    VALUES (
      added.customer_id, added.month_start, added.total_amount, added.transaction_count,
      added.first_transaction_date, added.last_transaction_date);

  -- Rare: re-keyed ids. Their old kept rows were deleted and their new kept rows
  -- may be lake rows re-read above (any month, not in the batch): those
  -- customers' months are counted again from transactions, which now holds the
  -- outcome (a month left without rows loses its row).
  IF EXISTS (SELECT 1 FROM rekeyed) THEN
    CREATE OR REPLACE TEMP TABLE recounted_months AS
    SELECT customer_id, DATE_TRUNC(transaction_date, MONTH) AS month_start
    FROM typed_before
    WHERE transaction_id IN (SELECT transaction_id FROM rekeyed)
    UNION DISTINCT
    SELECT customer_id, DATE_TRUNC(transaction_date, MONTH) AS month_start
    FROM outcomes
    WHERE outcome = 'typed' AND file_no IS NULL;

    SET (recount_first_month, recount_last_month) = (
      SELECT AS STRUCT MIN(month_start), MAX(month_start) FROM recounted_months
    );

    DELETE FROM `${transactions_dataset}.customer_monthly_totals` AS totals
    WHERE
      totals.month_start BETWEEN recount_first_month AND recount_last_month
      AND EXISTS (
        SELECT 1 FROM recounted_months AS recounted
        WHERE recounted.customer_id = totals.customer_id AND recounted.month_start = totals.month_start
      );

    INSERT INTO `${transactions_dataset}.customer_monthly_totals` (
      customer_id, month_start, total_amount, transaction_count, first_transaction_date, last_transaction_date
    )
    SELECT
      recounted.customer_id,
      recounted.month_start,
      SUM(txn.amount),
      COUNT(*),
      MIN(txn.transaction_date),
      MAX(txn.transaction_date)
    FROM
      `${transactions_dataset}.transactions` AS txn
    INNER JOIN
      recounted_months AS recounted
      ON recounted.customer_id = txn.customer_id
      AND recounted.month_start = DATE_TRUNC(txn.transaction_date, MONTH)
    WHERE
      txn.transaction_date >= recount_first_month
      AND txn.transaction_date < DATE_ADD(recount_last_month, INTERVAL 1 MONTH)
    GROUP BY
      recounted.customer_id,
      recounted.month_start;
  END IF;

  INSERT INTO `${transactions_dataset}.transaction_keys` (
    transaction_id, transaction_date, customer_id, value_fingerprint, ingestion_timestamp, source_file_fingerprint, source_offset
  )
  SELECT
    batch.transaction_id, batch.transaction_date, batch.customer_id, batch.value_fingerprint,
    batch.ingestion_timestamp, batch.source_file_fingerprint, batch.source_offset
  FROM
    batch
  LEFT JOIN
    outcomes
    ON outcomes.file_no = batch.file_no
    AND outcomes.source_offset = batch.source_offset
  WHERE
    batch.reason_code IS NULL
    AND IFNULL(outcomes.outcome, 'typed') = 'typed'
  UNION ALL
  SELECT
    transaction_id, transaction_date, customer_id, value_fingerprint, ingestion_timestamp,
    FARM_FINGERPRINT(source_file), source_offset
  FROM
    outcomes
  WHERE
    outcome = 'typed'
    AND file_no IS NULL;

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

  -- Rare: the lake lines of the batch's conflicting rows (batch keeps only
  -- the invalid rows' data_string), from the pending days of the lake.
  IF EXISTS (SELECT 1 FROM outcomes WHERE outcome = 'conflict' AND file_no IS NOT NULL) THEN
    CREATE OR REPLACE TEMP TABLE conflict_lines AS
    SELECT
      conflicts.file_no,
      conflicts.source_offset,
      lake.data_string
    FROM
      `${lake_dataset}.raw_records` AS lake
    INNER JOIN
      pending_files AS files
      ON files.source_file = lake.source_file
      AND files.load_id = lake.load_id
    INNER JOIN
      outcomes AS conflicts
      ON conflicts.file_no = files.file_no
      AND conflicts.source_offset = lake.source_offset
      AND conflicts.outcome = 'conflict'
    WHERE
      lake.source = 'transactions'
      AND lake.ingestion_timestamp >= TIMESTAMP_TRUNC(first_landed_at, DAY)
      AND lake.ingestion_timestamp < TIMESTAMP_ADD(TIMESTAMP_TRUNC(last_landed_at, DAY), INTERVAL 1 DAY)
      AND DATE(lake.ingestion_timestamp) IN UNNEST(pending_days)
    -- Exact copies of a lake row count once, as in the batch.
    QUALIFY
      ROW_NUMBER() OVER (
        PARTITION BY conflicts.file_no, conflicts.source_offset
        ORDER BY lake.record_hash, lake.data_string
      ) = 1;
  ELSE
    CREATE OR REPLACE TEMP TABLE conflict_lines AS
    SELECT file_no, source_offset, CAST(NULL AS STRING) AS data_string
    FROM outcomes
    WHERE FALSE;
  END IF;

  INSERT INTO `${transactions_dataset}.rejects` (
    record_hash, source_file, source_offset, ingestion_timestamp, load_id, source, data_string,
    transaction_id, reason_code, reason, rejected_at
  )
  -- Invalid rows: batch.rejected, NULL (0 bytes) on every valid row.
  SELECT
    batch.rejected.record_hash, files.source_file, batch.rejected.source_offset,
    batch.rejected.ingestion_timestamp, files.load_id, 'transactions', batch.rejected.data_string,
    batch.rejected.transaction_id, batch.rejected.reason_code, batch.rejected.reason,
    CURRENT_TIMESTAMP()
  FROM
    batch
  INNER JOIN
    pending_files AS files
    ON files.file_no = batch.rejected.file_no
  WHERE
    batch.rejected IS NOT NULL
  UNION ALL
  -- Conflicting rows: of the batch (their line from conflict_lines), and
  -- re-read for a re-keyed id (they keep when they were first rejected).
  SELECT
    conflicts.record_hash, conflicts.source_file, conflicts.source_offset, conflicts.ingestion_timestamp,
    conflicts.load_id, 'transactions', IFNULL(conflicts.data_string, lines.data_string),
    conflicts.transaction_id,
    'conflicting_duplicate',
    FORMAT(
      "transaction_id '%s' is already typed from %s at offset %d with different values",
      conflicts.transaction_id, conflicts.kept_source_file, conflicts.kept_source_offset),
    COALESCE(conflicts.first_unpacked_at, CURRENT_TIMESTAMP())
  FROM
    outcomes AS conflicts
  LEFT JOIN
    conflict_lines AS lines
    ON lines.file_no = conflicts.file_no
    AND lines.source_offset = conflicts.source_offset
  WHERE
    conflicts.outcome = 'conflict';

  INSERT INTO `${transactions_dataset}.unpacked_files` (
    source_file, load_id, landed_at, records_landed, records_unpacked, unpacked_at
  )
  WITH
    found AS (
      SELECT file_no, COUNT(*) AS records_unpacked
      FROM batch
      GROUP BY file_no
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
    ON found.file_no = pending_files.file_no;

  COMMIT TRANSACTION;
END;
