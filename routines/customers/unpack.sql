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
-- watermark would skip them. The transaction also makes a run all or nothing,
-- and two concurrent unpacks conflict instead of both unpacking the same files.
--
-- Incremental: the lake is read only in the partitions (days) of the pending
-- files' landed_at (= the rows' ingestion_timestamp), filtered through script
-- variables so BigQuery prunes them; history and duplicates are read only for
-- the customers in the batch (both clustered by customer_id). Idempotent: a
-- second call finds no pending file.
--
-- Lake rows of a load that never got a ledger row (a crashed landing, re-landed
-- by a later run) are never unpacked: their file's re-land carries the same
-- records. load_reconciliation shows them as rows_without_ledger.
--
-- Versions. Every valid row is an observation of its customer at effective_at
-- (updated_at, else ingestion_timestamp). A customer's observations are ordered
-- by effective_at, then ingestion_timestamp, source_file, source_offset, load_id;
-- an observation starts a version when its attributes differ from the previous
-- one's, and is a duplicate otherwise. For every customer in the batch the
-- versions are re-derived from all its observations (history + duplicates + new
-- rows), so an older row arriving late, several versions in one file, a re-send
-- or a change and change back all give the same history as a rebuild from the
-- whole lake.
CREATE OR REPLACE PROCEDURE `${customers_dataset}.unpack`()
OPTIONS (description = 'landfall: types the lake rows of source customers not yet unpacked (whole landed files, per lake.landed_files) into customers_history (SCD type 2), duplicates or rejects. Incremental, idempotent, race-safe; one transaction.')
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
    `${customers_dataset}.unpacked_files` AS done
    ON done.source_file = ledger.source_file
    AND done.load_id = ledger.load_id
  WHERE
    ledger.source = 'customers'
    AND done.source_file IS NULL;

  SET first_landed_at = (SELECT MIN(landed_at) FROM pending_files);
  SET last_landed_at = (SELECT MAX(landed_at) FROM pending_files);
  SET pending_days = (SELECT ARRAY_AGG(DISTINCT DATE(landed_at)) FROM pending_files);

  CREATE OR REPLACE TEMP TABLE batch AS
  SELECT
    lake.*
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
    AND DATE(lake.ingestion_timestamp) IN UNNEST(pending_days);

  CREATE OR REPLACE TEMP TABLE affected_customers AS
  SELECT DISTINCT customer_id FROM batch WHERE reason_code IS NULL;

  -- All observations of the affected customers; unpacked_at is carried along so
  -- a row keeps the time it was first unpacked.
  CREATE OR REPLACE TEMP TABLE observations AS
  SELECT
    customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
    valid_from AS effective_at,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  FROM
    `${customers_dataset}.customers_history`
  WHERE
    customer_id IN (SELECT customer_id FROM affected_customers)
  UNION ALL
  SELECT
    customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
    effective_at,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  FROM
    `${customers_dataset}.duplicates`
  WHERE
    customer_id IN (SELECT customer_id FROM affected_customers)
  UNION ALL
  SELECT
    customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
    effective_at,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, CURRENT_TIMESTAMP()
  FROM
    batch
  WHERE
    reason_code IS NULL;

  CREATE OR REPLACE TEMP TABLE versioned AS
  WITH
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
    ) AS version_valid_from
  FROM
    flagged;

  DELETE FROM `${customers_dataset}.customers_history`
  WHERE customer_id IN (SELECT customer_id FROM affected_customers);

  INSERT INTO `${customers_dataset}.customers_history` (
    customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
    valid_from, valid_to, is_current,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  )
  WITH
    versions AS (
      SELECT
        versioned.*,
        LEAD(effective_at) OVER (PARTITION BY customer_id ORDER BY position) AS next_valid_from
      FROM
        versioned
      WHERE
        starts_version
    )
  SELECT
    customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
    effective_at, next_valid_from, next_valid_from IS NULL,
    source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
  FROM
    versions;

  DELETE FROM `${customers_dataset}.duplicates`
  WHERE customer_id IN (SELECT customer_id FROM affected_customers);

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

  INSERT INTO `${customers_dataset}.rejects` (
    record_hash, source_file, source_offset, ingestion_timestamp, load_id, source, data_string,
    customer_id, reason_code, reason, rejected_at
  )
  SELECT
    record_hash, source_file, source_offset, ingestion_timestamp, load_id, source, data_string,
    customer_id, reason_code, reason, CURRENT_TIMESTAMP()
  FROM
    batch
  WHERE
    reason_code IS NOT NULL;

  INSERT INTO `${customers_dataset}.unpacked_files` (
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
