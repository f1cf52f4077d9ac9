-- One row that every CALL unpack() of customers UPDATEs as the first statement
-- of its transaction, so that two overlapping calls (a Cloud Scheduler retry, a
-- manual CALL during the scheduled run) always conflict: BigQuery lets two
-- transactions that only INSERT into a table commit side by side, but a
-- transaction that UPDATEs or DELETEs rows of a table cannot run concurrently
-- with another that mutates that table, and the conflicting one is cancelled
-- (https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency).
-- unpack() inserts the row on its first call.
CREATE TABLE IF NOT EXISTS `${customers_dataset}.unpack_lock`
(
  lock_name STRING NOT NULL OPTIONS (description = 'Always unpack.'),
  locked_at TIMESTAMP OPTIONS (description = 'When the last CALL unpack() that got past the lock started its transaction (committed calls only).')
)
OPTIONS (description = 'landfall: the row CALL customers.unpack() updates first in its transaction, so that overlapping calls conflict and BigQuery cancels all but one. An error "Transaction is aborted due to concurrent update against table ...unpack_lock" means another unpack ran at the same time: that call changed nothing, and the next call picks up its files.');
