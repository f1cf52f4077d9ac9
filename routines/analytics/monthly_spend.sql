-- Spend per customer and calendar month, with the running monthly average.
-- Months are a dense calendar from the customer's first transaction month to the
-- latest month in the transactions table: an idle month is a row with 0 and
-- counts in the average, so no average silently skips idle months.
-- Every column is qualified: customer_monthly_spend reads this view with a
-- parameter named customer_id, which the local engine (DuckDB table macros) would
-- otherwise substitute into unqualified customer_id references here.
CREATE OR REPLACE VIEW `${analytics_dataset}.monthly_spend`
(
  customer_id OPTIONS (description = 'Customer, as in the transactions (a customer not yet in customers_history is included).'),
  year OPTIONS (description = 'Calendar year of the month.'),
  month OPTIONS (description = 'Calendar month, 1-12.'),
  total_spend OPTIONS (description = 'Sum of amount (NUMERIC, base currency) of the customer\'s transactions dated in the month; 0 for a month without any.'),
  avg_monthly_spend_to_date OPTIONS (description = 'Spend from the customer\'s first month through this month divided by the number of those months, idle months included. NUMERIC, rounded only by NUMERIC division itself (9 decimal places, half away from zero).')
)
OPTIONS (description = 'landfall: spend per customer and calendar month, from the customer\'s first transaction month to the latest month in the transactions table, with a running monthly average that counts idle months as 0. One row per customer and month.')
AS
WITH spend_by_month AS (
  -- The monthly totals, kept equal to transactions (one row per customer and
  -- month with spend): about 3 % of the bytes of summing transactions here.
  SELECT
    totals.customer_id,
    totals.month_start,
    totals.total_amount AS total_spend
  FROM
    `${transactions_dataset}.customer_monthly_totals` AS totals
),

first_month AS (
  SELECT
    spend_by_month.customer_id,
    MIN(spend_by_month.month_start) AS first_month_start
  FROM
    spend_by_month
  GROUP BY
    spend_by_month.customer_id
),

latest_month AS (
  SELECT
    MAX(spend_by_month.month_start) AS latest_month_start
  FROM
    spend_by_month
),

customer_months AS (
  SELECT
    first_month.customer_id,
    first_month.first_month_start,
    month_start
  FROM
    first_month
  CROSS JOIN
    latest_month
  CROSS JOIN
    UNNEST(GENERATE_DATE_ARRAY(first_month.first_month_start, latest_month.latest_month_start, INTERVAL 1 MONTH)) AS month_start
),

dense AS (
  SELECT
    customer_months.customer_id,
    customer_months.month_start,
    DATE_DIFF(customer_months.month_start, customer_months.first_month_start, MONTH) + 1 AS months_to_date,
    COALESCE(spend_by_month.total_spend, NUMERIC '0') AS total_spend
  FROM
    customer_months
  LEFT JOIN
    spend_by_month
    ON spend_by_month.customer_id = customer_months.customer_id
    AND spend_by_month.month_start = customer_months.month_start
)

SELECT
  dense.customer_id,
  EXTRACT(YEAR FROM dense.month_start) AS year,
  EXTRACT(MONTH FROM dense.month_start) AS month,
  dense.total_spend,
  SUM(dense.total_spend) OVER (
    PARTITION BY dense.customer_id
    ORDER BY dense.month_start
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  ) / dense.months_to_date AS avg_monthly_spend_to_date
FROM
  dense
