-- The current top 5 % by lifetime value with current customer attributes. The
-- cut-off rule lives in analytics.customer_value_as_of; the weekly audited list
-- is analytics.top_customers_snapshots (attributes as of each snapshot date).
CREATE OR REPLACE VIEW `${analytics_dataset}.top_customers`
(
  customer_id OPTIONS (description = 'Customer in the top 5 %.'),
  value_rank OPTIONS (description = 'RANK() by lifetime_value, highest first; equal values share a rank.'),
  lifetime_value OPTIONS (description = 'Total spend: sum of amount (NUMERIC, base currency) of all the customer\'s transactions.'),
  transaction_count OPTIONS (description = 'Number of the customer\'s transactions.'),
  first_transaction_date OPTIONS (description = 'Date of the customer\'s first transaction.'),
  last_transaction_date OPTIONS (description = 'Date of the customer\'s latest transaction.'),
  threshold_value OPTIONS (description = 'Lifetime value of the boundary customer: the lowest value in the list.'),
  population OPTIONS (description = 'Customers with spend; the list holds value_rank <= CEIL(5 % of population), plus every customer tied at the boundary.'),
  first_name OPTIONS (description = 'Current first name (customers_current); NULL while the customer is not yet known.'),
  last_name OPTIONS (description = 'Current last name; NULL while the customer is not yet known.'),
  email OPTIONS (description = 'Current email; NULL while the customer is not yet known.'),
  date_of_birth OPTIONS (description = 'Current date of birth; NULL while the customer is not yet known.'),
  city OPTIONS (description = 'Current city; NULL while the customer is not yet known.'),
  country OPTIONS (description = 'Current country; NULL while the customer is not yet known.')
)
OPTIONS (description = 'landfall: the top 5 % customers by lifetime value (value_rank <= CEIL(5 % of customers with spend); everyone tied at the boundary included, so never empty while anyone has spend), with current customer attributes.')
AS
SELECT
  cv.customer_id,
  cv.value_rank,
  cv.lifetime_value,
  cv.transaction_count,
  cv.first_transaction_date,
  cv.last_transaction_date,
  cv.threshold_value,
  cv.population,
  cur.first_name,
  cur.last_name,
  cur.email,
  cur.date_of_birth,
  cur.city,
  cur.country
FROM
  -- 9999-12-31 is the largest DATE: every transaction counts.
  `${analytics_dataset}.customer_value_as_of`(DATE '9999-12-31') AS cv
-- LEFT: a transaction may arrive before its customer; such a customer still ranks.
LEFT JOIN
  `${customers_dataset}.customers_current` AS cur
  ON cur.customer_id = cv.customer_id
WHERE
  cv.is_top
