-- 001: transaction_keys holds what classifying a re-sent transaction_id needs
-- (issue 17 §3): a fingerprint of the typed values and the kept row's
-- ingestion_timestamp, source_file (as a fingerprint) and source_offset, so the daily unpack no
-- longer reads the typed rows of every re-sent id. The columns are NULLABLE
-- (an additive change; the deploy would add them too) and are filled here from
-- transactions, once, for the rows indexed before them. unpack() still reads
-- the typed row of an index row left without them, so a partial backfill is
-- safe. The fingerprint is the canonical form typed_lake_records computes for
-- a lake row: both must stay identical.
ALTER TABLE `${transactions_dataset}.transaction_keys` ADD COLUMN IF NOT EXISTS value_fingerprint INT64;
ALTER TABLE `${transactions_dataset}.transaction_keys` ADD COLUMN IF NOT EXISTS ingestion_timestamp TIMESTAMP;
ALTER TABLE `${transactions_dataset}.transaction_keys` ADD COLUMN IF NOT EXISTS source_file_fingerprint INT64;
ALTER TABLE `${transactions_dataset}.transaction_keys` ADD COLUMN IF NOT EXISTS source_offset INT64;

UPDATE `${transactions_dataset}.transaction_keys` AS keys
SET
  value_fingerprint = FARM_FINGERPRINT(CONCAT(
    CAST(LENGTH(typed.customer_id) AS STRING), ':', typed.customer_id, '|',
    CAST(typed.transaction_date AS STRING), '|',
    CAST(typed.amount AS STRING), '|',
    CAST(LENGTH(typed.currency) AS STRING), ':', typed.currency, '|',
    IFNULL(CONCAT(CAST(LENGTH(typed.merchant) AS STRING), ':', typed.merchant), '-'), '|',
    IFNULL(CONCAT(CAST(LENGTH(typed.category) AS STRING), ':', typed.category), '-'))),
  ingestion_timestamp = typed.ingestion_timestamp,
  source_file_fingerprint = FARM_FINGERPRINT(typed.source_file),
  source_offset = typed.source_offset
FROM
  `${transactions_dataset}.transactions` AS typed
WHERE
  typed.transaction_id = keys.transaction_id
  AND keys.value_fingerprint IS NULL;
