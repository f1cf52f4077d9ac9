-- snapshot_top_customers(as_of DATE): writes the top 5 % as of as_of into
-- analytics.top_customers_snapshots, replacing any earlier snapshot of that date.
--   as_of    the snapshot date: transactions dated on or before it; customer
--            attributes as they were at its end (UTC), from customers_history.
--            NULL is an error.
--   returns  nothing; the snapshot is the rows with snapshot_date = as_of.
-- Why one MERGE: delete-the-date and insert-the-new-rows in a single DML
-- statement is atomic, so a reader never sees the date half-written or twice
-- and a failed run leaves the previous snapshot in place. An as_of with no spend
-- yet writes an empty snapshot (and removes an earlier one of that date).
CREATE OR REPLACE PROCEDURE `${analytics_dataset}.snapshot_top_customers`(as_of DATE)
OPTIONS (description = 'Writes the top 5 % customers as of as_of (transactions dated on or before it, customer attributes valid at its end, UTC) into analytics.top_customers_snapshots; re-running a date replaces that snapshot atomically, never duplicates it. Raises an error when as_of is NULL. Scheduled weekly for the CRM team.')
BEGIN
  IF as_of IS NULL THEN
    RAISE USING MESSAGE = 'snapshot_top_customers: as_of must be a date, got NULL (e.g. CALL snapshot_top_customers(CURRENT_DATE()))';
  END IF;

  MERGE `${analytics_dataset}.top_customers_snapshots` AS snap
  USING (
    WITH top_customers_then AS (
      SELECT
        cv.*
      FROM
        `${analytics_dataset}.customer_value_as_of`(as_of) AS cv
      WHERE
        cv.is_top
    ),

    -- The version in effect at the end of as_of: started by then, not ended by then.
    -- ([valid_from, valid_to) in UTC; DATE() avoids overflowing at 9999-12-31.)
    attributes_at_end_of_day AS (
      SELECT
        hist.customer_id,
        hist.first_name,
        hist.last_name,
        hist.email,
        hist.date_of_birth,
        hist.city,
        hist.country
      FROM (
        -- Current versions (customers_history's __NULL__ partition of valid_to) ...
        SELECT
          current_version.*
        FROM
          `${customers_dataset}.customers_history` AS current_version
        WHERE
          current_version.valid_to IS NULL
          AND DATE(current_version.valid_from) <= as_of
        UNION ALL
        -- ... and versions closed after as_of: valid_to >= TIMESTAMP(as_of) on the
        -- partitioning column as is, so BigQuery prunes the versions closed
        -- before (no overflow: as_of itself is a valid instant).
        SELECT
          closed_version.*
        FROM
          `${customers_dataset}.customers_history` AS closed_version
        WHERE
          closed_version.valid_to >= TIMESTAMP(as_of)
          AND DATE(closed_version.valid_from) <= as_of
          AND DATE(closed_version.valid_to) > as_of
      ) AS hist
      WHERE
        TRUE
      -- Versions never overlap; this only guarantees one row per customer if they did.
      QUALIFY
        ROW_NUMBER() OVER (PARTITION BY hist.customer_id ORDER BY hist.valid_from DESC) = 1
    )

    SELECT
      as_of AS snapshot_date,
      top_customers_then.customer_id,
      top_customers_then.value_rank,
      top_customers_then.lifetime_value,
      top_customers_then.threshold_value,
      top_customers_then.population,
      attrs.first_name,
      attrs.last_name,
      attrs.email,
      attrs.date_of_birth,
      attrs.city,
      attrs.country,
      CURRENT_TIMESTAMP() AS created_at,
      top_customers_then.definition_version
    FROM
      top_customers_then
    LEFT JOIN
      attributes_at_end_of_day AS attrs
      ON attrs.customer_id = top_customers_then.customer_id
  ) AS fresh
  -- ON FALSE: no row matches, so old rows of the date are deleted, new ones inserted.
  ON FALSE
  WHEN NOT MATCHED BY SOURCE AND snap.snapshot_date = as_of THEN
    DELETE
  WHEN NOT MATCHED BY TARGET THEN
    INSERT (
      snapshot_date, customer_id, value_rank, lifetime_value, threshold_value, population,
      first_name, last_name, email, date_of_birth, city, country, created_at, definition_version
    )
    VALUES (
      fresh.snapshot_date, fresh.customer_id, fresh.value_rank, fresh.lifetime_value, fresh.threshold_value, fresh.population,
      fresh.first_name, fresh.last_name, fresh.email, fresh.date_of_birth, fresh.city, fresh.country, fresh.created_at, fresh.definition_version
    );
END;
