-- The typed transaction_ids and where their rows are: a narrow index of
-- transactions, written only by CALL unpack() in the same transaction as the
-- typed rows. Why: unpack() must know whether a batch's transaction_ids are
-- already typed, whatever date or customer a re-delivery carries (a conflicting
-- re-delivery may differ in both), and transactions is partitioned by date and
-- clustered by customer_id, so a lookup by id there reads the whole id column.
-- Here the lookup is clustered by transaction_id: unpack() filters it with the
-- batch's id range (script variables, so BigQuery prunes storage blocks; ids of
-- a day's files are usually close together) and then reads the full rows from
-- transactions only in the partitions (months) and clusters (customers) found here.
-- It also holds what classifying a re-sent id needs (a fingerprint of the typed
-- values and the kept row's ordering key and position), so the daily unpack
-- reads typed rows only for the rare ids whose kept row may change.
CREATE TABLE IF NOT EXISTS `${transactions_dataset}.transaction_keys`
(
  transaction_id STRING NOT NULL OPTIONS (description = 'A transaction_id typed in transactions (one row each).'),
  transaction_date DATE NOT NULL OPTIONS (description = 'Its transaction_date in transactions: the partition to read its row from.'),
  customer_id STRING NOT NULL OPTIONS (description = 'Its customer_id in transactions: the cluster to read its row from.'),
  value_fingerprint INT64 OPTIONS (description = 'FARM_FINGERPRINT of the typed row\'s canonical values (customer_id, transaction_date, amount, currency, merchant, category): a re-sent id with the same fingerprint is a duplicate, else a conflict. NULL on rows indexed before it existed (unpack() then reads the typed row).'),
  ingestion_timestamp TIMESTAMP OPTIONS (description = 'ingestion_timestamp of the typed row: a batch row landed later sorts after it, so it cannot re-key the id.'),
  source_file_fingerprint INT64 OPTIONS (description = 'FARM_FINGERPRINT(source_file) of the typed row: its file name is read back from unpacked_files (kept_source_file of its duplicates), 8 bytes instead of the name.'),
  source_offset INT64 OPTIONS (description = 'source_offset of the typed row (kept_source_offset of its duplicates).')
)
CLUSTER BY transaction_id
OPTIONS (description = 'landfall index of transactions by transaction_id (date and customer of each typed row), so CALL transactions.unpack() finds known ids without reading the whole typed table. Written by CALL transactions.unpack().');
