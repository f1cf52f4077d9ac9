-- The current version of every customer: one row per customer_id.
CREATE OR REPLACE VIEW `${customers_dataset}.customers_current`
OPTIONS (description = 'landfall current customers: the latest version (is_current) of each customer from customers_history, one row per customer_id.')
AS
SELECT
  customer_id,
  first_name,
  last_name,
  email,
  date_of_birth,
  city,
  country,
  updated_at,
  valid_from,
  source_file,
  source_offset,
  ingestion_timestamp,
  record_hash,
  load_id
FROM
  `${customers_dataset}.customers_history`
WHERE
  is_current;
