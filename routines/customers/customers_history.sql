-- Customers as a type 2 slowly changing dimension, written only by CALL unpack().
-- CREATE TABLE IF NOT EXISTS, not OR REPLACE: redeploying must never drop data.
-- Versions of a customer do not overlap: [valid_from, valid_to), valid_to NULL on
-- the current one. A version whose valid_from equals its valid_to (two versions at
-- the same instant) is kept for audit but is valid at no instant.
-- Partitioned by month of valid_to: the current versions (valid_to NULL) sit in
-- a partition of their own, and unpack() reads and rewrites only versions in
-- force at or after its batch's earliest row (valid_to NULL or later), so a
-- daily unpack never reads the closed history. Clustered by customer_id: the
-- batch's customers. (A version moves partition when it closes: unpack()
-- deletes and re-inserts it anyway.)
CREATE TABLE IF NOT EXISTS `${customers_dataset}.customers_history`
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
