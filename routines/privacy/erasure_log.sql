-- One row per erasure request (CONTRACT §6). Never the customer id in clear: the
-- landing pipeline and the unpack recognise an erased customer's re-delivered lines
-- by customer_key_hash = lower hex HMAC-SHA256(erasure_key.key_bytes, strip(id)).
-- A request_id already here is never applied again (same request twice: no change).
CREATE TABLE IF NOT EXISTS `${privacy_dataset}.erasure_log`
(
  request_id STRING NOT NULL OPTIONS (description = 'The request id given by the operator (e.g. the ticket); one row per request.'),
  requested_at TIMESTAMP NOT NULL OPTIONS (description = 'When the erasure committed.'),
  customer_key_hash STRING NOT NULL OPTIONS (description = 'Lower hex HMAC-SHA256 of the customer id (trimmed) under privacy.erasure_key.'),
  transactions_mode STRING NOT NULL OPTIONS (description = 'delete: the transactions of the customer were deleted; pseudonymise: kept with customer_id = erased:<customer_key_hash>.'),
  row_counts ARRAY<STRUCT<table_name STRING, row_count INT64>> OPTIONS (description = 'Rows deleted or rewritten per table by the request.'),
  landing_copies_rewritten INT64 OPTIONS (description = 'Landing files rewritten without the lines of the customer (set by the erase command after the procedure; NULL until then).')
)
OPTIONS (description = 'landfall: the erasure log, one row per request. The landing pipeline and the unpack consult it so an erased customer never comes back.');
