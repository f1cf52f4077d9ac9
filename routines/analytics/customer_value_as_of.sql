-- customer_value_as_of(as_of DATE): the one definition of lifetime value, value
-- rank and the top 5 %, as of a date. The views and the snapshot procedure all
-- read it, so the rule lives here and nowhere else.
--   as_of    only transactions dated on or before it count; DATE '9999-12-31'
--            means "all transactions" (what the views pass).
--   returns  one row per customer with spend by then: lifetime_value and counts,
--            value_rank, population, top_rank_cutoff, is_top, threshold_value and
--            definition_version.
-- Why: value_rank is RANK(), so equal values share a rank and the cut-off
-- value_rank <= CEIL(5 % of population) keeps every customer tied at the
-- boundary (no arbitrary tie-break can drop one). 5 % is a NUMERIC, not a
-- FLOAT64: 0.05 * 60 must be exactly 3, not 3.0000000000000004 (CEIL 4).
-- Change the definition => bump definition_version (recorded in every snapshot).
CREATE OR REPLACE TABLE FUNCTION `${analytics_dataset}.customer_value_as_of`(as_of DATE)
OPTIONS (description = 'Lifetime value (total spend), value_rank and top-5 % membership of every customer with spend, counting transactions dated on or before as_of (9999-12-31 = all). The single definition behind customer_lifetime_value, top_customers and snapshot_top_customers. Columns: customer_id; lifetime_value NUMERIC (sum of amount); transaction_count; first_transaction_date; last_transaction_date; value_rank (RANK() by lifetime_value DESC, ties share a rank); population (customers with spend); top_rank_cutoff (CEIL(0.05 x population)); is_top (value_rank <= top_rank_cutoff, so boundary ties are all in); threshold_value (lifetime value of the boundary customer); definition_version (of this definition).')
AS
WITH customer_totals AS (
  SELECT
    spend.customer_id,
    SUM(spend.total_amount) AS lifetime_value,
    SUM(spend.transaction_count) AS transaction_count,
    MIN(spend.first_transaction_date) AS first_transaction_date,
    MAX(spend.last_transaction_date) AS last_transaction_date
  FROM (
    -- Whole months before as_of's month, from the monthly totals (kept equal to
    -- transactions; about 3 % of its bytes) ...
    SELECT
      totals.customer_id, totals.total_amount, totals.transaction_count,
      totals.first_transaction_date, totals.last_transaction_date
    FROM
      `${transactions_dataset}.customer_monthly_totals` AS totals
    WHERE
      totals.month_start < DATE_TRUNC(as_of, MONTH)
    UNION ALL
    -- ... and as_of's own month up to as_of, from transactions: one partition
    -- (none for 9999-12-31, "all").
    SELECT
      txn.customer_id, txn.amount, 1, txn.transaction_date, txn.transaction_date
    FROM
      `${transactions_dataset}.transactions` AS txn
    WHERE
      txn.transaction_date >= DATE_TRUNC(as_of, MONTH)
      AND txn.transaction_date <= as_of
  ) AS spend
  GROUP BY
    spend.customer_id
),

ranked AS (
  SELECT
    customer_totals.*,
    RANK() OVER (ORDER BY customer_totals.lifetime_value DESC) AS value_rank,
    COUNT(*) OVER () AS population
  FROM
    customer_totals
),

with_cutoff AS (
  SELECT
    ranked.*,
    CAST(CEIL(NUMERIC '0.05' * ranked.population) AS INT64) AS top_rank_cutoff
  FROM
    ranked
)

SELECT
  with_cutoff.customer_id,
  with_cutoff.lifetime_value,
  with_cutoff.transaction_count,
  with_cutoff.first_transaction_date,
  with_cutoff.last_transaction_date,
  with_cutoff.value_rank,
  with_cutoff.population,
  with_cutoff.top_rank_cutoff,
  with_cutoff.value_rank <= with_cutoff.top_rank_cutoff AS is_top,
  -- The boundary customer is the last one in: the lowest value still in the list.
  MIN(IF(with_cutoff.value_rank <= with_cutoff.top_rank_cutoff, with_cutoff.lifetime_value, NULL)) OVER () AS threshold_value,
  -- Bump when anything above changes what lifetime value, rank or the top 5 % mean.
  1 AS definition_version
FROM
  with_cutoff
