-- The CRM team's weekly top-5 % list with its audit history: one snapshot per
-- snapshot_date, written only by CALL analytics.snapshot_top_customers(as_of).
-- CREATE TABLE IF NOT EXISTS, not OR REPLACE: redeploying must never drop history.
-- Right to erasure (docs/erasure.md): CALL privacy.erase_customer clears an erased
-- customer's id and attributes here and sets erased_by; the row stays, so every
-- snapshot keeps its audit figures. erased_by and the NULLABLE customer_id came
-- after the first release: the deploy adds the column and drops NOT NULL in place.
CREATE TABLE IF NOT EXISTS `${analytics_dataset}.top_customers_snapshots`
(
  snapshot_date DATE NOT NULL OPTIONS (description = 'The as_of date of the snapshot: transactions dated on or before it, customer attributes as they were at its end (UTC). One snapshot per date; re-running a date replaces it.'),
  customer_id STRING OPTIONS (description = 'Customer in the top 5 % as of snapshot_date; NULL on a row whose customer was erased (erased_by).'),
  value_rank INT64 NOT NULL OPTIONS (description = 'RANK() by lifetime_value, highest first, among customers with spend as of snapshot_date; equal values share a rank.'),
  lifetime_value NUMERIC NOT NULL OPTIONS (description = 'Total spend (sum of amount, base currency) of transactions dated on or before snapshot_date.'),
  threshold_value NUMERIC NOT NULL OPTIONS (description = 'Lifetime value of the boundary customer (the lowest value that made the list); the same on every row of a snapshot.'),
  population INT64 NOT NULL OPTIONS (description = 'Customers with spend as of snapshot_date; the list holds the customers ranked within CEIL(5 % of population), plus ties.'),
  first_name STRING OPTIONS (description = 'First name as it was at the end of snapshot_date (SCD2 history); NULL if the customer was not known then.'),
  last_name STRING OPTIONS (description = 'Last name as it was at the end of snapshot_date; NULL if the customer was not known then.'),
  email STRING OPTIONS (description = 'Email as it was at the end of snapshot_date; NULL if the customer was not known then.'),
  date_of_birth DATE OPTIONS (description = 'Date of birth as it was at the end of snapshot_date; NULL if the customer was not known then.'),
  city STRING OPTIONS (description = 'City as it was at the end of snapshot_date; NULL if the customer was not known then.'),
  country STRING OPTIONS (description = 'Country as it was at the end of snapshot_date; NULL if the customer was not known then.'),
  created_at TIMESTAMP NOT NULL OPTIONS (description = 'When this snapshot was (re)written.'),
  definition_version INT64 NOT NULL OPTIONS (description = 'Version of the top-5 % definition that produced the row (analytics.customer_value_as_of); bumped whenever the definition changes, so old snapshots stay interpretable.'),
  erased_by STRING OPTIONS (description = 'Request id (privacy.erasure_log) that erased the customer of this row: customer_id and the attributes are NULL, the audit figures (value_rank, lifetime_value, threshold_value, population) keep their values. NULL otherwise.')
)
PARTITION BY DATE_TRUNC(snapshot_date, MONTH)
CLUSTER BY snapshot_date, customer_id
OPTIONS (description = 'landfall: weekly point-in-time snapshots of the top 5 % customers by lifetime value (the CRM list), one per snapshot_date, with audit columns. Written by analytics.snapshot_top_customers.');
