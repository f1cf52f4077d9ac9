-- The lake lines each erasure request rewrote (by provenance, never their
-- content): what the erase command removes from the landing bucket's copies
-- afterwards (docs/erasure.md "The landing copies"). landing_rewritten_at is set
-- once the line is gone from its file, so a command interrupted between the
-- procedure and the files finishes the files when run again with the same
-- request id. No personal data: paths, offsets and load ids only.
CREATE TABLE IF NOT EXISTS `${privacy_dataset}.erased_lines`
(
  request_id STRING NOT NULL OPTIONS (description = 'The erasure request (privacy.erasure_log.request_id).'),
  source STRING NOT NULL OPTIONS (description = 'Lake source of the line.'),
  source_file STRING NOT NULL OPTIONS (description = 'The landing file the line came from (lake source_file).'),
  source_offset INT64 NOT NULL OPTIONS (description = 'Byte offset of the line in source_file as landed (the rewrite keeps every other line at its offset).'),
  load_id STRING NOT NULL OPTIONS (description = 'Landing run of the lake row.'),
  ingestion_timestamp TIMESTAMP NOT NULL OPTIONS (description = 'ingestion_timestamp of the lake row (its partition).'),
  pseudonymised BOOL NOT NULL OPTIONS (description = 'TRUE: the lake row kept its fields with customer_id pseudonymised (transactions, pseudonymise mode); FALSE: it became the erased marker.'),
  landing_rewritten_at TIMESTAMP OPTIONS (description = 'When the erase command removed the line from its landing file (or found it gone); NULL until then.')
)
OPTIONS (description = 'landfall: lake lines rewritten per erasure request, for removing them from the landing files. Erasure operators only; no personal data.');
