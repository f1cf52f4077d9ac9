-- Lake rows of source customers that failed validation. Keeps the original
-- data_string and provenance, so nothing is ever lost.
CREATE TABLE IF NOT EXISTS `${customers_dataset}.rejects`
(
  record_hash STRING NOT NULL OPTIONS (description = 'Lake record_hash of the rejected row.'),
  source_file STRING NOT NULL OPTIONS (description = 'Lake source_file of the rejected row.'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Byte offset of the rejected line in source_file.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'Start of the landing run that landed the row.'),
  load_id STRING NOT NULL OPTIONS (description = 'Id of the landing run that landed the row.'),
  source STRING NOT NULL OPTIONS (description = 'Lake source of the row (always customers).'),
  data_string STRING NOT NULL OPTIONS (description = 'The lake data_string, unchanged.'),
  customer_id STRING OPTIONS (description = 'Trimmed customer_id when the row has one.'),
  reason_code STRING NOT NULL OPTIONS (description = 'Stable snake_case code: parse_error, malformed_json, missing_required_column, missing_value, invalid_date, invalid_timestamp.'),
  reason STRING NOT NULL OPTIONS (description = 'Human-readable explanation naming the column and the offending value.'),
  rejected_at TIMESTAMP NOT NULL OPTIONS (description = 'When CALL unpack() rejected the row.')
)
PARTITION BY DATE(ingestion_timestamp)
CLUSTER BY reason_code, load_id
OPTIONS (description = 'landfall rejected customers: lake rows that could not be typed, with a stable reason_code and a readable reason. Written by CALL customers.unpack().');
