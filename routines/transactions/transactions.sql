-- Typed transactions: one row per transaction_id, written only by CALL unpack().
-- CREATE TABLE IF NOT EXISTS, not OR REPLACE: redeploying must never drop data.
CREATE TABLE IF NOT EXISTS `${transactions_dataset}.transactions`
(
  transaction_id STRING NOT NULL OPTIONS (description = 'Business key of the transaction, trimmed; unique in this table.'),
  customer_id STRING NOT NULL OPTIONS (description = 'Customer who spent; may not (yet) exist in customers_history, customers can arrive later.'),
  transaction_date DATE NOT NULL OPTIONS (description = 'Day of the transaction as written: YYYY-MM-DD, or the date part of an ISO-8601 timestamp as written in its own offset (not converted to UTC).'),
  amount NUMERIC NOT NULL OPTIONS (description = 'Outgoing spend, > 0, exactly as in the file (NUMERIC, never FLOAT64).'),
  currency STRING NOT NULL OPTIONS (description = 'ISO 4217 code, upper case; always the configured base currency (others are rejected).'),
  merchant STRING OPTIONS (description = 'Merchant name as in the file, trimmed; NULL when blank or absent.'),
  category STRING OPTIONS (description = 'Spend category as in the file, trimmed; NULL when blank or absent.'),
  source_file STRING NOT NULL OPTIONS (description = 'Provenance: lake source_file of the row this transaction was typed from.'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Provenance: byte offset of that line in source_file.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'Provenance: start of the landing run that landed the row.'),
  record_hash STRING NOT NULL OPTIONS (description = 'Provenance: lake record_hash (hex SHA-256 of source + canonical record).'),
  load_id STRING NOT NULL OPTIONS (description = 'Provenance: id of the landing run that landed the row.'),
  unpacked_at TIMESTAMP NOT NULL OPTIONS (description = 'When CALL unpack() first typed this lake row.')
)
PARTITION BY DATE_TRUNC(transaction_date, MONTH)
CLUSTER BY customer_id
OPTIONS (description = 'landfall typed transactions: valid lake rows of source transactions, one row per transaction_id, with provenance. Written by CALL transactions.unpack().');
