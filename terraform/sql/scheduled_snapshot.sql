-- Weekly snapshot of the top customers, run by Cloud Scheduler through the
-- BigQuery jobs API (terraform/scheduler.tf). It snapshots the last complete
-- day in the configured time zone (yesterday there): the job runs on Monday
-- morning, when today's transactions are still arriving.
-- Rendered with templatefile(): project, analytics_dataset, time_zone.
CALL `${project}.${analytics_dataset}.snapshot_top_customers`(DATE_SUB(CURRENT_DATE('${time_zone}'), INTERVAL 1 DAY));
