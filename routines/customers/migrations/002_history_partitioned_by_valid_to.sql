-- 002: customers_history partitioned by month of valid_to (issue 17 §3), so
-- that unpack() reads and rewrites only the current versions (the __NULL__
-- partition) and the recently closed ones instead of the whole history.
-- BigQuery cannot change a table's partitioning in place: the rows are copied
-- aside (a temp table of this script), the table re-created at its new DDL (customers_history.sql) and the
-- rows copied back, in one script. The deploy sets the policy tags on the
-- re-created table right after (docs/deploy.md).
CREATE TEMP TABLE customers_history_before AS
SELECT * FROM `${customers_dataset}.customers_history`;

DROP TABLE `${customers_dataset}.customers_history`;

CREATE TABLE `${customers_dataset}.customers_history`
(
  customer_id STRING NOT NULL OPTIONS (description = 'Business key of the customer, trimmed.'),
  first_name STRING OPTIONS (description = 'First name, trimmed; NULL when blank or absent.'),
  last_name STRING OPTIONS (description = 'Last name, trimmed; NULL when blank or absent.'),
  email STRING OPTIONS (description = 'E-mail address as in the file, trimmed; NULL when blank or absent.'),
  date_of_birth DATE OPTIONS (description = 'Date of birth (YYYY-MM-DD); NULL when blank or absent.'),
  city STRING OPTIONS (description = 'City, trimmed; NULL when blank or absent.'),
  country STRING OPTIONS (description = 'Country as in the file, trimmed; NULL when blank or absent.'),
  updated_at TIMESTAMP OPTIONS (description = 'updated_at of the source row that started this version; NULL when the file had none.'),
  valid_from TIMESTAMP NOT NULL OPTIONS (description = 'Start of the version: updated_at of its source row, else that row\'s ingestion_timestamp.'),
  valid_to TIMESTAMP OPTIONS (description = 'End of the version (exclusive) = valid_from of the next version; NULL while current.'),
  is_current BOOL NOT NULL OPTIONS (description = 'TRUE for the latest version of the customer (valid_to IS NULL).'),
  source_file STRING NOT NULL OPTIONS (description = 'Provenance: lake source_file of the row that started this version.'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Provenance: byte offset of that line in source_file.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'Provenance: start of the landing run that landed the row.'),
  record_hash STRING NOT NULL OPTIONS (description = 'Provenance: lake record_hash (hex SHA-256 of source + canonical record).'),
  load_id STRING NOT NULL OPTIONS (description = 'Provenance: id of the landing run that landed the row.'),
  unpacked_at TIMESTAMP NOT NULL OPTIONS (description = 'When CALL unpack() first typed the source row.')
)
PARTITION BY TIMESTAMP_TRUNC(valid_to, MONTH)
CLUSTER BY customer_id
OPTIONS (description = 'landfall customers, SCD type 2: one row per version; a new version only when an attribute changes; versions ordered by updated_at, else ingestion time. Written by CALL customers.unpack().');

INSERT INTO `${customers_dataset}.customers_history` (
  customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
  valid_from, valid_to, is_current,
  source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
)
SELECT
  customer_id, first_name, last_name, email, date_of_birth, city, country, updated_at,
  valid_from, valid_to, is_current,
  source_file, source_offset, ingestion_timestamp, record_hash, load_id, unpacked_at
FROM
  customers_history_before;

DROP TABLE customers_history_before;
