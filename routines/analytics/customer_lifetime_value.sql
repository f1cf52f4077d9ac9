-- Lifetime value per customer over all transactions; the definition (and the
-- rank) lives in analytics.customer_value_as_of, this view applies it to today.
CREATE OR REPLACE VIEW `${analytics_dataset}.customer_lifetime_value`
(
  customer_id OPTIONS (description = 'Customer with at least one transaction (a customer not yet in customers_history is included).'),
  lifetime_value OPTIONS (description = 'Total spend: sum of amount (NUMERIC, base currency) of all the customer\'s transactions.'),
  transaction_count OPTIONS (description = 'Number of the customer\'s transactions.'),
  first_transaction_date OPTIONS (description = 'Date of the customer\'s first transaction.'),
  last_transaction_date OPTIONS (description = 'Date of the customer\'s latest transaction.'),
  value_rank OPTIONS (description = 'RANK() by lifetime_value, highest first: 1 is the most valuable; equal values share a rank and the next rank skips (1, 2, 2, 4).')
)
OPTIONS (description = 'landfall: lifetime value (total spend) per customer with transaction count, first and last transaction date and value rank. One row per customer with spend.')
AS
SELECT
  cv.customer_id,
  cv.lifetime_value,
  cv.transaction_count,
  cv.first_transaction_date,
  cv.last_transaction_date,
  cv.value_rank
FROM
  -- 9999-12-31 is the largest DATE: every transaction counts.
  `${analytics_dataset}.customer_value_as_of`(DATE '9999-12-31') AS cv
