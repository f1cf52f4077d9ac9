-- Lake rows of source transactions that failed validation or conflict with a
-- known transaction_id. Keeps the original data_string and provenance, so a
-- reject can be fixed at the source and re-landed, and nothing is ever lost.
CREATE TABLE IF NOT EXISTS `${transactions_dataset}.rejects`
(
  record_hash STRING NOT NULL OPTIONS (description = 'Lake record_hash of the rejected row.'),
  source_file STRING NOT NULL OPTIONS (description = 'Lake source_file of the rejected row.'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Byte offset of the rejected line in source_file.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'Start of the landing run that landed the row.'),
  load_id STRING NOT NULL OPTIONS (description = 'Id of the landing run that landed the row.'),
  source STRING NOT NULL OPTIONS (description = 'Lake source of the row (always transactions).'),
  data_string STRING NOT NULL OPTIONS (description = 'The lake data_string, unchanged.'),
  transaction_id STRING OPTIONS (description = 'Trimmed transaction_id when the row has one; lets a conflict be traced to the kept row.'),
  reason_code STRING NOT NULL OPTIONS (description = 'Stable snake_case code: parse_error, malformed_json, missing_required_column, missing_value, invalid_date, implausible_date, invalid_amount, non_positive_amount, unsupported_currency, conflicting_duplicate.'),
  reason STRING NOT NULL OPTIONS (description = 'Human-readable explanation naming the column and the offending value.'),
  rejected_at TIMESTAMP NOT NULL OPTIONS (description = 'When CALL unpack() rejected the row.')
)
PARTITION BY DATE(ingestion_timestamp)
CLUSTER BY reason_code, transaction_id
OPTIONS (description = 'landfall rejected transactions: lake rows that could not be typed, with a stable reason_code and a readable reason. Written by CALL transactions.unpack().');
