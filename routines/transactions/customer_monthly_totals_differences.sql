-- Where customer_monthly_totals is not transactions summed by customer and
-- month: empty while the writers keep it in step. For an operator after a
-- migration or a manual change to transactions (then CALL
-- recount_customer_monthly_totals over the months listed), and for an auditor.
-- Reads all of transactions (amount, customer_id, transaction_date: about
-- 100 GB at a 1 TB lake): on demand, never on a schedule.
CREATE OR REPLACE VIEW `${transactions_dataset}.customer_monthly_totals_differences`
(
  side OPTIONS (description = 'in totals only: a row of customer_monthly_totals that transactions do not give; in transactions only: what transactions give and the totals lack (a missing row or other values).'),
  customer_id OPTIONS (description = 'Customer.'),
  month_start OPTIONS (description = 'First day of the month.'),
  total_amount OPTIONS (description = 'Sum of amount on that side.'),
  transaction_count OPTIONS (description = 'Number of transactions on that side.'),
  first_transaction_date OPTIONS (description = 'Earliest transaction_date on that side.'),
  last_transaction_date OPTIONS (description = 'Latest transaction_date on that side.')
)
OPTIONS (description = 'landfall: the customer-months where transactions.customer_monthly_totals differs from transactions summed by customer and month (empty while in step). Reads all of transactions: query it on demand, after a migration or a manual change, then CALL transactions.recount_customer_monthly_totals over the months it lists.')
AS
WITH
  kept AS (
    SELECT
      totals.customer_id, totals.month_start, totals.total_amount, totals.transaction_count,
      totals.first_transaction_date, totals.last_transaction_date
    FROM
      `${transactions_dataset}.customer_monthly_totals` AS totals
  ),

  counted AS (
    SELECT
      txn.customer_id,
      DATE_TRUNC(txn.transaction_date, MONTH) AS month_start,
      SUM(txn.amount) AS total_amount,
      COUNT(*) AS transaction_count,
      MIN(txn.transaction_date) AS first_transaction_date,
      MAX(txn.transaction_date) AS last_transaction_date
    FROM
      `${transactions_dataset}.transactions` AS txn
    GROUP BY
      txn.customer_id,
      month_start
  )

SELECT 'in totals only' AS side, only_kept.*
FROM (SELECT * FROM kept EXCEPT DISTINCT SELECT * FROM counted) AS only_kept
UNION ALL
SELECT 'in transactions only' AS side, only_counted.*
FROM (SELECT * FROM counted EXCEPT DISTINCT SELECT * FROM kept) AS only_counted
