-- Per-load conservation check for transactions: every lake row of a load is
-- typed, rejected or a duplicate once its files are unpacked, or erased (CONTRACT §6). Rows not yet
-- accounted for are split by why: their file is landed but not unpacked yet
-- (rows_awaiting_unpack), or their load never wrote the file's ledger row
-- (rows_without_ledger: a landing that crashed, or is still running; a crashed
-- file's records are unpacked from its re-land, so these stay here, visible).
-- Records the landing read but BigQuery refused (dead-lettered, see
-- docs/reliability.md) are in the ledger's records_landed but not in the lake:
-- rows_not_in_lake counts them per file against the ledger, so the view is
-- driven by lake files and ledger files alike (a file whose every row was
-- dead-lettered has a ledger row and no lake rows).
-- Every load: reads the whole lake (a reporting view, not used by unpack() or
-- any scheduled job). For some days only: load_reconciliation_between.
CREATE OR REPLACE VIEW `${transactions_dataset}.load_reconciliation`
(
  load_id OPTIONS (description = 'Landing run.'),
  ingestion_timestamp OPTIONS (description = 'Start of the landing run.'),
  files OPTIONS (description = 'Files of this source the run wrote lake rows or a ledger row for.'),
  lake_rows OPTIONS (description = 'Lake rows of this source the run landed.'),
  typed_rows OPTIONS (description = 'Rows typed into transactions.'),
  rejected_rows OPTIONS (description = 'Rows in rejects.'),
  duplicate_rows OPTIONS (description = 'Rows in duplicates.'),
  erased_rows OPTIONS (description = 'Rows erased on request (data_string is the marker {"_erased_by":"<request_id>"}, written by the erase procedure or by a landing that found the customer in the erasure log): never typed, rejected or duplicate.'),
  rows_awaiting_unpack OPTIONS (description = 'Rows of files whose ledger row is written but not unpacked yet (erased rows aside).'),
  rows_without_ledger OPTIONS (description = 'Rows of files this run never wrote a ledger row for (crashed or still running landing), erased rows aside; never unpacked.'),
  rows_not_in_lake OPTIONS (description = 'Records the run read but did not land (dead-lettered: refused by BigQuery or too large): per file with a ledger row, records_landed minus its lake rows, counted only where positive; 0 when none. Not part of lake_rows or is_balanced.'),
  is_balanced OPTIONS (description = 'lake_rows = typed_rows + rejected_rows + duplicate_rows + erased_rows: the lake rows are accounted for. Says nothing about rows_not_in_lake (rows that never reached the lake).'),
  status OPTIONS (description = 'First that applies: unbalanced (the lake rows do not add up even with rows_awaiting_unpack and rows_without_ledger, or a file has more lake rows than its ledger records_landed: investigate); rows_dead_lettered (rows_not_in_lake > 0: the rows and their errors are in the landing dead-letter folder); balanced (is_balanced); landing_incomplete (rows_without_ledger > 0); awaiting_unpack.')
)
OPTIONS (description = 'landfall per-load reconciliation of transactions: lake_rows = typed_rows + rejected_rows + duplicate_rows + erased_rows once the load is unpacked (is_balanced); rows_awaiting_unpack and rows_without_ledger say why not yet; rows_not_in_lake counts records the ledger says were read but the lake does not hold (dead-lettered).')
AS
SELECT
  *
FROM
  `${transactions_dataset}.load_reconciliation_between`(DATE '0001-01-01', DATE '9999-12-31');
