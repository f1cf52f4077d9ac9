-- CALL transactions.recount_customer_monthly_totals(first_month, last_month):
-- counts customer_monthly_totals again from transactions for the months from
-- first_month through last_month (any day of them; NULL = from the first / to
-- the last month). For what changed transactions outside unpack() and
-- erase_customer (a manual fix, a rebuild that emptied the tables): both keep
-- the totals in step themselves. Reads those months of transactions (amount,
-- customer_id, transaction_date): all of history, about 100 GB at a 1 TB lake,
-- when both bounds are NULL.
-- One transaction that first updates unpack_lock, so that it and an unpack
-- never interleave (BigQuery cancels one of two transactions that both mutate
-- a table: https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency).
CREATE OR REPLACE PROCEDURE `${transactions_dataset}.recount_customer_monthly_totals`(first_month DATE, last_month DATE)
OPTIONS (description = 'landfall: counts transactions.customer_monthly_totals again from transactions for the months first_month..last_month (NULL = unbounded): after a change to transactions made outside unpack() and privacy.erase_customer, which keep the totals in step themselves.')
BEGIN
  DECLARE from_month DATE DEFAULT DATE_TRUNC(IFNULL(first_month, DATE '0001-01-01'), MONTH);
  DECLARE to_month DATE DEFAULT DATE_TRUNC(IFNULL(last_month, DATE '9999-12-31'), MONTH);

  IF from_month > to_month THEN
    RAISE USING MESSAGE = 'recount_customer_monthly_totals: first_month is after last_month';
  END IF;

  IF NOT EXISTS (SELECT 1 FROM `${transactions_dataset}.unpack_lock`) THEN
    INSERT INTO `${transactions_dataset}.unpack_lock` (lock_name, locked_at) VALUES ('unpack', NULL);
  END IF;

  BEGIN TRANSACTION;

  UPDATE `${transactions_dataset}.unpack_lock` SET locked_at = CURRENT_TIMESTAMP() WHERE TRUE;

  DELETE FROM `${transactions_dataset}.customer_monthly_totals`
  WHERE month_start BETWEEN from_month AND to_month;

  INSERT INTO `${transactions_dataset}.customer_monthly_totals` (
    customer_id, month_start, total_amount, transaction_count, first_transaction_date, last_transaction_date
  )
  SELECT
    txn.customer_id,
    DATE_TRUNC(txn.transaction_date, MONTH) AS month_start,
    SUM(txn.amount),
    COUNT(*),
    MIN(txn.transaction_date),
    MAX(txn.transaction_date)
  FROM
    `${transactions_dataset}.transactions` AS txn
  WHERE
    -- LAST_DAY, not the next month's first day: to_month may be 9999-12.
    txn.transaction_date BETWEEN from_month AND LAST_DAY(to_month, MONTH)
  GROUP BY
    txn.customer_id,
    month_start;

  COMMIT TRANSACTION;
END;
