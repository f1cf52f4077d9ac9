-- The raw lake: one row per CSV data line per landing run, never updated.
-- CREATE TABLE IF NOT EXISTS, not OR REPLACE: redeploying must never drop landed data.
CREATE TABLE IF NOT EXISTS `${lake_dataset}.raw_records`
(
  data_string STRING NOT NULL OPTIONS (description = 'JSON object: normalized header name (trimmed, lower-case) -> field value after RFC 4180 unquoting, otherwise exactly as in the file. An unparseable line is {"_raw": "<the line>"}.'),
  source STRING NOT NULL OPTIONS (description = 'Service the file belongs to (customers, transactions, ...), from its folder or file-name prefix.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'Start of the landing run; the same for every row of a run.'),
  source_file STRING NOT NULL OPTIONS (description = 'Full URI or path of the file the line came from.'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Byte offset of the start of the line in its file; unique within a file.'),
  record_hash STRING NOT NULL OPTIONS (description = 'Hex SHA-256 of the source and the canonical parsed record (keys sorted); equal records have equal hashes.'),
  load_id STRING NOT NULL OPTIONS (description = 'Id of the landing run that wrote the row.'),
  parse_error STRING OPTIONS (description = 'NULL, or why the line could not be parsed.')
)
PARTITION BY DATE(ingestion_timestamp)
CLUSTER BY source
OPTIONS (description = 'landfall raw lake: every CSV record of every landed file, losslessly, with provenance.');
