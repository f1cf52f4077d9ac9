-- CALL privacy.erase_customer(customer_id, customer_key_hash, request_id,
-- transactions_mode, dry_run) (positional; the parameters are named erase_* in
-- the definition because no parameter may share a column's name): erases one customer's personal data from every
-- table (CONTRACT §6, docs/erasure.md), in one transaction, and returns the rows
-- it changed (or would change) per table. Called by scripts/erase_customer.sh
-- (dev.landfall.erasure.EraseCommand) with query parameters, so the id never
-- appears in a job's query text (INFORMATION_SCHEMA.JOBS keeps that 180 days).
--
-- Parameters:
--   customer_id        the id as the files carry it (trimmed here);
--   customer_key_hash  lower hex HMAC-SHA256 of the trimmed id under
--                      privacy.erasure_key, computed by the command (SQL never
--                      sees the key);
--   request_id         the request (ticket) id: letters, digits, . _ : / -;
--   transactions_mode  'delete' or 'pseudonymise' (config erasure.transactions);
--                      a request already logged keeps its logged mode;
--   dry_run            TRUE: count only, change nothing.
-- Returns one row per table: status ('erased', 'dry_run', 'unknown_customer',
-- 'already_erased'), transactions_mode, table_name (<package>.<table>),
-- row_count (rows deleted or rewritten).
--
-- What it does to the customer's rows:
--   lake.raw_records        the line's data_string becomes the marker
--                           {"_erased_by":"<request_id>"}, parse_error NULL,
--                           record_hash SHA-256 of the marker; provenance kept,
--                           so conservation counts it as erased. Pseudonymise
--                           mode: a transactions line keeps its fields with
--                           customer_id = erased:<customer_key_hash>, record_hash
--                           SHA-256 of the new data_string;
--   customers.customers_history, customers.duplicates, customers.rejects: deleted;
--   transactions.transactions, transaction_keys, duplicates, rejects: deleted
--                           (delete mode) or customer_id pseudonymised, the
--                           index fingerprint and the record hashes recomputed;
--   analytics.top_customers_snapshots: customer_id and attributes NULL,
--                           erased_by = request_id; the audit figures keep their
--                           values;
--   privacy.erasure_log     one row per request (never the id in clear);
--   privacy.erased_lines    the landing-file lines the command then removes.
--
-- Same request twice: whatever is left is erased (rows a landing committed
-- after the first run), and lines a landing marked for this request in files
-- landed since (a re-delivery) join erased_lines so the command cleans those
-- landing copies too; else nothing changes. Unknown id: nothing changes.
--
-- Locating the rows, so bytes billed grow with the customer's rows, not the lake:
--   - typed tables are clustered by customer_id (history, customers duplicates,
--     transactions): block pruning reads the customer's blocks; transactions
--     duplicates and transaction_keys are clustered by transaction_id and read
--     with the customer's ids (a script variable);
--   - rejects (small: the rejected share) are read whole on customer_id or
--     data_string: they have no customer_id clustering;
--   - the lake is reached through provenance: every typed, duplicate and
--     rejected row names its lake row (source_file, source_offset, load_id,
--     ingestion_timestamp); lines of files landed but not unpacked yet are read
--     from their days only (the ledger's pending files). Every lake statement
--     filters ingestion_timestamp with a script variable of those days, so
--     BigQuery prunes the lake to them.
-- At a 1 TB lake of 365 daily partitions (~2.7 GB a day), a customer whose
-- lines sit in d days costs about 3 × d × 2.7 GB: the read of those days'
-- data_string, then the lake UPDATE, billed for what it reads plus every
-- partition it modifies, whole ("t'",
-- https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax#on-demand_query_size_calculation);
-- plus the rejects (read whole: the rejected share, ~5-10 GB) and the blocks of
-- the clustered tables holding the customer (MBs). A customer in 20 days ≈ 170 GB;
-- one in every day ≈ 3 TB (a naive UPDATE by JSON_VALUE costs 2 TB for every
-- customer). A re-run also reads the days of files landed since the request. docs/erasure.md has the table; ErasureScansTest checks that
-- every lake statement here is partition-pruned.
--
-- Lake rows of a load that never got a ledger row (a crashed landing) are
-- neither typed nor pending: this procedure does not find them (docs/erasure.md:
-- load_reconciliation's rows_without_ledger names them).
--
-- Access: DML on a column with a policy tag needs Fine-Grained Reader on the tag
-- (https://cloud.google.com/bigquery/docs/column-level-security-writes); the
-- caller runs every statement (a procedure has no definer's rights), so the
-- erasure operators get it (terraform/pii.tf, access.erasure_groups).
--
-- Concurrency: the transaction first updates both unpack locks, so an unpack
-- running at the same time and this call conflict and BigQuery aborts one
-- (https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency);
-- an aborted erasure changed nothing: run it again with the same request id.
CREATE OR REPLACE PROCEDURE `${privacy_dataset}.erase_customer`(
  erase_customer_id STRING,
  erase_key_hash STRING,
  erase_request_id STRING,
  erase_transactions_mode STRING,
  erase_dry_run BOOL
)
OPTIONS (description = 'landfall: erases one customer (lake, customers, transactions, snapshots) in one transaction and logs the request with a keyed hash of the id; returns rows changed per table. Same request twice: only what is left; unknown id or dry run: no change.')
BEGIN
  DECLARE erased_id STRING DEFAULT TRIM(erase_customer_id);
  DECLARE key_hash STRING DEFAULT erase_key_hash;
  DECLARE request STRING DEFAULT erase_request_id;
  DECLARE mode STRING DEFAULT erase_transactions_mode;
  DECLARE counting_only BOOL DEFAULT IFNULL(erase_dry_run, TRUE);
  DECLARE pseudonym STRING DEFAULT CONCAT('erased:', erase_key_hash);
  DECLARE marker STRING DEFAULT CONCAT('{"_erased_by":"', erase_request_id, '"}');
  -- The id as one whole comma-separated field (optionally quoted) of a line that
  -- could not be parsed into fields: such a line is erased too.
  DECLARE id_field_pattern STRING DEFAULT CONCAT(
    r'(^|,)[ \t]*"?', REGEXP_REPLACE(TRIM(erase_customer_id), r'([\\.^$|?*+()\[\]{}])', r'\\\1'), r'"?[ \t]*(,|\r?$)');
  DECLARE logged_mode STRING;
  DECLARE status STRING;
  DECLARE lake_days ARRAY<DATE>;
  DECLARE pending_days ARRAY<DATE>;
  DECLARE relanded_days ARRAY<DATE>;
  DECLARE customer_transaction_ids ARRAY<STRING>;
  DECLARE counts ARRAY<STRUCT<table_name STRING, row_count INT64>>;

  IF erased_id IS NULL OR erased_id = '' THEN
    RAISE USING MESSAGE = 'erase_customer: customer_id is empty';
  END IF;
  IF key_hash IS NULL OR NOT REGEXP_CONTAINS(key_hash, r'^[0-9a-f]{64}$') THEN
    RAISE USING MESSAGE = 'erase_customer: customer_key_hash must be 64 lower-case hex digits (HMAC-SHA256)';
  END IF;
  -- The marker embeds the request id in JSON: no quote, backslash or control character.
  IF request IS NULL OR NOT REGEXP_CONTAINS(request, r'^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$') THEN
    RAISE USING MESSAGE = 'erase_customer: request_id must be 1-128 letters, digits or . _ : / - (starting with a letter or digit)';
  END IF;
  IF mode IS NULL OR mode NOT IN ('delete', 'pseudonymise') THEN
    RAISE USING MESSAGE = 'erase_customer: transactions_mode must be delete or pseudonymise';
  END IF;
  IF EXISTS (
    SELECT 1 FROM `${privacy_dataset}.erasure_log` AS log
    WHERE log.request_id = request AND log.customer_key_hash != key_hash
  ) THEN
    RAISE USING MESSAGE = 'erase_customer: this request_id was logged for another customer; use a new request_id';
  END IF;
  -- A request run again keeps the mode it was logged with.
  SET logged_mode = (
    SELECT MIN(log.transactions_mode) FROM `${privacy_dataset}.erasure_log` AS log
    WHERE log.request_id = request
  );
  SET mode = IFNULL(logged_mode, mode);

  BEGIN TRANSACTION;

  IF NOT counting_only THEN
    -- First statements: an unpack running now conflicts with this transaction
    -- (see the header), so it cannot commit the customer's pending lines typed.
    UPDATE `${customers_dataset}.unpack_lock` SET locked_at = CURRENT_TIMESTAMP() WHERE TRUE;
    UPDATE `${transactions_dataset}.unpack_lock` SET locked_at = CURRENT_TIMESTAMP() WHERE TRUE;
  END IF;

  -- The customer's typed, duplicate and rejected rows, with their lake provenance.
  CREATE OR REPLACE TEMP TABLE erase_customer_versions AS
  SELECT source_file, source_offset, load_id, ingestion_timestamp
  FROM `${customers_dataset}.customers_history` AS history
  WHERE history.customer_id = erased_id;

  CREATE OR REPLACE TEMP TABLE erase_customer_duplicates AS
  SELECT source_file, source_offset, load_id, ingestion_timestamp
  FROM `${customers_dataset}.duplicates` AS dup
  WHERE dup.customer_id = erased_id;

  -- A reject names the customer in customer_id, or (a line that could not be
  -- parsed) holds the id as one of its comma-separated fields.
  CREATE OR REPLACE TEMP TABLE erase_customer_rejects AS
  SELECT source_file, source_offset, load_id, ingestion_timestamp
  FROM `${customers_dataset}.rejects` AS rej
  WHERE
    rej.customer_id = erased_id
    OR (
      rej.customer_id IS NULL
      AND REGEXP_CONTAINS(IFNULL(JSON_VALUE(SAFE.PARSE_JSON(rej.data_string), '$._raw'), rej.data_string), id_field_pattern)
    );

  CREATE OR REPLACE TEMP TABLE erase_customer_transactions AS
  SELECT
    transaction_id, transaction_date, amount, currency, merchant, category,
    source_file, source_offset, load_id, ingestion_timestamp
  FROM `${transactions_dataset}.transactions` AS txn
  WHERE txn.customer_id = erased_id;

  SET customer_transaction_ids = (SELECT ARRAY_AGG(transaction_id) FROM erase_customer_transactions);
  SET customer_transaction_ids = IFNULL(customer_transaction_ids, []);

  -- Identical re-deliveries of the customer's transactions (same typed values,
  -- so the same customer).
  CREATE OR REPLACE TEMP TABLE erase_transaction_duplicates AS
  SELECT source_file, source_offset, load_id, ingestion_timestamp
  FROM `${transactions_dataset}.duplicates` AS dup
  WHERE dup.transaction_id IN UNNEST(customer_transaction_ids);

  CREATE OR REPLACE TEMP TABLE erase_transaction_rejects AS
  SELECT
    source_file, source_offset, load_id, ingestion_timestamp,
    -- A line with fields can be pseudonymised; one that could not be parsed cannot.
    JSON_VALUE(SAFE.PARSE_JSON(rej.data_string), '$.customer_id') IS NOT NULL AS has_fields
  FROM `${transactions_dataset}.rejects` AS rej
  WHERE
    TRIM(JSON_VALUE(SAFE.PARSE_JSON(rej.data_string), '$.customer_id')) = erased_id
    OR (
      JSON_VALUE(SAFE.PARSE_JSON(rej.data_string), '$.customer_id') IS NULL
      AND REGEXP_CONTAINS(IFNULL(JSON_VALUE(SAFE.PARSE_JSON(rej.data_string), '$._raw'), rej.data_string), id_field_pattern)
    );

  -- Files landed but not unpacked yet: their lines are in the lake only.
  CREATE OR REPLACE TEMP TABLE erase_pending_files AS
  SELECT ledger.source, ledger.source_file, ledger.load_id, MIN(ledger.landed_at) AS landed_at
  FROM `${lake_dataset}.landed_files` AS ledger
  LEFT JOIN `${customers_dataset}.unpacked_files` AS customers_done
    ON ledger.source = 'customers'
    AND customers_done.source_file = ledger.source_file
    AND customers_done.load_id = ledger.load_id
  LEFT JOIN `${transactions_dataset}.unpacked_files` AS transactions_done
    ON ledger.source = 'transactions'
    AND transactions_done.source_file = ledger.source_file
    AND transactions_done.load_id = ledger.load_id
  WHERE
    (ledger.source = 'customers' AND customers_done.source_file IS NULL)
    OR (ledger.source = 'transactions' AND transactions_done.source_file IS NULL)
  GROUP BY ledger.source, ledger.source_file, ledger.load_id;

  SET pending_days = (SELECT ARRAY_AGG(DISTINCT DATE(landed_at)) FROM erase_pending_files);
  SET pending_days = IFNULL(pending_days, []);

  CREATE OR REPLACE TEMP TABLE erase_pending_lines AS
  SELECT lake.source, lake.source_file, lake.source_offset, lake.load_id, lake.ingestion_timestamp
  FROM `${lake_dataset}.raw_records` AS lake
  INNER JOIN erase_pending_files AS pending
    ON pending.source = lake.source
    AND pending.source_file = lake.source_file
    AND pending.load_id = lake.load_id
  WHERE
    DATE(lake.ingestion_timestamp) IN UNNEST(pending_days)
    AND lake.source IN ('customers', 'transactions')
    AND NOT STARTS_WITH(lake.data_string, '{"_erased_by"')
    AND (
      TRIM(JSON_VALUE(SAFE.PARSE_JSON(lake.data_string), '$.customer_id')) = erased_id
      OR (
        JSON_VALUE(SAFE.PARSE_JSON(lake.data_string), '$.customer_id') IS NULL
        AND REGEXP_CONTAINS(IFNULL(JSON_VALUE(SAFE.PARSE_JSON(lake.data_string), '$._raw'), lake.data_string), id_field_pattern)
      )
    );

  -- Every lake row of the customer, by provenance.
  CREATE OR REPLACE TEMP TABLE erase_customer_lines AS
  SELECT DISTINCT source, source_file, source_offset, load_id, ingestion_timestamp
  FROM (
    SELECT 'customers' AS source, source_file, source_offset, load_id, ingestion_timestamp FROM erase_customer_versions
    UNION ALL
    SELECT 'customers', source_file, source_offset, load_id, ingestion_timestamp FROM erase_customer_duplicates
    UNION ALL
    SELECT 'customers', source_file, source_offset, load_id, ingestion_timestamp FROM erase_customer_rejects
    UNION ALL
    SELECT 'transactions', source_file, source_offset, load_id, ingestion_timestamp FROM erase_customer_transactions
    UNION ALL
    SELECT 'transactions', source_file, source_offset, load_id, ingestion_timestamp FROM erase_transaction_duplicates
    UNION ALL
    SELECT 'transactions', source_file, source_offset, load_id, ingestion_timestamp FROM erase_transaction_rejects
    UNION ALL
    SELECT source, source_file, source_offset, load_id, ingestion_timestamp FROM erase_pending_lines
  );

  SET lake_days = (SELECT ARRAY_AGG(DISTINCT DATE(ingestion_timestamp)) FROM erase_customer_lines);
  SET lake_days = IFNULL(lake_days, []);

  -- The new content of each of those lake rows. Pseudonymise mode: a
  -- transactions line with fields keeps them, customer_id replaced (the value is
  -- a JSON string: its escapes are matched so the replacement ends at its quote).
  CREATE OR REPLACE TEMP TABLE erase_lake_rewrites AS
  SELECT
    source, source_file, source_offset, load_id, ingestion_timestamp,
    new_data_string,
    TO_HEX(SHA256(new_data_string)) AS new_record_hash,
    new_data_string != marker AS pseudonymised
  FROM (
    SELECT
      lake.source, lake.source_file, lake.source_offset, lake.load_id, lake.ingestion_timestamp,
      IF(
        mode = 'pseudonymise'
          AND lake.source = 'transactions'
          AND JSON_VALUE(SAFE.PARSE_JSON(lake.data_string), '$.customer_id') IS NOT NULL,
        REGEXP_REPLACE(
          lake.data_string,
          r'"customer_id":"(?:[^"\\]|\\.)*"',
          CONCAT('"customer_id":"', pseudonym, '"')),
        marker
      ) AS new_data_string,
      lake.data_string
    FROM `${lake_dataset}.raw_records` AS lake
    INNER JOIN erase_customer_lines AS line
      ON line.source_file = lake.source_file
      AND line.source_offset = lake.source_offset
      AND line.load_id = lake.load_id
    WHERE DATE(lake.ingestion_timestamp) IN UNNEST(lake_days)
  )
  -- Already the new content (a line pseudonymised before): nothing to change.
  WHERE new_data_string != data_string;

  -- Lines of this request that a landing wrote (marked or pseudonymised, as the
  -- log told it) in files landed since the request was logged: a re-delivered
  -- file. The lake holds no personal data for them, but the landing copy does:
  -- they join erased_lines, so the command removes them from the file. Only the
  -- days of files landed since the request are read.
  SET relanded_days = (
    SELECT ARRAY_AGG(DISTINCT DATE(ledger.landed_at))
    FROM `${lake_dataset}.landed_files` AS ledger
    WHERE logged_mode IS NOT NULL
      AND ledger.landed_at >= (SELECT MIN(log.requested_at) FROM `${privacy_dataset}.erasure_log` AS log WHERE log.request_id = request)
  );
  SET relanded_days = IFNULL(relanded_days, []);

  CREATE OR REPLACE TEMP TABLE erase_relanded_lines AS
  SELECT
    lake.source, lake.source_file, lake.source_offset, lake.load_id, lake.ingestion_timestamp,
    lake.data_string != marker AS pseudonymised
  FROM `${lake_dataset}.raw_records` AS lake
  WHERE
    DATE(lake.ingestion_timestamp) IN UNNEST(relanded_days)
    AND lake.source IN ('customers', 'transactions')
    AND (
      lake.data_string = marker
      OR (lake.source = 'transactions' AND JSON_VALUE(SAFE.PARSE_JSON(lake.data_string), '$.customer_id') = pseudonym)
    )
    AND NOT EXISTS (
      SELECT 1 FROM `${privacy_dataset}.erased_lines` AS done
      WHERE done.request_id = request
        AND done.source_file = lake.source_file
        AND done.source_offset = lake.source_offset
        AND done.load_id = lake.load_id
    );

  CREATE OR REPLACE TEMP TABLE erase_customer_keys AS
  SELECT transaction_id
  FROM `${transactions_dataset}.transaction_keys` AS keys
  WHERE keys.transaction_id IN UNNEST(customer_transaction_ids) AND keys.customer_id = erased_id;

  CREATE OR REPLACE TEMP TABLE erase_customer_snapshot_rows AS
  SELECT snapshot_date
  FROM `${analytics_dataset}.top_customers_snapshots` AS snap
  WHERE snap.customer_id = erased_id;

  SET counts = (
    SELECT ARRAY_AGG(STRUCT(counted.table_name AS table_name, counted.row_count AS row_count) ORDER BY counted.position)
    FROM (
      SELECT 1 AS position, 'lake.raw_records' AS table_name, COUNT(*) AS row_count FROM erase_lake_rewrites
      UNION ALL SELECT 2, 'customers.customers_history', COUNT(*) FROM erase_customer_versions
      UNION ALL SELECT 3, 'customers.duplicates', COUNT(*) FROM erase_customer_duplicates
      UNION ALL SELECT 4, 'customers.rejects', COUNT(*) FROM erase_customer_rejects
      UNION ALL SELECT 5, 'transactions.transactions', COUNT(*) FROM erase_customer_transactions
      UNION ALL SELECT 6, 'transactions.transaction_keys', COUNT(*) FROM erase_customer_keys
      UNION ALL SELECT 7, 'transactions.duplicates', COUNT(*) FROM erase_transaction_duplicates
      UNION ALL SELECT 8, 'transactions.rejects', COUNT(*) FROM erase_transaction_rejects
      UNION ALL SELECT 9, 'analytics.top_customers_snapshots', COUNT(*) FROM erase_customer_snapshot_rows
    ) AS counted
  );

  SET status = CASE
    WHEN (SELECT SUM(c.row_count) FROM UNNEST(counts) AS c) > 0 THEN IF(counting_only, 'dry_run', 'erased')
    WHEN logged_mode IS NOT NULL THEN 'already_erased'
    ELSE 'unknown_customer'
  END;

  IF status = 'already_erased' AND NOT counting_only AND EXISTS (SELECT 1 FROM erase_relanded_lines) THEN
    -- Nothing left in the tables, but re-delivered landing copies to clean.
    INSERT INTO `${privacy_dataset}.erased_lines`
      (request_id, source, source_file, source_offset, load_id, ingestion_timestamp, pseudonymised, landing_rewritten_at)
    SELECT request, source, source_file, source_offset, load_id, ingestion_timestamp, pseudonymised, CAST(NULL AS TIMESTAMP)
    FROM erase_relanded_lines;
    COMMIT TRANSACTION;
  ELSEIF status != 'erased' THEN
    ROLLBACK TRANSACTION;
  ELSE
    UPDATE `${lake_dataset}.raw_records` AS lake
    SET
      data_string = rewrite.new_data_string,
      record_hash = rewrite.new_record_hash,
      parse_error = NULL
    FROM erase_lake_rewrites AS rewrite
    WHERE
      DATE(lake.ingestion_timestamp) IN UNNEST(lake_days)
      AND lake.source_file = rewrite.source_file
      AND lake.source_offset = rewrite.source_offset
      AND lake.load_id = rewrite.load_id;

    DELETE FROM `${customers_dataset}.customers_history` WHERE customer_id = erased_id;
    DELETE FROM `${customers_dataset}.duplicates` WHERE customer_id = erased_id;
    DELETE FROM `${customers_dataset}.rejects` AS rej
    WHERE EXISTS (
      SELECT 1 FROM erase_customer_rejects AS gone
      WHERE gone.source_file = rej.source_file
        AND gone.source_offset = rej.source_offset
        AND gone.load_id = rej.load_id
    );

    IF mode = 'delete' THEN
      DELETE FROM `${transactions_dataset}.transactions` WHERE customer_id = erased_id;
      DELETE FROM `${transactions_dataset}.transaction_keys`
      WHERE transaction_id IN UNNEST(customer_transaction_ids) AND customer_id = erased_id;
      DELETE FROM `${transactions_dataset}.duplicates`
      WHERE transaction_id IN UNNEST(customer_transaction_ids);
      DELETE FROM `${transactions_dataset}.rejects` AS rej
      WHERE EXISTS (
        SELECT 1 FROM erase_transaction_rejects AS gone
        WHERE gone.source_file = rej.source_file
          AND gone.source_offset = rej.source_offset
          AND gone.load_id = rej.load_id
      );
    ELSE
      -- The index fingerprint first, from the typed values with the pseudonym:
      -- the same canonical form as transactions.typed_lake_records, so a
      -- re-delivery pseudonymised at landing is a duplicate, not a conflict.
      UPDATE `${transactions_dataset}.transaction_keys` AS keys
      SET
        customer_id = pseudonym,
        value_fingerprint = FARM_FINGERPRINT(CONCAT(
          CAST(LENGTH(pseudonym) AS STRING), ':', pseudonym, '|',
          CAST(txn.transaction_date AS STRING), '|',
          CAST(txn.amount AS STRING), '|',
          CAST(LENGTH(txn.currency) AS STRING), ':', txn.currency, '|',
          IFNULL(CONCAT(CAST(LENGTH(txn.merchant) AS STRING), ':', txn.merchant), '-'), '|',
          IFNULL(CONCAT(CAST(LENGTH(txn.category) AS STRING), ':', txn.category), '-')))
      FROM erase_customer_transactions AS txn
      WHERE
        keys.transaction_id IN UNNEST(customer_transaction_ids)
        AND keys.transaction_id = txn.transaction_id
        AND keys.customer_id = erased_id;

      UPDATE `${transactions_dataset}.transactions` AS txn
      SET customer_id = pseudonym, record_hash = rewrite.new_record_hash
      FROM erase_lake_rewrites AS rewrite
      WHERE
        txn.customer_id = erased_id
        AND rewrite.source_file = txn.source_file
        AND rewrite.source_offset = txn.source_offset
        AND rewrite.load_id = txn.load_id;

      UPDATE `${transactions_dataset}.duplicates` AS dup
      SET record_hash = rewrite.new_record_hash
      FROM erase_lake_rewrites AS rewrite
      WHERE
        dup.transaction_id IN UNNEST(customer_transaction_ids)
        AND rewrite.source_file = dup.source_file
        AND rewrite.source_offset = dup.source_offset
        AND rewrite.load_id = dup.load_id;

      -- Rejects with fields keep them, pseudonymised like their lake row; a line
      -- that could not be parsed is erased in the lake, so its reject goes.
      UPDATE `${transactions_dataset}.rejects` AS rej
      SET data_string = rewrite.new_data_string, record_hash = rewrite.new_record_hash
      FROM erase_lake_rewrites AS rewrite
      WHERE
        rewrite.pseudonymised
        AND rewrite.source_file = rej.source_file
        AND rewrite.source_offset = rej.source_offset
        AND rewrite.load_id = rej.load_id;
      DELETE FROM `${transactions_dataset}.rejects` AS rej
      WHERE EXISTS (
        SELECT 1 FROM erase_transaction_rejects AS gone
        WHERE NOT gone.has_fields
          AND gone.source_file = rej.source_file
          AND gone.source_offset = rej.source_offset
          AND gone.load_id = rej.load_id
      );
    END IF;

    -- customer_monthly_totals follows transactions (see its DDL): the erased id's
    -- months and the pseudonym's are counted again from the rows left. Both ids
    -- are script variables, so BigQuery reads only their clusters.
    DELETE FROM `${transactions_dataset}.customer_monthly_totals`
    WHERE customer_id IN (erased_id, pseudonym);
    INSERT INTO `${transactions_dataset}.customer_monthly_totals` (
      customer_id, month_start, total_amount, transaction_count, first_transaction_date, last_transaction_date
    )
    SELECT
      txn.customer_id,
      DATE_TRUNC(txn.transaction_date, MONTH) AS month_start,
      SUM(txn.amount),
      COUNT(*),
      MIN(txn.transaction_date),
      MAX(txn.transaction_date)
    FROM
      `${transactions_dataset}.transactions` AS txn
    WHERE
      txn.customer_id IN (erased_id, pseudonym)
    GROUP BY
      txn.customer_id,
      month_start;

    UPDATE `${analytics_dataset}.top_customers_snapshots`
    SET
      customer_id = NULL,
      first_name = NULL,
      last_name = NULL,
      email = NULL,
      date_of_birth = NULL,
      city = NULL,
      country = NULL,
      erased_by = request
    WHERE customer_id = erased_id;

    -- The lines the command removes from the landing files (by provenance).
    INSERT INTO `${privacy_dataset}.erased_lines`
      (request_id, source, source_file, source_offset, load_id, ingestion_timestamp, pseudonymised, landing_rewritten_at)
    SELECT request, source, source_file, source_offset, load_id, ingestion_timestamp, pseudonymised, CAST(NULL AS TIMESTAMP)
    FROM erase_lake_rewrites
    UNION ALL
    SELECT request, source, source_file, source_offset, load_id, ingestion_timestamp, pseudonymised, CAST(NULL AS TIMESTAMP)
    FROM erase_relanded_lines;

    IF logged_mode IS NULL THEN
      INSERT INTO `${privacy_dataset}.erasure_log`
        (request_id, requested_at, customer_key_hash, transactions_mode, row_counts, landing_copies_rewritten)
      VALUES (request, CURRENT_TIMESTAMP(), key_hash, mode, counts, NULL);
    ELSE
      -- The same request again (after a landing that committed meanwhile): add.
      UPDATE `${privacy_dataset}.erasure_log` AS log
      SET row_counts = ARRAY(
        SELECT AS STRUCT c.table_name, SUM(c.row_count) AS row_count
        FROM UNNEST(ARRAY_CONCAT(IFNULL(log.row_counts, []), counts)) AS c
        GROUP BY c.table_name
        ORDER BY c.table_name
      )
      WHERE log.request_id = request;
    END IF;

    COMMIT TRANSACTION;
  END IF;

  SELECT status, mode AS transactions_mode, c.table_name, c.row_count
  FROM UNNEST(counts) AS c WITH OFFSET AS position
  ORDER BY position;
END;
