-- Every lake row of source transactions, typed and validated: the one place the
-- typing and validation rules of transactions live. unpack() reads it for new
-- files only (filters on ingestion_timestamp, a plain column here, prune lake
-- partitions through the view); it also answers "why was this row rejected?".
-- Rules (CONTRACT §1, §3): values are trimmed and blank means NULL; the first
-- failing check gives the reason, in this order: parse_error,
-- missing_required_column, missing_value, invalid_date, invalid_amount,
-- non_positive_amount, unsupported_currency. (conflicting_duplicate needs the
-- typed table, so unpack() decides it.)
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
  reason OPTIONS (description = 'Human-readable explanation of reason_code.')
)
OPTIONS (description = 'landfall: every lake row of source transactions typed and validated; reason_code is NULL for a valid row. Used by CALL transactions.unpack().')
AS
WITH
  fields AS (
    SELECT
      data_string,
      source,
      ingestion_timestamp,
      source_file,
      source_offset,
      record_hash,
      load_id,
      parse_error,
      -- JSON_QUERY is NULL only when the key is absent: the file lacks the column.
      JSON_QUERY(data_string, '$.transaction_id') IS NOT NULL AS has_transaction_id,
      JSON_QUERY(data_string, '$.customer_id') IS NOT NULL AS has_customer_id,
      JSON_QUERY(data_string, '$.transaction_date') IS NOT NULL AS has_transaction_date,
      JSON_QUERY(data_string, '$.amount') IS NOT NULL AS has_amount,
      NULLIF(TRIM(JSON_VALUE(data_string, '$.transaction_id')), '') AS transaction_id,
      NULLIF(TRIM(JSON_VALUE(data_string, '$.customer_id')), '') AS customer_id,
      NULLIF(TRIM(JSON_VALUE(data_string, '$.transaction_date')), '') AS transaction_date_text,
      NULLIF(TRIM(JSON_VALUE(data_string, '$.amount')), '') AS amount_text,
      NULLIF(TRIM(JSON_VALUE(data_string, '$.currency')), '') AS currency_text,
      NULLIF(TRIM(JSON_VALUE(data_string, '$.merchant')), '') AS merchant,
      NULLIF(TRIM(JSON_VALUE(data_string, '$.category')), '') AS category
    FROM
      `${lake_dataset}.raw_records`
    WHERE
      source = 'transactions'
  ),

  typed AS (
    SELECT
      fields.*,
      -- YYYY-MM-DD as is; an ISO-8601 timestamp keeps the calendar date it was
      -- written with (its local date), once the whole timestamp has parsed.
      IF(
        REGEXP_CONTAINS(transaction_date_text, r'^\d{4}-\d{2}-\d{2}$'),
        SAFE.PARSE_DATE('%Y-%m-%d', transaction_date_text),
        IF(
          REGEXP_CONTAINS(transaction_date_text, r'^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:\d{2})?)?$')
            AND SAFE_CAST(transaction_date_text AS TIMESTAMP) IS NOT NULL,
          SAFE.PARSE_DATE('%Y-%m-%d', SUBSTR(transaction_date_text, 1, 10)),
          NULL
        )
      ) AS transaction_date,
      -- Checked by regex before parsing: PARSE_NUMERIC alone would accept
      -- exponents and round a 10th decimal.
      IF(
        REGEXP_CONTAINS(amount_text, r'^[+-]?\d{1,29}(\.\d{1,9})?$'),
        SAFE.PARSE_NUMERIC(amount_text),
        NULL
      ) AS amount,
      COALESCE(UPPER(currency_text), '${base_currency}') AS currency
    FROM
      fields
  ),

  validated AS (
    SELECT
      typed.*,
      CASE
        WHEN parse_error IS NOT NULL THEN 'parse_error'
        WHEN NOT (has_transaction_id AND has_customer_id AND has_transaction_date AND has_amount)
          THEN 'missing_required_column'
        WHEN transaction_id IS NULL OR customer_id IS NULL OR transaction_date_text IS NULL OR amount_text IS NULL
          THEN 'missing_value'
        WHEN transaction_date IS NULL THEN 'invalid_date'
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
    WHEN 'invalid_amount' THEN FORMAT(
      "amount '%s' is not a plain decimal (digits, optional sign, '.', at most 9 decimals; no separators, symbols or exponents)",
      amount_text)
    WHEN 'non_positive_amount' THEN FORMAT(
      "amount %s is not greater than 0: transactions are outgoing spend", amount_text)
    WHEN 'unsupported_currency' THEN FORMAT(
      "currency '%s' is not the base currency ${base_currency}", currency_text)
  END AS reason
FROM
  validated;
