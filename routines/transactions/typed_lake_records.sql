-- Every lake row of source transactions but the erased ones, typed and
-- validated: the one place the typing and validation rules of transactions
-- live. unpack() reads it for new files only (filters on ingestion_timestamp, a
-- plain column here, prune lake partitions through the view); it also answers
-- "why was this row rejected?".
-- Rules (CONTRACT §1, §3): values are trimmed and blank means NULL; the first
-- failing check gives the reason, in this order: parse_error, malformed_json,
-- missing_required_column, missing_value, invalid_date, implausible_date,
-- invalid_amount, non_positive_amount, unsupported_currency.
-- (conflicting_duplicate needs the typed table, so unpack() decides it.)
--
-- Same answer on BigQuery and on the local engine (DuckDB), which is more
-- lenient: every date and timestamp is checked by pattern and range before it
-- is parsed, so a value BigQuery cannot represent (hour 24, second 60, year
-- 0000, an offset beyond +/-14:00, an instant past 9999-12-31 23:59:59.999999
-- UTC or before 0001-01-01 UTC; BigQuery's TIMESTAMP and DATE ranges:
-- https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#timestamp_type)
-- is invalid on both. A data_string that is not a JSON object is read as '{}'
-- (the JSON functions never see it: on the local engine they raise "Malformed
-- JSON") and rejected as malformed_json.
CREATE OR REPLACE VIEW `${transactions_dataset}.typed_lake_records`
(
  data_string OPTIONS (description = 'The lake data_string, unchanged.'),
  source OPTIONS (description = 'Lake source of the row.'),
  ingestion_timestamp OPTIONS (description = 'Start of the landing run (the lake partitioning column).'),
  source_file OPTIONS (description = 'Lake source_file.'),
  source_offset OPTIONS (description = 'Byte offset of the line in source_file.'),
  record_hash OPTIONS (description = 'Lake record_hash.'),
  load_id OPTIONS (description = 'Id of the landing run.'),
  parse_error OPTIONS (description = 'Why the landing could not parse the line, or NULL.'),
  transaction_id OPTIONS (description = 'Trimmed transaction_id; NULL when blank or absent.'),
  customer_id OPTIONS (description = 'Trimmed customer_id; NULL when blank or absent.'),
  transaction_date OPTIONS (description = 'Typed date; NULL when absent or unparseable.'),
  amount OPTIONS (description = 'Typed NUMERIC amount; NULL when absent or not a plain decimal.'),
  currency OPTIONS (description = 'Upper-cased currency; the base currency when blank or absent.'),
  merchant OPTIONS (description = 'Trimmed merchant; NULL when blank or absent.'),
  category OPTIONS (description = 'Trimmed category; NULL when blank or absent.'),
  reason_code OPTIONS (description = 'NULL for a valid row, else the first failing check (see README).'),
  reason OPTIONS (description = 'Human-readable explanation of reason_code.'),
  value_fingerprint OPTIONS (description = 'Valid rows: FARM_FINGERPRINT of the canonical typed values (customer_id, transaction_date, amount, currency, merchant, category), as stored in transaction_keys; NULL for a rejected row.')
)
OPTIONS (description = 'landfall: every lake row of source transactions typed and validated, except erased rows (data_string starting {"_erased_by"}); reason_code is NULL for a valid row. Read by CALL unpack() of this dataset.')
AS
WITH
  json_rows AS (
    SELECT
      data_string,
      source,
      ingestion_timestamp,
      source_file,
      source_offset,
      record_hash,
      load_id,
      parse_error,
      -- The JSON functions read json_text, never a malformed data_string.
      IF(is_json_object, data_string, '{}') AS json_text,
      is_json_object
    FROM (
      SELECT
        lake.*,
        COALESCE(JSON_TYPE(SAFE.PARSE_JSON(lake.data_string)) = 'object', FALSE) AS is_json_object
      FROM
        `${lake_dataset}.raw_records` AS lake
      WHERE
        lake.source = 'transactions'
        -- An erased line (CONTRACT §6; the marker {"_erased_by":"<request_id>"} the
        -- erase procedure or the landing wrote) is neither typed, rejected nor a
        -- duplicate: unpack() never sees it, load_reconciliation counts it erased.
        -- data_string is read here anyway (JSON parsing), so this costs no bytes.
        AND NOT STARTS_WITH(lake.data_string, '{"_erased_by"')
    )
  ),

  fields AS (
    SELECT
      json_rows.*,
      -- JSON_QUERY is NULL only when the key is absent: the file lacks the column.
      JSON_QUERY(json_text, '$.transaction_id') IS NOT NULL AS has_transaction_id,
      JSON_QUERY(json_text, '$.customer_id') IS NOT NULL AS has_customer_id,
      JSON_QUERY(json_text, '$.transaction_date') IS NOT NULL AS has_transaction_date,
      JSON_QUERY(json_text, '$.amount') IS NOT NULL AS has_amount,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.transaction_id')), '') AS transaction_id,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.customer_id')), '') AS customer_id,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.transaction_date')), '') AS transaction_date_text,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.amount')), '') AS amount_text,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.currency')), '') AS currency_text,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.merchant')), '') AS merchant,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.category')), '') AS category
    FROM
      json_rows
  ),

  typed AS (
    SELECT
      fields.*,
      -- YYYY-MM-DD as is; an ISO-8601 timestamp keeps the calendar date it was
      -- written with (its local date, not the UTC date), once the whole
      -- timestamp has passed the checks and parsed. Years 0001-9999, hours
      -- 00-23, seconds 00-59, offsets up to +/-14:00.
      IF(
        REGEXP_CONTAINS(transaction_date_text, r'^\d{4}-\d{2}-\d{2}$')
          OR (
            REGEXP_CONTAINS(
              transaction_date_text,
              r'^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-3])(:[0-5]\d)?|[+-]14(:00)?)?$')
            AND SAFE_CAST(transaction_date_text AS TIMESTAMP)
              BETWEEN TIMESTAMP '0001-01-01 00:00:00+00' AND TIMESTAMP '9999-12-31 23:59:59.999999+00'),
        IF(
          SUBSTR(transaction_date_text, 1, 4) = '0000',
          NULL,
          SAFE.PARSE_DATE('%Y-%m-%d', SUBSTR(transaction_date_text, 1, 10))),
        NULL
      ) AS transaction_date,
      -- Checked by regex before parsing: PARSE_NUMERIC alone would accept
      -- exponents and round a 10th decimal.
      IF(
        REGEXP_CONTAINS(amount_text, r'^[+-]?\d{1,29}(\.\d{1,9})?$'),
        SAFE.PARSE_NUMERIC(amount_text),
        NULL
      ) AS amount,
      COALESCE(UPPER(currency_text), '${base_currency}') AS currency,
      -- A transaction cannot be dated later than the day it was landed plus
      -- max_future_days (clock skew, time zones), nor before 1900: such a date
      -- is a typo that would stretch every monthly series.
      DATE_ADD(DATE(ingestion_timestamp), INTERVAL ${max_future_days} DAY) AS latest_plausible_date
    FROM
      fields
  ),

  validated AS (
    SELECT
      typed.*,
      CASE
        WHEN parse_error IS NOT NULL THEN 'parse_error'
        WHEN NOT is_json_object THEN 'malformed_json'
        WHEN NOT (has_transaction_id AND has_customer_id AND has_transaction_date AND has_amount)
          THEN 'missing_required_column'
        WHEN transaction_id IS NULL OR customer_id IS NULL OR transaction_date_text IS NULL OR amount_text IS NULL
          THEN 'missing_value'
        WHEN transaction_date IS NULL THEN 'invalid_date'
        WHEN transaction_date > latest_plausible_date OR transaction_date < DATE '1900-01-01' THEN 'implausible_date'
        WHEN amount IS NULL THEN 'invalid_amount'
        WHEN amount <= 0 THEN 'non_positive_amount'
        WHEN currency != '${base_currency}' THEN 'unsupported_currency'
      END AS reason_code
    FROM
      typed
  )

SELECT
  data_string,
  source,
  ingestion_timestamp,
  source_file,
  source_offset,
  record_hash,
  load_id,
  parse_error,
  transaction_id,
  customer_id,
  transaction_date,
  amount,
  currency,
  merchant,
  category,
  reason_code,
  CASE reason_code
    WHEN 'parse_error' THEN CONCAT('The line could not be parsed as CSV: ', parse_error)
    WHEN 'malformed_json' THEN 'data_string is not a JSON object: the lake row was not written by the landing, or was damaged'
    WHEN 'missing_required_column' THEN CONCAT(
      'The file has no required column ',
      ARRAY_TO_STRING([
        IF(has_transaction_id, NULL, 'transaction_id'),
        IF(has_customer_id, NULL, 'customer_id'),
        IF(has_transaction_date, NULL, 'transaction_date'),
        IF(has_amount, NULL, 'amount')
      ], ', '))
    WHEN 'missing_value' THEN CONCAT(
      'Required value is blank: ',
      ARRAY_TO_STRING([
        IF(transaction_id IS NULL, 'transaction_id', NULL),
        IF(customer_id IS NULL, 'customer_id', NULL),
        IF(transaction_date_text IS NULL, 'transaction_date', NULL),
        IF(amount_text IS NULL, 'amount', NULL)
      ], ', '))
    WHEN 'invalid_date' THEN FORMAT(
      "transaction_date '%s' is neither a valid YYYY-MM-DD date nor an ISO-8601 timestamp", transaction_date_text)
    WHEN 'implausible_date' THEN FORMAT(
      "transaction_date '%s' is implausible: before 1900-01-01 or after %s (ingestion date + ${max_future_days} day(s))",
      transaction_date_text, CAST(latest_plausible_date AS STRING))
    WHEN 'invalid_amount' THEN FORMAT(
      "amount '%s' is not a plain decimal (digits, optional sign, '.', at most 9 decimals; no separators, symbols or exponents)",
      amount_text)
    WHEN 'non_positive_amount' THEN FORMAT(
      "amount %s is not greater than 0: transactions are outgoing spend", amount_text)
    WHEN 'unsupported_currency' THEN FORMAT(
      "currency '%s' is not the base currency ${base_currency}", currency_text)
  END AS reason,
  -- The same canonical form as migrations/001 computes from typed rows: each
  -- string with its length (no separator can be forged), NUMERIC in its
  -- canonical text (10 and 10.00 are one value), NULL as '-'.
  IF(
    reason_code IS NULL,
    FARM_FINGERPRINT(CONCAT(
      CAST(LENGTH(customer_id) AS STRING), ':', customer_id, '|',
      CAST(transaction_date AS STRING), '|',
      CAST(amount AS STRING), '|',
      CAST(LENGTH(currency) AS STRING), ':', currency, '|',
      IFNULL(CONCAT(CAST(LENGTH(merchant) AS STRING), ':', merchant), '-'), '|',
      IFNULL(CONCAT(CAST(LENGTH(category) AS STRING), ':', category), '-'))),
    NULL
  ) AS value_fingerprint
FROM
  validated;
