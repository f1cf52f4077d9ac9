-- Lake rows of source transactions that repeat a transaction already typed with
-- identical typed values (a re-delivery): not typed again, but recorded so each
-- load reconciles (lake rows = typed + rejected + duplicates).
CREATE TABLE IF NOT EXISTS `${transactions_dataset}.duplicates`
(
  transaction_id STRING NOT NULL OPTIONS (description = 'The repeated transaction_id.'),
  record_hash STRING NOT NULL OPTIONS (description = 'Lake record_hash of the duplicate row.'),
  source_file STRING NOT NULL OPTIONS (description = 'Lake source_file of the duplicate row.'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Byte offset of the duplicate line in source_file.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'Start of the landing run that landed the duplicate row.'),
  load_id STRING NOT NULL OPTIONS (description = 'Id of the landing run that landed the duplicate row.'),
  kept_source_file STRING NOT NULL OPTIONS (description = 'source_file of the row kept in transactions.'),
  kept_source_offset INT64 NOT NULL OPTIONS (description = 'source_offset of the row kept in transactions.'),
  detected_at TIMESTAMP NOT NULL OPTIONS (description = 'When CALL unpack() classified the row as a duplicate.')
)
PARTITION BY DATE(ingestion_timestamp)
CLUSTER BY transaction_id
OPTIONS (description = 'landfall duplicate transactions: identical re-deliveries of a typed transaction_id (same typed values), kept for reconciliation. Written by CALL transactions.unpack().');
