-- customer_monthly_spend(customer_id STRING): analytics.monthly_spend for one
-- customer (same columns, same rule: this only filters the view).
--   customer_id  the customer; an unknown id returns no rows.
--   returns      customer_id, year, month, total_spend, avg_monthly_spend_to_date.
-- Why the CTE: in BigQuery a parameter named like a column of the FROM tables is
-- read as the column (WHERE ms.customer_id = customer_id would be always true),
-- so the parameter is read in a SELECT without FROM, where it is the only
-- customer_id in scope.
CREATE OR REPLACE TABLE FUNCTION `${analytics_dataset}.customer_monthly_spend`(customer_id STRING)
OPTIONS (description = 'analytics.monthly_spend for one customer: customer_id, year, month, total_spend (NUMERIC, 0 for an idle month), avg_monthly_spend_to_date (spend from the first month through this month / number of those months, idle months included). Months run from the customer\'s first transaction month to the latest month in the transactions table.')
AS
WITH requested AS (
  SELECT
    customer_id AS requested_customer_id
)

SELECT
  ms.customer_id,
  ms.year,
  ms.month,
  ms.total_spend,
  ms.avg_monthly_spend_to_date
FROM
  `${analytics_dataset}.monthly_spend` AS ms
INNER JOIN
  requested
  ON ms.customer_id = requested.requested_customer_id
