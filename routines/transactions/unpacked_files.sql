-- Bookkeeping of CALL transactions.unpack(): one row per landed file (ledger row
-- of lake.landed_files) whose lake rows have been unpacked. See unpack.sql for
-- why this, and not a timestamp watermark, makes the unpack race-safe.
CREATE TABLE IF NOT EXISTS `${transactions_dataset}.unpacked_files`
(
  source_file STRING NOT NULL OPTIONS (description = 'landed_files.source_file of the unpacked file.'),
  load_id STRING NOT NULL OPTIONS (description = 'landed_files.load_id: the landing run that landed it.'),
  landed_at TIMESTAMP NOT NULL OPTIONS (description = 'landed_files.landed_at = ingestion_timestamp of its lake rows (locates their lake partition).'),
  records_landed INT64 NOT NULL OPTIONS (description = 'landed_files.records_landed: lake rows the landing run wrote for the file.'),
  records_unpacked INT64 NOT NULL OPTIONS (description = 'Lake rows of the file this unpack found and classified; differs from records_landed only if the ledger and the lake disagree.'),
  unpacked_at TIMESTAMP NOT NULL OPTIONS (description = 'When CALL unpack() unpacked the file.')
)
PARTITION BY DATE(landed_at)
OPTIONS (description = 'landfall unpack bookkeeping: landed files already unpacked into transactions, rejects or duplicates.');
