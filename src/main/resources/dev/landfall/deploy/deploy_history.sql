-- Written by the deploy command (dev.landfall.deploy.DeployHistory), not a package
-- object: one row per package deployed and per migration run (or baselined).
CREATE TABLE IF NOT EXISTS `${lake_dataset}.deploy_history`
(
  deploy_id STRING NOT NULL OPTIONS (description = 'Id of the deploy run; the same on every row it wrote.'),
  deployed_at TIMESTAMP NOT NULL OPTIONS (description = 'When the row was written.'),
  package STRING NOT NULL OPTIONS (description = 'Package (routines/<service>/ folder) the row is about.'),
  version STRING NOT NULL OPTIONS (description = 'The package version from its package.yaml at that deploy.'),
  event STRING NOT NULL OPTIONS (description = 'deployed: the package was deployed; migration: a migration file ran; baseline: a migration was recorded without running because the tables of the package were created fresh from their current DDL.'),
  migration STRING OPTIONS (description = 'File name of the migration (migrations/NNN_what.sql), for migration and baseline rows.'),
  sha256 STRING OPTIONS (description = 'Hex SHA-256 of the migration file as it ran.'),
  changes STRING OPTIONS (description = 'What the deploy changed in the package: tables created or evolved, objects replaced.')
)
OPTIONS (description = 'landfall deploy history: package versions deployed and migrations run, so each migration runs once.');
