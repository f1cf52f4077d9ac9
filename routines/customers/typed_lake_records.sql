-- Every lake row of source customers but the erased ones, typed and validated:
-- the one place the typing and validation rules of customers live. unpack()
-- reads it for new files only (filters on ingestion_timestamp, a plain column
-- here, prune lake partitions through the view); it also answers "why was this
-- row rejected?".
-- Rules (CONTRACT §1, §3): values are trimmed and blank means NULL; only
-- customer_id is required; date_of_birth and updated_at must parse when present;
-- other attributes are kept as text. The first failing check gives the reason,
-- in this order: parse_error, malformed_json, missing_required_column,
-- missing_value, invalid_date, invalid_timestamp.
--
-- Same answer on BigQuery and on the local engine (DuckDB), which is more
-- lenient: dates and timestamps are checked by pattern and range before they
-- are parsed, so a value BigQuery cannot represent (hour 24, second 60, year
-- 0000, an offset beyond +/-14:00, an instant past 9999-12-31 23:59:59.999999
-- UTC or before 0001-01-01 UTC; BigQuery's TIMESTAMP and DATE ranges:
-- https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#timestamp_type)
-- is invalid on both. A data_string that is not a JSON object is read as '{}'
-- (the JSON functions never see it: on the local engine they raise "Malformed
-- JSON") and rejected as malformed_json.
CREATE OR REPLACE VIEW `${customers_dataset}.typed_lake_records`
(
  data_string OPTIONS (description = 'The lake data_string, unchanged.'),
  source OPTIONS (description = 'Lake source of the row.'),
  ingestion_timestamp OPTIONS (description = 'Start of the landing run (the lake partitioning column).'),
  source_file OPTIONS (description = 'Lake source_file.'),
  source_offset OPTIONS (description = 'Byte offset of the line in source_file.'),
  record_hash OPTIONS (description = 'Lake record_hash.'),
  load_id OPTIONS (description = 'Id of the landing run.'),
  parse_error OPTIONS (description = 'Why the landing could not parse the line, or NULL.'),
  customer_id OPTIONS (description = 'Trimmed customer_id; NULL when blank or absent.'),
  first_name OPTIONS (description = 'Trimmed; NULL when blank or absent.'),
  last_name OPTIONS (description = 'Trimmed; NULL when blank or absent.'),
  email OPTIONS (description = 'Trimmed; NULL when blank or absent.'),
  date_of_birth OPTIONS (description = 'Typed date; NULL when blank, absent or unparseable.'),
  city OPTIONS (description = 'Trimmed; NULL when blank or absent.'),
  country OPTIONS (description = 'Trimmed; NULL when blank or absent.'),
  updated_at OPTIONS (description = 'Typed timestamp; NULL when blank, absent or unparseable.'),
  effective_at OPTIONS (description = 'When the row takes effect: updated_at, else ingestion_timestamp.'),
  reason_code OPTIONS (description = 'NULL for a valid row, else the first failing check (see README).'),
  reason OPTIONS (description = 'Human-readable explanation of reason_code.')
)
OPTIONS (description = 'landfall: every lake row of source customers typed and validated, except erased rows (data_string starting {"_erased_by"}); reason_code is NULL for a valid row. effective_at = updated_at, else ingestion_timestamp. Read by CALL unpack() of this dataset.')
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
        lake.source = 'customers'
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
      JSON_QUERY(json_text, '$.customer_id') IS NOT NULL AS has_customer_id,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.customer_id')), '') AS customer_id,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.first_name')), '') AS first_name,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.last_name')), '') AS last_name,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.email')), '') AS email,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.date_of_birth')), '') AS date_of_birth_text,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.city')), '') AS city,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.country')), '') AS country,
      NULLIF(TRIM(JSON_VALUE(json_text, '$.updated_at')), '') AS updated_at_text
    FROM
      json_rows
  ),

  typed AS (
    SELECT
      fields.*,
      -- Years 0001-9999 (year 0000 does not exist in BigQuery).
      IF(
        REGEXP_CONTAINS(date_of_birth_text, r'^\d{4}-\d{2}-\d{2}$') AND SUBSTR(date_of_birth_text, 1, 4) != '0000',
        SAFE.PARSE_DATE('%Y-%m-%d', date_of_birth_text),
        NULL
      ) AS date_of_birth,
      -- ISO-8601: date, 'T' or space, time with seconds (hours 00-23, seconds
      -- 00-59), optional fraction (up to microseconds, BigQuery's precision) and
      -- zone (Z or an offset up to +/-14:00); no zone means UTC. The instant must
      -- lie in BigQuery's TIMESTAMP range.
      IF(
        REGEXP_CONTAINS(
          updated_at_text,
          r'^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-3])(:[0-5]\d)?|[+-]14(:00)?)?$')
          AND SAFE_CAST(updated_at_text AS TIMESTAMP)
            BETWEEN TIMESTAMP '0001-01-01 00:00:00+00' AND TIMESTAMP '9999-12-31 23:59:59.999999+00',
        SAFE_CAST(updated_at_text AS TIMESTAMP),
        NULL
      ) AS updated_at
    FROM
      fields
  ),

  validated AS (
    SELECT
      typed.*,
      CASE
        WHEN parse_error IS NOT NULL THEN 'parse_error'
        WHEN NOT is_json_object THEN 'malformed_json'
        WHEN NOT has_customer_id THEN 'missing_required_column'
        WHEN customer_id IS NULL THEN 'missing_value'
        WHEN date_of_birth_text IS NOT NULL AND date_of_birth IS NULL THEN 'invalid_date'
        WHEN updated_at_text IS NOT NULL AND updated_at IS NULL THEN 'invalid_timestamp'
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
  customer_id,
  first_name,
  last_name,
  email,
  date_of_birth,
  city,
  country,
  updated_at,
  COALESCE(updated_at, ingestion_timestamp) AS effective_at,
  reason_code,
  CASE reason_code
    WHEN 'parse_error' THEN CONCAT('The line could not be parsed as CSV: ', parse_error)
    WHEN 'malformed_json' THEN 'data_string is not a JSON object: the lake row was not written by the landing, or was damaged'
    WHEN 'missing_required_column' THEN 'The file has no required column customer_id'
    WHEN 'missing_value' THEN 'Required value is blank: customer_id'
    WHEN 'invalid_date' THEN FORMAT("date_of_birth '%s' is not a valid YYYY-MM-DD date", date_of_birth_text)
    WHEN 'invalid_timestamp' THEN FORMAT("updated_at '%s' is not a valid ISO-8601 timestamp", updated_at_text)
  END AS reason
FROM
  validated;
