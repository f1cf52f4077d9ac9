-- Written by the deploy command (dev.landfall.deploy.DeployLease), not a package
-- object: the lease that keeps two deploys from changing the datasets at the same
-- time. One row ('deploy'); a deploy takes it with one UPDATE that succeeds only
-- when no other deploy holds an unexpired lease (docs/deploy.md, "Overlapping deploys").
CREATE TABLE IF NOT EXISTS `${lake_dataset}.deploy_lock`
(
  lock_name STRING NOT NULL OPTIONS (description = 'Always deploy.'),
  holder STRING OPTIONS (description = 'Deploy id (as in deploy_history.deploy_id) of the deploy holding the lease; NULL when free.'),
  started_by STRING OPTIONS (description = 'user@host that runs the deploy holding the lease.'),
  acquired_at TIMESTAMP OPTIONS (description = 'When the holder took the lease.'),
  expires_at TIMESTAMP OPTIONS (description = 'Until when the lease holds; a deploy renews it before each package. After this time another deploy may take it over (a crashed deploy).')
)
OPTIONS (description = 'landfall deploy lease: the deploy holding it (holder) is the only one changing the datasets until expires_at. A deploy that finds it held stops and changes nothing. Release the lease of a crashed deploy with scripts/deploy.sh routines --release-lease <holder>.');
