package dev.landfall.deploy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The deploy-history table ({@code <lake>.deploy_history}): which package versions were deployed
 * and which migrations ran, so that each migration runs once.
 */
final class DeployHistory {

  static final String TABLE = "deploy_history";

  private final BigQuery bigQuery;
  private final String projectId;
  private final String dataset;

  /** Latest deployed version per package. */
  private final Map<String, String> versions = new HashMap<>();

  /** "package/NNN_file.sql" of every migration that ran or was baselined. */
  private final Set<String> migrations = new HashSet<>();

  DeployHistory(BigQuery bigQuery, String projectId, String dataset) {
    this.bigQuery = bigQuery;
    this.projectId = projectId;
    this.dataset = dataset;
  }

  /** Reads the table; a missing table (or dataset) is an empty history. */
  DeployHistory load() {
    if (bigQuery.getTable(TableId.of(projectId, dataset, TABLE)) == null) {
      return this;
    }
    Map<String, Long> latest = new HashMap<>();
    for (FieldValueList row :
        // (AT is a reserved keyword in GoogleSQL, not an alias:
        // https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#reserved_keywords)
        query(
                "SELECT package, version, event, migration, UNIX_MICROS(deployed_at) AS deployed_micros"
                    + " FROM `"
                    + dataset + "." + TABLE + "`")
            .iterateAll()) {
      String pkg = row.get("package").getStringValue();
      String event = row.get("event").getStringValue();
      if (event.equals("deployed")) {
        long at = row.get("deployed_micros").getLongValue();
        if (at >= latest.getOrDefault(pkg, Long.MIN_VALUE)) {
          latest.put(pkg, at);
          versions.put(pkg, row.get("version").getStringValue());
        }
      } else if (!row.get("migration").isNull()) {
        migrations.add(pkg + "/" + row.get("migration").getStringValue());
      }
    }
    return this;
  }

  /** The DDL of the table, placeholders filled. */
  static String ddl(String lakeDataset) {
    return bundledDdl("deploy_history.sql", lakeDataset);
  }

  /**
   * The DDL of one of the deployer's own tables in the lake dataset (a resource of this package),
   * placeholders filled.
   */
  static String bundledDdl(String resource, String lakeDataset) {
    try (InputStream in = DeployHistory.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("${lake_dataset}", lakeDataset);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException(resource + " missing from the jar", e);
    }
  }

  void create() {
    query(ddl(dataset));
  }

  String deployedVersion(String pkg) {
    return versions.get(pkg);
  }

  boolean ran(ServicePackage.Migration migration) {
    return migrations.contains(migration.service() + "/" + migration.fileName());
  }

  void record(
      String deployId,
      ServicePackage pkg,
      String event,
      String migration,
      String sha256,
      String changes) {
    query(
        "INSERT INTO `" + dataset + "." + TABLE + "` (deploy_id, deployed_at, package, version,"
            + " event, migration, sha256, changes) VALUES ("
            + SchemaDiff.sqlString(deployId) + ", CURRENT_TIMESTAMP(), "
            + SchemaDiff.sqlString(pkg.name()) + ", " + SchemaDiff.sqlString(pkg.version()) + ", "
            + SchemaDiff.sqlString(event) + ", " + literal(migration) + ", " + literal(sha256)
            + ", " + literal(changes) + ")");
    if (event.equals("deployed")) {
      versions.put(pkg.name(), pkg.version());
    } else {
      migrations.add(pkg.name() + "/" + migration);
    }
  }

  private static String literal(String value) {
    return value == null ? "NULL" : SchemaDiff.sqlString(value);
  }

  private TableResult query(String sql) {
    try {
      return bigQuery.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
    } catch (BigQueryException | com.google.cloud.bigquery.JobException e) {
      throw new DeployException("deploy history " + dataset + "." + TABLE + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted", e);
    }
  }
}
