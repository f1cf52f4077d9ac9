-- The landing ledger: one row per file a landing run committed. A run skips a
-- file whose content hash is already here, so scheduled runs land each file once.
-- Written only after the file's records are committed, so a crash can re-land a
-- file (deduplicated downstream) but never skip one.
CREATE TABLE IF NOT EXISTS `${lake_dataset}.landed_files`
(
  source_file STRING NOT NULL OPTIONS (description = 'Full URI or path of the landed file.'),
  source STRING NOT NULL OPTIONS (description = 'Service the file belongs to.'),
  file_size_bytes INT64 NOT NULL OPTIONS (description = 'Size of the file in bytes.'),
  content_sha256 STRING NOT NULL OPTIONS (description = 'Hex SHA-256 of the whole file content.'),
  header STRING OPTIONS (description = 'The header line as it is in the file (lake keys are normalized from it).'),
  load_id STRING NOT NULL OPTIONS (description = 'Id of the landing run that landed the file.'),
  landed_at TIMESTAMP NOT NULL OPTIONS (description = 'Start of that landing run (its ingestion_timestamp).'),
  records_landed INT64 NOT NULL OPTIONS (description = 'Lake rows written for the file, parse errors included.'),
  parse_errors INT64 NOT NULL OPTIONS (description = 'Lake rows of the file with parse_error set.'),
  blank_lines INT64 NOT NULL OPTIONS (description = 'Blank lines skipped (not landed).'),
  listing_identity STRING OPTIONS (description = 'The listed object the run landed: gs-generation:<n> on Cloud Storage, size:<n>,mtime:<ms> for a local file. A later run skips the same path and identity without reading it. NULL on rows written before it was recorded.')
)
PARTITION BY DATE(landed_at)
OPTIONS (description = 'landfall landing ledger: files landed per run, written after their records are committed.');
