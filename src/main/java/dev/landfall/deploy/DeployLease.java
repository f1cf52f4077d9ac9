package dev.landfall.deploy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The deploy lease ({@code <lake>.deploy_lock}): a deploy takes it before it reads what is pending
 * or changes anything, renews it during a long deploy and releases it at the end, also on failure.
 * A deploy that finds it held by another deploy, unexpired, stops at once and changes nothing.
 *
 * <p>Why one UPDATE is a compare-and-set on BigQuery. The lease is taken by
 *
 * <pre>
 * UPDATE deploy_lock SET holder = me, expires_at = now + lease
 * WHERE NOT EXISTS (a row held by another deploy that has not expired)
 * </pre>
 *
 * and the job's {@code numDmlAffectedRows} says whether it did. A DML statement outside a
 * transaction is one implicit transaction on one snapshot: "BigQuery uses snapshot isolation to
 * handle multiple concurrent operations on a table" and fixes the snapshot when the job starts
 * (https://cloud.google.com/blog/products/data-analytics/dml-without-limits-now-in-bigquery). Two
 * deploys' UPDATEs that both find the lease free both write its row, and write-write conflicts on
 * a table are not committed side by side: "if a transaction mutates (updates or deletes) rows in a
 * table, then other transactions or DML statements that mutate rows in the same table cannot run
 * concurrently ... Conflicting DML statements that run outside of a transaction are queued to run
 * later" (https://cloud.google.com/bigquery/docs/transactions#transaction_concurrency), and
 * "mutating DML statements that run concurrently on a table cause DML statement conflicts"
 * (https://cloud.google.com/bigquery/docs/data-manipulation-language, "UPDATE, DELETE, MERGE DML
 * concurrency" and "DML statement conflicts"): the losing UPDATE is rerun on a newer snapshot,
 * where the NOT EXISTS sees the winner and it updates nothing, or fails with "Could not serialize
 * access to table ... due to concurrent update" (a deploy error: nothing changed, deploy again).
 * So at most one of them takes the lease. A SELECT-then-UPDATE would be a race, and two INSERTs
 * into a table commit side by side (the same pages), so the lease is never taken by inserting.
 *
 * <p>The row is inserted by the first deploy (as {@code transactions.unpack} does for its lock).
 * Two first deploys may both insert it; harmless, because the condition looks at every row of the
 * table, so a successful UPDATE sets every row and a second free row cannot be taken beside a held
 * one ({@code DeployLeaseTest}).
 */
final class DeployLease implements AutoCloseable {

  static final String TABLE = "deploy_lock";

  /** Long enough for a deploy of every package; renewed during longer ones. */
  static final Duration LENGTH = Duration.ofMinutes(30);

  /**
   * A deploy renews the lease before its next statement once this much of it has passed: a short
   * deploy runs no renewal UPDATE (each DML statement is a job, billed at least 10 MB), and a long
   * one keeps the lease as long as no single statement runs for more than LENGTH - RENEW_AFTER.
   */
  static final Duration RENEW_AFTER = LENGTH.dividedBy(3);

  /** Who holds the lease, as the table says. */
  record Holder(String deployId, String startedBy, Instant acquiredAt, Instant expiresAt, boolean expired) {
    String describe() {
      return "deploy " + deployId + " (started by " + startedBy + " at " + acquiredAt
          + ", lease until " + expiresAt + (expired ? ", expired" : "") + ")";
    }
  }

  private final BigQuery bigQuery;
  private final String projectId;
  private final String lakeDataset;
  /** The table in SQL ({@code `dataset.deploy_lock`}) and in messages. */
  private final String table;
  private final String name;
  private final String deployId;
  private final PrintStream log;
  private boolean held;
  /** System.nanoTime() of the last take or renewal. */
  private long takenAt;

  private DeployLease(
      BigQuery bigQuery, String projectId, String lakeDataset, String deployId, PrintStream log) {
    this.bigQuery = bigQuery;
    this.projectId = projectId;
    this.lakeDataset = lakeDataset;
    this.name = lakeDataset + "." + TABLE;
    this.table = "`" + name + "`";
    this.deployId = deployId;
    this.log = log;
  }

  /**
   * Creates the lease table if missing and takes the lease for {@code deployId}; throws when
   * another deploy holds it (the message names the holder and what to do).
   */
  static DeployLease acquire(
      BigQuery bigQuery, String projectId, String lakeDataset, String deployId, PrintStream log) {
    DeployLease lease = new DeployLease(bigQuery, projectId, lakeDataset, deployId, log);
    lease.query(ddl(lakeDataset));
    lease.take();
    return lease;
  }

  /** The holder of the lease, or null when it is free (or the table does not exist). */
  static Holder holder(BigQuery bigQuery, String projectId, String lakeDataset) {
    DeployLease reader = new DeployLease(bigQuery, projectId, lakeDataset, null, null);
    if (!reader.exists()) {
      return null;
    }
    List<Holder> holders = reader.holders();
    return holders.isEmpty() ? null : holders.get(0);
  }

  /**
   * Releases the lease of {@code deployId} by hand (after a crashed deploy). Returns false when
   * that deploy does not hold it. Only for a deploy that is surely not running any more.
   */
  static boolean releaseHeldBy(
      BigQuery bigQuery, String projectId, String lakeDataset, String deployId) {
    DeployLease lease = new DeployLease(bigQuery, projectId, lakeDataset, deployId, null);
    return lease.exists() && lease.releaseRows() > 0;
  }

  private boolean exists() {
    return bigQuery.getTable(TableId.of(projectId, lakeDataset, TABLE)) != null;
  }

  String deployId() {
    return deployId;
  }

  /** Takes the lease when no other deploy holds it unexpired (the compare-and-set). */
  static String takeSql(String table, String deployId, String startedBy) {
    return "UPDATE " + table + " SET holder = " + SchemaDiff.sqlString(deployId)
        + ", started_by = " + SchemaDiff.sqlString(startedBy)
        + ", acquired_at = CURRENT_TIMESTAMP()"
        + ", expires_at = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL " + LENGTH.toSeconds()
        + " SECOND)"
        + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " AS held"
        + " WHERE held.holder IS NOT NULL AND held.holder != " + SchemaDiff.sqlString(deployId)
        + " AND held.expires_at > CURRENT_TIMESTAMP())";
  }

  static String renewSql(String table, String deployId) {
    return "UPDATE " + table + " SET expires_at = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL "
        + LENGTH.toSeconds() + " SECOND) WHERE holder = " + SchemaDiff.sqlString(deployId);
  }

  static String releaseSql(String table, String deployId) {
    return "UPDATE " + table + " SET holder = NULL, started_by = NULL, acquired_at = NULL,"
        + " expires_at = NULL WHERE holder = " + SchemaDiff.sqlString(deployId);
  }

  static String holdersSql(String table) {
    return "SELECT holder, started_by, UNIX_MICROS(acquired_at) AS acquired,"
        + " UNIX_MICROS(expires_at) AS expires,"
        + " expires_at <= CURRENT_TIMESTAMP() AS expired FROM " + table
        + " WHERE holder IS NOT NULL";
  }

  static String rowCountSql(String table) {
    return "SELECT COUNT(*) AS n FROM " + table;
  }

  static String seedSql(String table) {
    return "INSERT INTO " + table + " (lock_name) VALUES ('deploy')";
  }

  private void take() {
    String sql = takeSql(table, deployId, startedBy());
    for (int attempt = 0; attempt < 3; attempt++) {
      if (dml(sql) > 0) {
        held = true;
        takenAt = System.nanoTime();
        Holder me = holders().stream().filter(h -> h.deployId().equals(deployId)).findFirst().orElse(null);
        log.println(
            "lease " + name + " taken by deploy " + deployId
                + (me == null ? "" : " until " + me.expiresAt()));
        return;
      }
      List<Holder> holders = holders();
      for (Holder h : holders) {
        if (!h.deployId().equals(deployId) && !h.expired()) {
          throw new DeployException(
              "deploy refused, nothing changed: another deploy holds the deploy lease "
                  + name + ": " + h.describe() + ". Wait for it to finish"
                  + " and deploy again. If that deploy crashed, its lease expires at "
                  + h.expiresAt() + "; or, when you are sure it is not running, release it now:"
                  + " scripts/deploy.sh routines --release-lease " + h.deployId());
        }
      }
      if (holders.isEmpty() && rowCount() == 0) {
        query(seedSql(table));
      }
      // Else released between the UPDATE and the read: try again.
    }
    throw new DeployException(
        "could not take the deploy lease " + name + " after 3 attempts"
            + " (other deploys are taking and releasing it); nothing changed, deploy again");
  }

  /** Renews the lease when {@link #RENEW_AFTER} has passed since it was taken or renewed. */
  void renewIfDue() {
    if (System.nanoTime() - takenAt >= RENEW_AFTER.toNanos()) {
      renew();
    }
  }

  /** Extends the lease; fails when it expired and another deploy took it over meanwhile. */
  void renew() {
    long renewed = dml(renewSql(table, deployId));
    takenAt = System.nanoTime();
    if (renewed == 0) {
      held = false;
      List<Holder> holders = holders();
      throw new DeployException(
          "deploy " + deployId + " stopped: it lost the deploy lease " + name
              + " (it expired and "
              + (holders.isEmpty() ? "was released" : "was taken over by " + holders.get(0).describe())
              + "); what is reported applied above is done, deploy again for the rest");
    }
    log.println("lease " + name + " renewed by deploy " + deployId);
  }

  /** Releases the lease; a failure is a warning, since the lease expires anyway. */
  @Override
  public void close() {
    if (!held) {
      return;
    }
    held = false;
    try {
      releaseRows();
      log.println("lease " + name + " released by deploy " + deployId);
    } catch (DeployException | BigQueryException e) {
      log.println(
          "warning: could not release the deploy lease of deploy " + deployId + " ("
              + e.getMessage() + "); it expires by itself, or release it with"
              + " scripts/deploy.sh routines --release-lease " + deployId);
    }
  }

  private long releaseRows() {
    return dml(releaseSql(table, deployId));
  }

  /** Holders, unexpired first, then latest expiry first. */
  private List<Holder> holders() {
    List<Holder> out = new ArrayList<>();
    for (FieldValueList row : query(holdersSql(table)).iterateAll()) {
      out.add(
          new Holder(
              row.get("holder").getStringValue(),
              row.get("started_by").isNull() ? "?" : row.get("started_by").getStringValue(),
              micros(row.get("acquired").isNull() ? 0 : row.get("acquired").getLongValue()),
              micros(row.get("expires").isNull() ? 0 : row.get("expires").getLongValue()),
              row.get("expired").isNull() || row.get("expired").getBooleanValue()));
    }
    out.sort(
        (a, b) ->
            a.expired() != b.expired()
                ? Boolean.compare(a.expired(), b.expired())
                : b.expiresAt().compareTo(a.expiresAt()));
    return out;
  }

  private long rowCount() {
    return query(rowCountSql(table)).iterateAll().iterator().next().get("n").getLongValue();
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).truncatedTo(ChronoUnit.SECONDS);
  }

  static String ddl(String lakeDataset) {
    return DeployHistory.bundledDdl("deploy_lock.sql", lakeDataset);
  }

  private static String startedBy() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name", "unknown") + "@" + host;
  }

  /** Runs a DML statement as a job and returns its numDmlAffectedRows. */
  private long dml(String sql) {
    try {
      Job job =
          bigQuery.create(
              JobInfo.of(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build()));
      job = job.waitFor();
      if (job == null) {
        throw new DeployException("deploy lease " + name + ": the job vanished");
      }
      if (job.getStatus().getError() != null) {
        throw new DeployException(
            "deploy lease " + name + ": " + job.getStatus().getError().getMessage()
                + " (nothing changed; if another deploy was taking the lease at the same time,"
                + " deploy again)");
      }
      JobStatistics.QueryStatistics stats = job.getStatistics();
      Long affected = stats.getNumDmlAffectedRows();
      if (affected == null) {
        throw new DeployException(
            "deploy lease " + name + ": the job reported no numDmlAffectedRows");
      }
      return affected;
    } catch (BigQueryException e) {
      throw new DeployException("deploy lease " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted", e);
    }
  }

  private TableResult query(String sql) {
    try {
      return bigQuery.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
    } catch (BigQueryException | com.google.cloud.bigquery.JobException e) {
      throw new DeployException("deploy lease " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted", e);
    }
  }
}
