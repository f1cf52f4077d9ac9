-- Weekly snapshot of the top customers, run by Cloud Scheduler through the
-- BigQuery jobs API (terraform/scheduler.tf). "Today" is the configured time zone's.
-- Rendered with templatefile(): project, analytics_dataset, time_zone.
CALL `${project}.${analytics_dataset}.snapshot_top_customers`(CURRENT_DATE('${time_zone}'));
