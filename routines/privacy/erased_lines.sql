-- The lake lines erased for each request (by provenance, never their
-- content): those the erase procedure rewrote, and those a landing wrote as the
-- marker or pseudonymised because their customer was already erased (a
-- re-delivered file; the landing service account appends them, with a grant on
-- this table only). What the erase command removes from the landing bucket's
-- copies afterwards, with the request or with --landing-copies (docs/erasure.md
-- "The landing copies"). landing_rewritten_at is set once the line is gone from
-- its file, so an interrupted command finishes the files when run again. No
-- personal data: paths, offsets and load ids only.
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
OPTIONS (description = 'landfall: lake lines erased per erasure request (by the erase procedure, or marked by a landing that found the customer erased), for removing them from the landing files. Read by erasure operators, appended by the landing; no personal data.');
