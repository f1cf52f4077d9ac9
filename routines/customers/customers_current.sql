-- The current version of every customer: one row per customer_id.
CREATE OR REPLACE VIEW `${customers_dataset}.customers_current`
(
  customer_id OPTIONS (description = 'Business key of the customer; one row each.'),
  first_name OPTIONS (description = 'First name; NULL when blank or absent.'),
  last_name OPTIONS (description = 'Last name; NULL when blank or absent.'),
  email OPTIONS (description = 'E-mail address; NULL when blank or absent.'),
  date_of_birth OPTIONS (description = 'Date of birth; NULL when blank or absent.'),
  city OPTIONS (description = 'City; NULL when blank or absent.'),
  country OPTIONS (description = 'Country; NULL when blank or absent.'),
  updated_at OPTIONS (description = 'updated_at of the row that started the current version; NULL when the file had none.'),
  valid_from OPTIONS (description = 'Since when the current version holds: its updated_at, else its ingestion time.'),
  source_file OPTIONS (description = 'Provenance: lake source_file of the row that started the current version.'),
  source_offset OPTIONS (description = 'Provenance: byte offset of the line in source_file.'),
  ingestion_timestamp OPTIONS (description = 'Provenance: start of the landing run that landed the row that started the current version.'),
  record_hash OPTIONS (description = 'Provenance: lake record_hash.'),
  load_id OPTIONS (description = 'Provenance: id of the landing run that landed the row that started the current version.')
)
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
  -- valid_to IS NULL is is_current, on the partitioning column: BigQuery reads
  -- only the __NULL__ partition (the current versions), not the closed history.
  valid_to IS NULL
  AND is_current;
