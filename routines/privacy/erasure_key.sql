-- The key of the keyed hash that names an erased customer (HMAC-SHA256, computed
-- in Java only: dev.landfall.erasure.CustomerKeyHash). One row, created on first
-- use by the erase command. Readable only by the erasure operators and the landing
-- service account (terraform/bigquery.tf): whoever holds the key can test a guessed
-- customer id against the erasure log, so business users and data engineers may not.
CREATE TABLE IF NOT EXISTS `${privacy_dataset}.erasure_key`
(
  key_id STRING NOT NULL OPTIONS (description = 'Id of the key (a random UUID); the log rows hashed with it were written while it was the one row here.'),
  key_bytes BYTES NOT NULL OPTIONS (description = '32 random bytes: the HMAC-SHA256 key.'),
  created_at TIMESTAMP NOT NULL OPTIONS (description = 'When the erase command created the key.')
)
OPTIONS (description = 'landfall: the key of the keyed hash of erased customer ids (one row). Erasure operators and the landing pipeline only.');
