-- Valid lake rows of source customers that started no version: an identical
-- re-send, or a row whose attributes equal the version in force at its time.
-- Kept typed (not just counted) because a later-arriving older row can make one
-- of them start a version again; unpack() re-derives a customer's versions from
-- customers_history + these rows, so the result never depends on arrival order.
-- Partitioned by month of effective_at: unpack() re-reads only the rows from a
-- customer's earliest new observation on, usually the latest partitions.
CREATE TABLE IF NOT EXISTS `${customers_dataset}.duplicates`
(
  customer_id STRING NOT NULL OPTIONS (description = 'Business key of the customer, trimmed.'),
  first_name STRING OPTIONS (description = 'First name, trimmed; NULL when blank or absent.'),
  last_name STRING OPTIONS (description = 'Last name, trimmed; NULL when blank or absent.'),
  email STRING OPTIONS (description = 'E-mail address, trimmed; NULL when blank or absent.'),
  date_of_birth DATE OPTIONS (description = 'Date of birth; NULL when blank or absent.'),
  city STRING OPTIONS (description = 'City, trimmed; NULL when blank or absent.'),
  country STRING OPTIONS (description = 'Country, trimmed; NULL when blank or absent.'),
  updated_at TIMESTAMP OPTIONS (description = 'updated_at of the row; NULL when the file had none.'),
  effective_at TIMESTAMP NOT NULL OPTIONS (description = 'When the row takes effect: updated_at, else ingestion_timestamp.'),
  version_valid_from TIMESTAMP NOT NULL OPTIONS (description = 'valid_from of the customers_history version the row repeats.'),
  source_file STRING NOT NULL OPTIONS (description = 'Lake source_file of the row.'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Byte offset of the line in source_file.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'Start of the landing run that landed the row.'),
  record_hash STRING NOT NULL OPTIONS (description = 'Lake record_hash of the row.'),
  load_id STRING NOT NULL OPTIONS (description = 'Id of the landing run that landed the row.'),
  unpacked_at TIMESTAMP NOT NULL OPTIONS (description = 'When CALL unpack() first typed the row.')
)
PARTITION BY TIMESTAMP_TRUNC(effective_at, MONTH)
CLUSTER BY customer_id
OPTIONS (description = 'landfall customer rows that changed nothing (re-sends, unchanged attributes), typed and kept for reconciliation and for re-deriving versions. Written by CALL customers.unpack().');
