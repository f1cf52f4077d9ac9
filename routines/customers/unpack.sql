-- CALL customers.unpack(): types the lake rows of source customers that are not
-- unpacked yet and folds the valid ones into customers_history, a type 2 slowly
-- changing dimension; invalid rows go to rejects, rows that change nothing to
-- duplicates. Parameters: none. Returns: nothing (writes the tables above and
-- unpacked_files).
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
-- watermark would skip them. The transaction also makes a run all or nothing.
--
-- Overlapping calls (a Cloud Scheduler retry, a manual CALL during the
-- scheduled run). On BigQuery two transactions that only INSERT into a table
-- both commit, and the DELETEs below may match no row. The first statement of
-- the transaction therefore UPDATEs the one row of unpack_lock: a transaction
-- that updates or deletes rows of a table cannot run concurrently with another
-- one mutating that table, and BigQuery cancels the conflicting one
-- (https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency).
-- The cancelled call fails with BigQuery's error "Transaction is aborted due
-- to concurrent update against table ...customers.unpack_lock" and changes nothing;
-- its files are still pending, so the next call picks them up. No EXCEPTION
-- handler: any error ends the call and BigQuery rolls the whole transaction
-- back (a handler would take that on itself, and the local engine keeps a
-- transaction's changes once a handler has caught its error). The local
-- engine runs one job at a time, so there two calls run one after the other
-- (the second finds nothing pending).
--
-- Cost (bytes billed grow with the new rows, not with the tables):
-- - nothing pending: only the ledger and unpacked_files (one row per file) are
--   read, before the transaction and the lock: the call returns at once;
-- - the lake is read only in the partitions (days) of the pending files'
--   landed_at (= the rows' ingestion_timestamp), through script variables so
--   BigQuery prunes them;
-- - customers_history is partitioned by month of valid_to (NULL, the current
--   versions, in a partition of their own) and clustered by customer_id: it is
--   read and deleted from only where valid_to is NULL or at/after the batch's
--   earliest effective_at, for the batch's customers (script variables);
-- - duplicates only from the earliest reopened window on (monthly partitions),
--   for the reopened customers;
-- - a row that repeats the version in force at its time (the daily re-send of
--   an unchanged file) is written to duplicates and reopens nothing, so the
--   work of a day does not grow with the re-sends of earlier days.
-- Idempotent: a second call finds no pending file.
--
-- Lake rows of a load that never got a ledger row (a crashed landing, re-landed
-- by a later run) are never unpacked: their file's re-land carries the same
-- records. load_reconciliation shows them as rows_without_ledger.
--
-- Versions. Every valid row is an observation of its customer at effective_at
-- (updated_at, else ingestion_timestamp). A customer's observations are ordered
-- by effective_at, then ingestion_timestamp, source_file, source_offset, load_id;
-- an observation starts a version when its attributes differ from the previous
-- one's, and is a duplicate otherwise. Only a customer's observations from its
-- earliest new row on can change, so for each customer in the batch that window
-- (versions and duplicates from then on, plus the version in force just before
-- it) is re-derived with the new rows: an older row arriving late, several
-- versions in one file, a re-send or a change and change back all give the same
-- history as a rebuild from the whole lake, and an unchanged re-send rewrites
-- nothing.
CREATE OR REPLACE PROCEDURE `${customers_dataset}.unpack`()
OPTIONS (description = 'landfall: types the lake rows of source customers not yet unpacked (whole landed files, per lake.landed_files) into customers_history (SCD type 2), duplicates or rejects. Incremental, idempotent, race-safe; one transaction, which overlapping calls cannot both commit (unpack_lock).')
BEGIN
  DECLARE first_landed_at TIMESTAMP;
  DECLARE last_landed_at TIMESTAMP;
  DECLARE pending_days ARRAY<DATE>;
  DECLARE earliest_effective_at TIMESTAMP;
  DECLARE batch_customers ARRAY<STRING>;
  DECLARE earliest_reopen_from TIMESTAMP;
  DECLARE reopened_customers ARRAY<STRING>;

  -- Nothing pending: return before reading any large table or taking the lock.
  IF NOT EXISTS (
    SELECT 1
    FROM `${lake_dataset}.landed_files` AS ledger
    LEFT JOIN `${customers_dataset}.unpacked_files` AS done
      ON done.source_file = ledger.source_file
      AND done.load_id = ledger.load_id
    WHERE ledger.source = 'customers' AND done.source_file IS NULL
  ) THEN
    RETURN;
  END IF;

  -- The lock row, once. Two first calls may both insert it (inserts do not
  -- conflict); harmless, since the UPDATE below mutates every row.
  IF NOT EXISTS (SELECT 1 FROM `${customers_dataset}.unpack_lock`) THEN
    INSERT INTO `${customers_dataset}.unpack_lock` (lock_name, locked_at) VALUES ('unpack', NULL);
  END IF;

  BEGIN TRANSACTION;

  -- First statement: makes overlapping calls conflict (see the header).
  UPDATE `${customers_dataset}.unpack_lock` SET locked_at = CURRENT_TIMESTAMP() WHERE TRUE;

  -- One row per file and load, however many ledger rows it has.
  CREATE OR REPLACE TEMP TABLE pending_files AS
  SELECT
    ledger.source_file,
    ledger.load_id,
    MIN(ledger.landed_at) AS landed_at,
    MAX(ledger.records_landed) AS records_landed,
    -- An 8-byte stand-in for the file in batch (its name and load id are 100
    -- bytes a row), joined back here where a statement writes them.
    ROW_NUMBER() OVER (ORDER BY ledger.source_file, ledger.load_id) AS file_no
  FROM
    `${lake_dataset}.landed_files` AS ledger
  LEFT JOIN
    `${customers_dataset}.unpacked_files` AS done
    ON done.source_file = ledger.source_file
    AND done.load_id = ledger.load_id
  WHERE
    ledger.source = 'customers'
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

  -- The new observations (valid rows, reason_code NULL) with what versioning
  -- them needs, and for an invalid row what the rejects insert needs, in one
  -- STRUCT that is NULL on every valid row: NULL counts 0 bytes
  -- (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#data_type_sizes), so the
  -- rejects insert is billed for the invalid rows only.
  CREATE OR REPLACE TEMP TABLE batch AS
  SELECT
    lake.customer_id, lake.first_name, lake.last_name, lake.email, lake.date_of_birth, lake.city,
    lake.country, lake.updated_at, lake.effective_at,
    pending_files.file_no, lake.source_offset, lake.ingestion_timestamp, lake.record_hash,
    CURRENT_TIMESTAMP() AS unpacked_at,
    lake.reason_code,
    IF(
      lake.reason_code IS NULL,
      NULL,
      STRUCT(
        lake.source_file AS source_file, lake.source_offset AS source_offset,
        lake.ingestion_timestamp AS ingestion_timestamp, lake.record_hash AS record_hash,
        lake.load_id AS load_id, lake.source AS source, lake.data_string AS data_string,
        lake.customer_id AS customer_id, lake.reason_code AS reason_code, lake.reason AS reason)
    ) AS rejected
  FROM
    `${customers_dataset}.typed_lake_records` AS lake
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

  -- The new observations are the batch's valid rows (reason_code IS NULL).
  -- The batch's customers as a constant list for clustering pruning, while it
  -- is short enough for a script variable (NULL = no customer filter).
  SET (earliest_effective_at, batch_customers) = (
    SELECT AS STRUCT
      MIN(effective_at),
      IF(COUNT(DISTINCT customer_id) <= 10000, ARRAY_AGG(DISTINCT customer_id), NULL)
    FROM batch
    WHERE reason_code IS NULL
  );

  -- Only when the batch has valid rows (else there is nothing to version).
  IF earliest_effective_at IS NOT NULL THEN
    -- The versions the new rows can touch: of the batch's customers, in force
    -- at or after the earliest new row (a version ending before it cannot
    -- change). Only the columns that tell a plain duplicate: BigQuery bills
    -- every referenced column over the blocks read, and these are the versions
    -- of all the batch's customers (the affected ones are read in full below). Partition (valid_to) and cluster (customer_id) filters are
    -- script variables, so BigQuery prunes both (IS NULL reads the __NULL__
    -- partition only).
    IF batch_customers IS NOT NULL THEN
      CREATE OR REPLACE TEMP TABLE candidate_versions AS
      -- The current versions (the __NULL__ partition) ...
      SELECT
        history.customer_id, history.first_name, history.last_name, history.email,
        history.date_of_birth, history.city, history.country, history.valid_from, history.valid_to,
        history.ingestion_timestamp
      FROM
        `${customers_dataset}.customers_history` AS history
      WHERE
        history.valid_to IS NULL
        AND history.customer_id IN UNNEST(batch_customers)
        AND history.customer_id IN (SELECT customer_id FROM batch WHERE reason_code IS NULL)
      UNION ALL
      -- ... and the versions closed at or after the earliest new row.
      SELECT
        history.customer_id, history.first_name, history.last_name, history.email,
        history.date_of_birth, history.city, history.country, history.valid_from, history.valid_to,
        history.ingestion_timestamp
      FROM
        `${customers_dataset}.customers_history` AS history
      WHERE
        history.valid_to >= earliest_effective_at
        AND history.customer_id IN UNNEST(batch_customers)
        AND history.customer_id IN (SELECT customer_id FROM batch WHERE reason_code IS NULL);
    ELSE
      CREATE OR REPLACE TEMP TABLE candidate_versions AS
      -- The current versions (the __NULL__ partition) ...
      SELECT
        history.customer_id, history.first_name, history.last_name, history.email,
        history.date_of_birth, history.city, history.country, history.valid_from, history.valid_to,
        history.ingestion_timestamp
      FROM
        `${customers_dataset}.customers_history` AS history
      WHERE
        history.valid_to IS NULL
        AND history.customer_id IN (SELECT customer_id FROM batch WHERE reason_code IS NULL)
      UNION ALL
      -- ... and the versions closed at or after the earliest new row.
      SELECT
        history.customer_id, history.first_name, history.last_name, history.email,
        history.date_of_birth, history.city, history.country, history.valid_from, history.valid_to,
        history.ingestion_timestamp
      FROM
        `${customers_dataset}.customers_history` AS history
      WHERE
        history.valid_to >= earliest_effective_at
        AND history.customer_id IN (SELECT customer_id FROM batch WHERE reason_code IS NULL);
    END IF;

    -- A new row that repeats the version in force at its time, and sorts after
    -- that version's first row, changes no version: it is only a duplicate of
    -- it (the daily re-send of an unchanged file), a plain duplicate, with that
    -- version's valid_from (NULL for every other new row). Its customer is
    -- reopened only if another of its new rows needs it. One row per new
    -- observation (versions do not overlap, so at most one is in force), and
    -- only its key columns: the statements that read it need no more, and the
    -- plain duplicates' insert takes the rest from batch by (file_no, source_offset).
    CREATE OR REPLACE TEMP TABLE observed AS
    SELECT
      obs.file_no, obs.source_offset, obs.customer_id, obs.effective_at,
      -- Sorts after the version's first row. A tie on ingestion_timestamp
      -- too (rows of one landing run) is left to the re-derivation below: the
      -- customer is reopened, which gives the same history, and the version's
      -- file, offset and load (100 bytes a row) are not read for every batch
      -- customer to break a rare tie. Here, not in the join: the join matches
      -- at most one version (the one in force), and an OR in its condition
      -- makes the local engine compare every batch row with every version.
      IF(
        version.valid_from < obs.effective_at OR obs.ingestion_timestamp > version.ingestion_timestamp,
        version.valid_from,
        NULL) AS version_valid_from
    FROM
      batch AS obs
    LEFT JOIN
      candidate_versions AS version
      ON version.customer_id = obs.customer_id
      AND version.valid_from <= obs.effective_at
      -- In force at effective_at; the current version (valid_to NULL) ends never.
      AND IFNULL(version.valid_to, TIMESTAMP '9999-12-31 23:59:59.999999+00') > obs.effective_at
      AND obs.first_name IS NOT DISTINCT FROM version.first_name
      AND obs.last_name IS NOT DISTINCT FROM version.last_name
      AND obs.email IS NOT DISTINCT FROM version.email
      AND obs.date_of_birth IS NOT DISTINCT FROM version.date_of_birth
      AND obs.city IS NOT DISTINCT FROM version.city
      AND obs.country IS NOT DISTINCT FROM version.country
    WHERE
      obs.reason_code IS NULL;

    -- A customer's versions change only from its earliest new observation on:
    -- that is where its window to re-derive opens. Only customers with a new
    -- row that is not a plain duplicate.
    CREATE OR REPLACE TEMP TABLE affected_customers AS
    SELECT
      customer_id,
      MIN(effective_at) AS reopen_from
    FROM
      observed
    WHERE
      customer_id IN (SELECT customer_id FROM observed WHERE version_valid_from IS NULL)
    GROUP BY
      customer_id;

    SET (earliest_reopen_from, reopened_customers) = (
      SELECT AS STRUCT
        MIN(reopen_from), IF(COUNT(*) <= 10000, ARRAY_AGG(customer_id), NULL)
      FROM affected_customers
    );

    IF earliest_reopen_from IS NOT NULL THEN
      -- The affected customers' versions, every column: those in force at or
      -- after the earliest reopen_from (each customer's window and the version
      -- before it, which ends at or after its reopen_from). Partition and
      -- cluster filters as for candidate_versions.
      IF reopened_customers IS NOT NULL THEN
        CREATE OR REPLACE TEMP TABLE affected_history AS
        SELECT
          history.*
        FROM
          `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to IS NULL
          AND history.customer_id IN UNNEST(reopened_customers)
          AND history.customer_id IN (SELECT customer_id FROM affected_customers)
        UNION ALL
        SELECT
          history.*
        FROM
          `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to >= earliest_reopen_from
          AND history.customer_id IN UNNEST(reopened_customers)
          AND history.customer_id IN (SELECT customer_id FROM affected_customers);
      ELSE
        CREATE OR REPLACE TEMP TABLE affected_history AS
        SELECT
          history.*
        FROM
          `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to IS NULL
          AND history.customer_id IN (SELECT customer_id FROM affected_customers)
        UNION ALL
        SELECT
          history.*
        FROM
          `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to >= earliest_reopen_from
          AND history.customer_id IN (SELECT customer_id FROM affected_customers);
      END IF;

      -- The reopened customers' duplicates from their reopen_from on: monthly
      -- partitions from the earliest one, and their clusters while the list of
      -- customers is short enough for a script variable.
      IF reopened_customers IS NOT NULL THEN
        CREATE OR REPLACE TEMP TABLE reopened_duplicates AS
        SELECT
          duplicates.*
        FROM
          `${customers_dataset}.duplicates` AS duplicates
        INNER JOIN
          affected_customers
          USING (customer_id)
        WHERE
          duplicates.effective_at >= earliest_reopen_from
          AND duplicates.customer_id IN UNNEST(reopened_customers)
          AND duplicates.effective_at >= affected_customers.reopen_from;
      ELSE
        CREATE OR REPLACE TEMP TABLE reopened_duplicates AS
        SELECT
          duplicates.*
        FROM
          `${customers_dataset}.duplicates` AS duplicates
        INNER JOIN
          affected_customers
          USING (customer_id)
        WHERE
          duplicates.effective_at >= earliest_reopen_from
          AND duplicates.effective_at >= affected_customers.reopen_from;
      END IF;

      -- The window's observations, versioned, in one statement (each statement
      -- of a script is billed for the temp tables it reads, so the steps are
      -- CTEs, not tables): the affected customers' versions in the window
      -- (is_reopened) and the predecessor, the last one before it (context:
      -- the attributes the window starts from; it gets a new valid_to if the
      -- window's first version moves), their duplicates from reopen_from on and
      -- their new rows. unpacked_at is carried along: a row keeps when it was
      -- first unpacked.
      CREATE OR REPLACE TEMP TABLE versioned AS
      WITH
        affected_versions AS (
          SELECT
            history.*,
            history.valid_from >= affected_customers.reopen_from AS is_reopened,
            history.valid_from < affected_customers.reopen_from
              AND ROW_NUMBER() OVER (
                PARTITION BY history.customer_id, history.valid_from < affected_customers.reopen_from
                ORDER BY
                  history.valid_from DESC, history.ingestion_timestamp DESC, history.source_file DESC,
                  history.source_offset DESC, history.load_id DESC
              ) = 1 AS is_predecessor
          FROM
            affected_history AS history
          INNER JOIN
            affected_customers
            USING (customer_id)
        ),

        observations AS (
          SELECT
            customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
            valid_from AS effective_at,
            source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at,
            is_predecessor AS is_context,
            is_reopened,
            valid_to AS previous_valid_to
          FROM
            affected_versions
          WHERE
            is_reopened OR is_predecessor
          UNION ALL
          SELECT
            customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
            effective_at,
            source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at,
            FALSE,
            FALSE,
            CAST(NULL AS TIMESTAMP)
          FROM
            reopened_duplicates
          UNION ALL
          SELECT
            batch.customer_id, batch.first_name, batch.last_name, batch.email, batch.date_of_birth,
            batch.city, batch.country, batch.updated_at, batch.effective_at,
            files.source_file, batch.source_offset, batch.ingestion_timestamp, batch.record_hash,
            files.load_id, batch.unpacked_at,
            FALSE,
            FALSE,
            CAST(NULL AS TIMESTAMP)
          FROM
            batch
          INNER JOIN
            pending_files AS files
            ON files.file_no = batch.file_no
          WHERE
            batch.reason_code IS NULL
            AND batch.customer_id IN (SELECT customer_id FROM affected_customers)
        ),

        ordered AS (
          SELECT
            observations.*,
            ROW_NUMBER() OVER customer_timeline AS position,
            LAG(first_name) OVER customer_timeline AS previous_first_name,
            LAG(last_name) OVER customer_timeline AS previous_last_name,
            LAG(email) OVER customer_timeline AS previous_email,
            LAG(date_of_birth) OVER customer_timeline AS previous_date_of_birth,
            LAG(city) OVER customer_timeline AS previous_city,
            LAG(country) OVER customer_timeline AS previous_country
          FROM
            observations
          WINDOW customer_timeline AS (
            PARTITION BY customer_id
            ORDER BY effective_at, ingestion_timestamp, source_file, source_offset, load_id
          )
        ),

        flagged AS (
          SELECT
            ordered.*,
            position = 1
              OR first_name IS DISTINCT FROM previous_first_name
              OR last_name IS DISTINCT FROM previous_last_name
              OR email IS DISTINCT FROM previous_email
              OR date_of_birth IS DISTINCT FROM previous_date_of_birth
              OR city IS DISTINCT FROM previous_city
              OR country IS DISTINCT FROM previous_country
              AS starts_version
          FROM
            ordered
        )

      SELECT
        flagged.*,
        -- The version a duplicate repeats: the latest version started at or before it.
        LAST_VALUE(IF(starts_version, effective_at, NULL) IGNORE NULLS) OVER (
          PARTITION BY customer_id
          ORDER BY position
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS version_valid_from,
        -- Versions only: the next version's start ends this one.
        IF(
          starts_version,
          FIRST_VALUE(IF(starts_version, effective_at, NULL) IGNORE NULLS) OVER (
            PARTITION BY customer_id
            ORDER BY position
            ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
          ),
          NULL
        ) AS valid_to
      FROM
        flagged;

      -- Versions to write (read from versioned where used): all of the
      -- window's, and the predecessor only if its valid_to changed (so an
      -- unchanged re-send rewrites nothing). The history rows they replace, by
      -- lake row identity:
      CREATE OR REPLACE TEMP TABLE replaced_versions AS
      SELECT customer_id, load_id, source_file, source_offset
      FROM versioned
      WHERE is_reopened OR (starts_version AND is_context AND valid_to IS DISTINCT FROM previous_valid_to);

      -- Every replaced version is reopened or the predecessor: valid_to NULL or at
      -- or after its customer's reopen_from, so the partition filters lose none
      -- (one statement each for the current versions' __NULL__ partition and
      -- for the closed ones, so that each prunes on a plain comparison).
      IF reopened_customers IS NOT NULL THEN
        DELETE FROM `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to IS NULL
          AND history.customer_id IN UNNEST(reopened_customers)
          AND EXISTS (
            SELECT 1
            FROM replaced_versions
            WHERE
              replaced_versions.customer_id = history.customer_id
              AND replaced_versions.load_id = history.load_id
              AND replaced_versions.source_file = history.source_file
              AND replaced_versions.source_offset = history.source_offset
          );
        DELETE FROM `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to >= earliest_reopen_from
          AND history.customer_id IN UNNEST(reopened_customers)
          AND EXISTS (
            SELECT 1
            FROM replaced_versions
            WHERE
              replaced_versions.customer_id = history.customer_id
              AND replaced_versions.load_id = history.load_id
              AND replaced_versions.source_file = history.source_file
              AND replaced_versions.source_offset = history.source_offset
          );
      ELSE
        DELETE FROM `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to IS NULL
          AND EXISTS (
            SELECT 1
            FROM replaced_versions
            WHERE
              replaced_versions.customer_id = history.customer_id
              AND replaced_versions.load_id = history.load_id
              AND replaced_versions.source_file = history.source_file
              AND replaced_versions.source_offset = history.source_offset
          );
        DELETE FROM `${customers_dataset}.customers_history` AS history
        WHERE
          history.valid_to >= earliest_reopen_from
          AND EXISTS (
            SELECT 1
            FROM replaced_versions
            WHERE
              replaced_versions.customer_id = history.customer_id
              AND replaced_versions.load_id = history.load_id
              AND replaced_versions.source_file = history.source_file
              AND replaced_versions.source_offset = history.source_offset
          );
      END IF;

      INSERT INTO `${customers_dataset}.customers_history` (
        customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
        valid_from, valid_to, is_current,
        source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
      )
      SELECT
        customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
        effective_at, valid_to, valid_to IS NULL,
        source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
      FROM
        versioned
      WHERE
        starts_version
        AND (NOT is_context OR valid_to IS DISTINCT FROM previous_valid_to);

      IF reopened_customers IS NOT NULL THEN
        DELETE FROM `${customers_dataset}.duplicates` AS duplicates
        WHERE
          duplicates.effective_at >= earliest_reopen_from
          AND duplicates.customer_id IN UNNEST(reopened_customers)
          AND EXISTS (
            SELECT 1
            FROM affected_customers
            WHERE
              affected_customers.customer_id = duplicates.customer_id
              AND duplicates.effective_at >= affected_customers.reopen_from
          );
      ELSE
        DELETE FROM `${customers_dataset}.duplicates` AS duplicates
        WHERE
          duplicates.effective_at >= earliest_reopen_from
          AND EXISTS (
            SELECT 1
            FROM affected_customers
            WHERE
              affected_customers.customer_id = duplicates.customer_id
              AND duplicates.effective_at >= affected_customers.reopen_from
          );
      END IF;

      INSERT INTO `${customers_dataset}.duplicates` (
        customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
        effective_at, version_valid_from,
        source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
      )
      SELECT
        customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
        effective_at, version_valid_from,
        source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
      FROM
        versioned
      WHERE
        NOT starts_version;
    END IF;

    -- Plain duplicates of customers not reopened (the others are in versioned).
    INSERT INTO `${customers_dataset}.duplicates` (
      customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
      effective_at, version_valid_from,
      source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
    )
    SELECT
      batch.customer_id, batch.first_name, batch.last_name, batch.email, batch.date_of_birth,
      batch.city, batch.country, batch.updated_at, batch.effective_at, observed.version_valid_from,
      files.source_file, batch.source_offset, batch.ingestion_timestamp, batch.record_hash,
      files.load_id, batch.unpacked_at
    FROM
      observed
    INNER JOIN
      batch
      ON batch.file_no = observed.file_no
      AND batch.source_offset = observed.source_offset
    INNER JOIN
      pending_files AS files
      ON files.file_no = batch.file_no
    WHERE
      observed.version_valid_from IS NOT NULL
      AND observed.customer_id NOT IN (SELECT customer_id FROM affected_customers);
  END IF;

  INSERT INTO `${customers_dataset}.rejects` (
    record_hash, source_file, source_offset, ingestion_timestamp, load_id, source, data_string,
    customer_id, reason_code, reason, rejected_at
  )
  SELECT
    batch.rejected.record_hash, batch.rejected.source_file, batch.rejected.source_offset,
    batch.rejected.ingestion_timestamp, batch.rejected.load_id, batch.rejected.source,
    batch.rejected.data_string, batch.rejected.customer_id, batch.rejected.reason_code,
    batch.rejected.reason, CURRENT_TIMESTAMP()
  FROM
    batch
  WHERE
    batch.rejected IS NOT NULL;

  INSERT INTO `${customers_dataset}.unpacked_files` (
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
