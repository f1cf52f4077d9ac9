-- Spend per customer and calendar month: the typed transactions summed, one row
-- per (customer_id, month_start) with spend. Why: lifetime value, the top 5 %,
-- its weekly snapshot and monthly spend need every customer's total over all
-- history; summing transactions for them reads amount, customer_id and
-- transaction_date of the whole table (about 100 GB at a 1 TB lake) on every
-- query, and more every month. This table is about 3 % of that, and the
-- analytics read only it plus the one month they cut inside.
-- Kept equal to transactions by every statement that changes transactions, in
-- the same transaction: CALL unpack() adds the rows it types and recounts the
-- months of the rows it re-keys; CALL privacy.erase_customer deletes or
-- pseudonymises the customer's rows here as in transactions. Anything else that
-- changes transactions (a manual fix, emptying it for a rebuild) must CALL
-- recount_customer_monthly_totals over the months it touched.
CREATE TABLE IF NOT EXISTS `${transactions_dataset}.customer_monthly_totals`
(
  customer_id STRING NOT NULL OPTIONS (description = 'Customer, as in transactions.'),
  month_start DATE NOT NULL OPTIONS (description = 'First day of the calendar month of transaction_date.'),
  total_amount NUMERIC NOT NULL OPTIONS (description = 'Sum of amount (base currency) of the customer\'s transactions dated in the month.'),
  transaction_count INT64 NOT NULL OPTIONS (description = 'Number of those transactions (at least 1: a month without any has no row).'),
  first_transaction_date DATE NOT NULL OPTIONS (description = 'Earliest transaction_date of them.'),
  last_transaction_date DATE NOT NULL OPTIONS (description = 'Latest transaction_date of them.')
)
PARTITION BY DATE_TRUNC(month_start, MONTH)
CLUSTER BY customer_id
OPTIONS (description = 'landfall: spend per customer and calendar month (sum, count, first and last date of the typed transactions), kept equal to transactions by CALL transactions.unpack() and CALL privacy.erase_customer in the same transaction; read by the analytics views and the weekly snapshot instead of the whole transactions table.');
