package dev.landfall.deploy;

import com.google.cloud.bigquery.Acl;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Dataset;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.PolicyTags;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableDefinition;
import dev.landfall.config.LandfallConfig;
import dev.landfall.hash.Sha256;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one deploy path (CONTRACT §3), the same for Google Cloud and the local engine: applies the
 * packages of {@code routines/} in dependency order, one statement at a time, waiting for each job
 * and stopping at the first error with {@code file:line} and BigQuery's message.
 *
 * <p>Per package: pending migrations (once each, recorded in {@code <lake>.deploy_history}); then
 * tables: created when missing, else evolved ({@link SchemaDiff}: new NULLABLE columns, relaxed
 * modes, in-place widenings, descriptions) or refused naming table and column before anything
 * changes; then the personal-data policy tag on every column {@code pii.columns} names ({@link
 * PiiTags}); then functions, views and procedures ({@code CREATE OR REPLACE}) in reference order;
 * finally the package's version is recorded.
 *
 * <p>Why not Terraform's {@code google_bigquery_job}: it returns as soon as the job exists, neither
 * waiting for it nor failing the apply when the SQL fails
 * (hashicorp/terraform-provider-google#9826), and jobs are immutable, so a changed label re-creates
 * each DDL job under the same id and BigQuery answers 409 Already Exists.
 */
public final class Deployer {

  /** One statement the deploy will run (or ran). */
  public record Planned(RoutineFile file, String sql, String objectName) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "%-12s %-14s %-44s %s",
          "[" + file.service() + "]",
          file.kind().label(),
          objectName == null ? "-" : objectName,
          file.displayPath());
    }
  }

  /**
   * What a deploy did.
   *
   * @param deployId the id in {@code <lake>.deploy_history} and the lease; null for a plan
   */
  public record Result(
      String deployId, List<Planned> applied, List<String> datasetsCreated, double seconds) {}

  /** A package ready to deploy: its statements, placeholders filled. */
  private record Prepared(
      ServicePackage pkg, List<Planned> tables, List<Planned> objects, Map<String, String> migrations) {}

  /** What one table needs: created, evolved, refused, or nothing. */
  private record TablePlan(Planned planned, TableSpec desired, Table live, SchemaDiff.Result diff) {}

  private static final Pattern BIGQUERY_POSITION = Pattern.compile("\\[(?:at )?(\\d+):(\\d+)]");

  private final BigQuery bigQuery;
  private final String projectId;
  private final LandfallConfig config;
  private final PrintStream log;
  private final String policyTag;
  private final String datePolicyTag;

  /**
   * @param bigQuery the client; may be null for {@link #dryRun} only
   * @param log receives one line per object and a summary
   */
  public Deployer(BigQuery bigQuery, String projectId, LandfallConfig config, PrintStream log) {
    this(bigQuery, projectId, config, log, null, null);
  }

  /**
   * @param policyTag resource name of the personal-data policy tag for STRING and BYTES columns
   *     ({@code projects/.../policyTags/...}, Terraform output {@code pii_policy_tags.string});
   *     null: tags are planned and printed, not set
   * @param datePolicyTag the tag for personal data of other types (DATE of birth; output {@code
   *     pii_policy_tags.date}); null: {@code policyTag} for every type
   */
  public Deployer(
      BigQuery bigQuery,
      String projectId,
      LandfallConfig config,
      PrintStream log,
      String policyTag,
      String datePolicyTag) {
    this.bigQuery = bigQuery;
    this.projectId = projectId;
    this.config = config;
    this.log = log;
    this.policyTag = policyTag;
    this.datePolicyTag = datePolicyTag;
  }

  /**
   * The statements a deploy would run, in package order, with placeholders substituted. Touches no
   * BigQuery; fails with every file's problem (unknown placeholder, non-idempotent DDL) at once.
   */
  public List<Planned> plan(Path routinesDir) {
    List<Planned> all = new ArrayList<>();
    for (Prepared p : prepare(Packages.discover(routinesDir), routinesDir)) {
      all.addAll(p.tables());
      all.addAll(p.objects());
    }
    return all;
  }

  /** Prints the statements without touching BigQuery. */
  public List<Planned> dryRun(Path routinesDir) {
    List<Planned> planned = plan(routinesDir);
    log.printf(
        Locale.ROOT,
        "deploy (dry run): project %s, datasets %s (location %s)%n",
        projectId,
        String.join(", ", config.datasets().values()),
        config.location());
    for (Planned p : planned) {
      log.println("would apply " + p.describe());
    }
    log.printf(Locale.ROOT, "deploy (dry run): %d objects%n", planned.size());
    return planned;
  }

  /** Deploys every package. */
  public Result deploy(Path routinesDir) {
    return deploy(routinesDir, Set.of(), false);
  }

  /**
   * Deploys the named packages (all when empty), or with {@code planOnly} prints what a deploy
   * would change against the live datasets and changes nothing.
   *
   * <p>A deploy first takes the deploy lease ({@link DeployLease}, in the lake dataset, created
   * with it when missing): only then does it read what is pending and change anything, and it
   * releases the lease at the end, also on failure. A plan takes no lease.
   */
  public Result deploy(Path routinesDir, Set<String> services, boolean planOnly) {
    if (bigQuery == null) {
      throw new IllegalStateException("deploy needs a BigQuery client");
    }
    long start = System.nanoTime();
    List<ServicePackage> all = Packages.discover(routinesDir);
    List<ServicePackage> selected = select(all, services);
    List<Prepared> prepared = prepare(selected, routinesDir);
    checkPiiEntries(prepare(all, routinesDir));

    if (planOnly) {
      Analysis analysis = analyze(prepared, selected);
      printPlan(prepared, analysis.tablePlans(), analysis.history());
      return new Result(null, List.of(), List.of(), (System.nanoTime() - start) / 1e9);
    }
    String deployId = UUID.randomUUID().toString();
    List<String> created = new ArrayList<>();
    if (ensureDataset(config.lakeDataset())) {
      created.add(config.lakeDataset());
    }
    try (DeployLease lease =
        DeployLease.acquire(bigQuery, projectId, config.lakeDataset(), deployId, log)) {
      return apply(prepared, selected, lease, created, start);
    }
  }

  /** What the deploy found before changing anything. */
  private record Analysis(
      DeployHistory history,
      LiveTables live,
      Map<String, List<TablePlan>> tablePlans,
      List<String> refusals) {}

  /**
   * Read-only: history, dependencies, every table's diff. A deploy runs it under the lease, so
   * the pending migrations it finds are not being run by another deploy.
   */
  private Analysis analyze(List<Prepared> prepared, List<ServicePackage> selected) {
    DeployHistory history =
        new DeployHistory(bigQuery, projectId, config.lakeDataset()).load();
    LiveTables live = new LiveTables(bigQuery, projectId);
    Map<String, List<TablePlan>> tablePlans = new LinkedHashMap<>();
    List<String> refusals = new ArrayList<>();
    for (Prepared p : prepared) {
      checkDependencies(p.pkg(), selected, history);
      List<TablePlan> plans = planTables(p, live);
      tablePlans.put(p.pkg().name(), plans);
      boolean migrationsPending = pendingMigrations(p.pkg(), history) > 0;
      for (TablePlan t : plans) {
        if (t.diff() != null && !t.diff().refusals().isEmpty() && !migrationsPending) {
          refusals.addAll(t.diff().refusals());
        }
      }
    }
    return new Analysis(history, live, tablePlans, refusals);
  }

  /** The deploy proper, holding the lease. A refusal stops it before anything changed. */
  private Result apply(
      List<Prepared> prepared,
      List<ServicePackage> selected,
      DeployLease lease,
      List<String> created,
      long start) {
    Analysis analysis = analyze(prepared, selected);
    if (!analysis.refusals().isEmpty()) {
      throw new DeployException(
          "deploy refused, nothing changed: these changes cannot be made in place; write a"
              + " migration (routines/<service>/migrations/NNN_what.sql) that makes them:\n  "
              + String.join("\n  ", analysis.refusals()));
    }
    DeployHistory history = analysis.history();
    LiveTables live = analysis.live();
    for (String name : config.datasets().values()) {
      if (!name.equals(config.lakeDataset()) && ensureDataset(name)) {
        created.add(name);
      }
    }
    history.create();
    String deployId = lease.deployId();
    List<Planned> applied = new ArrayList<>();
    Set<String> replacedRoutines = new TreeSet<>();
    for (Prepared p : prepared) {
      lease.renewIfDue();
      List<String> changes = new ArrayList<>();
      List<TablePlan> plans = analysis.tablePlans().get(p.pkg().name());
      if (runMigrations(p, plans, history, lease, changes)) {
        plans = planTables(p, live);
        List<String> left = new ArrayList<>();
        plans.forEach(t -> left.addAll(t.diff() == null ? List.of() : t.diff().refusals()));
        if (!left.isEmpty()) {
          throw new DeployException(
              "deploy stopped in package " + p.pkg().name() + " after its migrations: still"
                  + " refused:\n  " + String.join("\n  ", left));
        }
      }
      for (TablePlan t : plans) {
        lease.renewIfDue();
        applyTable(p.pkg().name(), t, live, changes);
        applied.add(t.planned());
      }
      for (Planned o : p.objects()) {
        lease.renewIfDue();
        long t0 = System.nanoTime();
        run(o.file(), o.sql(), applied.size());
        applied.add(o);
        if (o.file().kind() != RoutineFile.Kind.VIEW && o.objectName() != null) {
          replacedRoutines.add(o.objectName().toLowerCase(Locale.ROOT));
        }
        log.printf(Locale.ROOT, "applied %s %.2fs%n", o.describe(), (System.nanoTime() - t0) / 1e9);
      }
      changes.add("replaced " + p.objects().size() + " views/functions/procedures");
      history.record(deployId, p.pkg(), "deployed", null, null, String.join("; ", changes));
      log.printf(
          Locale.ROOT, "package %s %s deployed%n", p.pkg().name(), p.pkg().version());
    }
    reauthorize(replacedRoutines);
    double seconds = (System.nanoTime() - start) / 1e9;
    log.printf(
        Locale.ROOT,
        "deploy: %d objects applied to project %s (datasets %s) in %.1fs%n",
        applied.size(),
        projectId,
        String.join(", ", config.datasets().values()),
        seconds);
    return new Result(deployId, List.copyOf(applied), List.copyOf(created), seconds);
  }

  private static List<ServicePackage> select(List<ServicePackage> all, Set<String> services) {
    if (services.isEmpty()) {
      return all;
    }
    Set<String> known = new TreeSet<>();
    all.forEach(p -> known.add(p.name()));
    for (String s : services) {
      if (!known.contains(s)) {
        throw new DeployException("unknown package '" + s + "' (known: " + known + ")");
      }
    }
    return all.stream().filter(p -> services.contains(p.name())).toList();
  }

  /** Substitutes every file of the packages; fails with every problem at once. */
  private List<Prepared> prepare(List<ServicePackage> packages, Path routinesDir) {
    List<String> problems = new ArrayList<>();
    List<Prepared> prepared = new ArrayList<>();
    Map<String, String> variables = config.sqlVariables();
    for (ServicePackage pkg : packages) {
      List<Planned> tables = new ArrayList<>();
      List<Planned> objects = new ArrayList<>();
      for (RoutineFile file : pkg.files()) {
        try {
          String problem = file.idempotencyProblem();
          if (problem != null) {
            throw new DeployException(file.displayPath() + ": " + problem);
          }
          String sql = file.substitute(variables);
          Planned planned = new Planned(file, sql, RoutineFile.objectName(sql));
          if (file.kind() == RoutineFile.Kind.TABLE) {
            TableDdl.parse(sql);
            tables.add(planned);
          } else {
            objects.add(planned);
          }
        } catch (DeployException e) {
          problems.add(
              e.getMessage().startsWith(file.displayPath())
                  ? e.getMessage()
                  : file.displayPath() + ": " + e.getMessage());
        }
      }
      Map<String, String> migrations = new LinkedHashMap<>();
      for (ServicePackage.Migration m : pkg.migrations()) {
        try {
          RoutineFile file = RoutineFile.read(m.path(), m.displayPath(), pkg.name());
          migrations.put(m.fileName(), file.substitute(variables));
        } catch (DeployException e) {
          problems.add(e.getMessage());
        }
      }
      try {
        prepared.add(new Prepared(pkg, tables, ObjectOrder.sort(objects), migrations));
      } catch (DeployException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new DeployException(
          "cannot deploy " + routinesDir + ":\n  " + String.join("\n  ", problems));
    }
    return prepared;
  }

  private void checkPiiEntries(List<Prepared> all) {
    Set<String> columns = new TreeSet<>();
    for (Prepared p : all) {
      for (Planned t : p.tables()) {
        TableSpec spec = TableDdl.parse(t.sql());
        String table = spec.name().substring(spec.name().lastIndexOf('.') + 1);
        spec.columns().forEach(c -> columns.add(p.pkg().name() + "." + table + "." + c.name()));
      }
    }
    List<String> unknown = PiiTags.unknownEntries(config.pii(), columns);
    if (!unknown.isEmpty()) {
      log.println(
          "warning: config pii.columns names columns no table file declares: " + unknown
              + " (qualified entries are <package>.<table>.<column>)");
    }
  }

  /** A package deployed alone needs its dependencies deployed before. */
  private static void checkDependencies(
      ServicePackage pkg, List<ServicePackage> selected, DeployHistory history) {
    for (String dep : pkg.dependsOn()) {
      boolean inThisRun = selected.stream().anyMatch(p -> p.name().equals(dep));
      if (!inThisRun && history.deployedVersion(dep) == null) {
        throw new DeployException(
            "package " + pkg.name() + " depends on " + dep + ", which is not deployed here;"
                + " deploy it first (--service " + dep + ") or deploy both");
      }
    }
  }

  private static int pendingMigrations(ServicePackage pkg, DeployHistory history) {
    return (int) pkg.migrations().stream().filter(m -> !history.ran(m)).count();
  }

  private List<TablePlan> planTables(Prepared p, LiveTables live) {
    List<TablePlan> plans = new ArrayList<>();
    for (Planned t : p.tables()) {
      TableSpec desired = TableDdl.parse(t.sql());
      Table table = live.get(desired.name());
      SchemaDiff.Result diff =
          table == null
              ? null
              : SchemaDiff.compare(
                  desired, LiveTables.spec(desired.name(), table), live.reportsMetadata());
      plans.add(new TablePlan(t, desired, table, diff));
    }
    return plans;
  }

  /**
   * Runs the package's pending migrations, in order; when every table of the package is new, they
   * are recorded as baseline instead (the DDL already has their end state). Returns whether any ran.
   */
  private boolean runMigrations(
      Prepared p, List<TablePlan> plans, DeployHistory history, DeployLease lease, List<String> changes) {
    String deployId = lease.deployId();
    boolean fresh = !plans.isEmpty() && plans.stream().allMatch(t -> t.live() == null);
    boolean ran = false;
    for (ServicePackage.Migration m : p.pkg().migrations()) {
      if (history.ran(m)) {
        continue;
      }
      String sql = p.migrations().get(m.fileName());
      if (fresh) {
        history.record(deployId, p.pkg(), "baseline", m.fileName(), Sha256.hex(sql), null);
        log.println("baseline " + m.displayPath() + " (tables created fresh from their DDL)");
        continue;
      }
      lease.renewIfDue();
      long t0 = System.nanoTime();
      RoutineFile file = RoutineFile.parse(m.path(), m.displayPath(), m.service(), sql);
      run(file, sql, 0);
      history.record(deployId, p.pkg(), "migration", m.fileName(), Sha256.hex(sql), null);
      changes.add("migration " + m.fileName());
      log.printf(Locale.ROOT, "migrated %s %.2fs%n", m.displayPath(), (System.nanoTime() - t0) / 1e9);
      ran = true;
    }
    return ran;
  }

  /** Creates or evolves one table, then sets its descriptions and policy tags. */
  private void applyTable(String service, TablePlan t, LiveTables live, List<String> changes) {
    long t0 = System.nanoTime();
    String what;
    if (t.live() == null) {
      run(t.planned().file(), t.planned().sql(), 0);
      what = "created";
      changes.add("created " + t.desired().name());
    } else {
      for (SchemaDiff.Change c : t.diff().changes()) {
        if (c.ddl() != null) {
          run(t.planned().file(), c.ddl(), 0);
          log.println("  " + c.summary());
        }
        changes.add(c.summary());
      }
      what = t.diff().changes().isEmpty() ? "unchanged" : "evolved";
    }
    Table table = live.get(t.desired().name());
    if (table != null && patchMetadata(service, t.desired(), table, live.reportsMetadata())) {
      what += ", metadata set";
    }
    log.printf(
        Locale.ROOT,
        "applied %s %.2fs (%s)%n",
        t.planned().describe(),
        (System.nanoTime() - t0) / 1e9,
        what);
  }

  /**
   * Brings the live schema's descriptions, modes, types and policy tags to the DDL with one {@code
   * tables.patch}: DDL cannot attach policy tags, and the local engine's catalog does not follow
   * ALTER TABLE. Columns keep the live order (new ones last, as ADD COLUMN puts them). Returns
   * whether a patch was sent.
   */
  private boolean patchMetadata(
      String service, TableSpec desired, Table table, boolean reportsMetadata) {
    TableDefinition definition = table.getDefinition();
    if (!(definition instanceof StandardTableDefinition standard) || standard.getSchema() == null) {
      return false;
    }
    Set<String> personal = PiiTags.columns(config.pii(), service, desired);
    List<Field> fields = new ArrayList<>();
    Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (Field f : standard.getSchema().getFields()) {
      TableSpec.Column c = desired.column(f.getName());
      seen.add(f.getName());
      fields.add(c == null ? f : field(f.toBuilder(), c, f, personal.contains(c.name())));
    }
    for (TableSpec.Column c : desired.columns()) {
      if (!seen.contains(c.name())) {
        fields.add(field(Field.newBuilder(c.name(), simpleType(c.type())), c, null, personal.contains(c.name())));
      }
    }
    Schema schema = Schema.of(fields);
    if (schema.equals(standard.getSchema())
        && Objects.equals(table.getDescription(), desired.description())) {
      return false;
    }
    try {
      bigQuery.update(
          table.toBuilder()
              .setDefinition(standard.toBuilder().setSchema(schema).build())
              .setDescription(desired.description())
              .build());
    } catch (BigQueryException e) {
      if (e.getCode() == 405 && !reportsMetadata) {
        // The local engine routes tables.patch only as HTTP PATCH; the Java client sends POST with
        // X-HTTP-Method-Override (engine/README.md). It has no policy tags to set anyway.
        return false;
      }
      throw new DeployException(
          "cannot set descriptions and policy tags of " + desired.name() + ": " + e.getMessage(), e);
    }
    return true;
  }

  private Field field(Field.Builder b, TableSpec.Column c, Field live, boolean personal) {
    if (live == null || !LiveTables.typeOf(live).equals(c.type())) {
      b.setType(simpleType(c.type()));
    }
    if (live == null || live.getMode() != Field.Mode.REPEATED) {
      b.setMode(c.required() ? Field.Mode.REQUIRED : Field.Mode.NULLABLE);
    }
    b.setDescription(c.description());
    List<String> liveTags =
        live == null || live.getPolicyTags() == null || live.getPolicyTags().getNames() == null
            ? List.of()
            : live.getPolicyTags().getNames();
    if (policyTag == null) {
      return b.build();
    }
    String tag = PiiTags.tagFor(c.type(), policyTag, datePolicyTag);
    Set<String> ours = new TreeSet<>(List.of(policyTag));
    if (datePolicyTag != null) {
      ours.add(datePolicyTag);
    }
    if (personal && !liveTags.equals(List.of(tag))) {
      b.setPolicyTags(PolicyTags.newBuilder().setNames(List.of(tag)).build());
    } else if (!personal && liveTags.stream().anyMatch(ours::contains)) {
      b.setPolicyTags(PolicyTags.newBuilder().setNames(List.of()).build());
    }
    return b.build();
  }

  private static StandardSQLTypeName simpleType(String type) {
    try {
      return StandardSQLTypeName.valueOf(type.replaceAll("\\(.*", ""));
    } catch (IllegalArgumentException e) {
      throw new DeployException("type " + type + " is not supported by schema evolution", e);
    }
  }

  /** Runs one statement as a query job and waits for it; a failure names file:line. */
  private void run(RoutineFile file, String sql, int appliedBefore) {
    try {
      bigQuery.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
    } catch (BigQueryException | JobException e) {
      String message = message(e);
      throw new DeployException(
          file.displayPath() + ":" + line(file, sql, message) + ": " + message
              + " (deploy stopped at the first error)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted", e);
    }
  }

  private static String message(Exception e) {
    if (e instanceof JobException job && job.getErrors() != null && !job.getErrors().isEmpty()) {
      BigQueryError first = job.getErrors().get(0);
      return first.getMessage();
    }
    return e.getMessage();
  }

  /**
   * The file line of an error: BigQuery reports {@code [line:column]} within the statement, and a
   * file holds one statement whose placeholders add no lines; else the statement's first line.
   */
  static int line(RoutineFile file, String sql, String message) {
    Matcher m = BIGQUERY_POSITION.matcher(message == null ? "" : message);
    boolean fileStatement = sql.lines().count() == file.sql().lines().count();
    if (fileStatement && m.find()) {
      return Integer.parseInt(m.group(1));
    }
    String code = RoutineFile.stripComments(file.sql());
    int line = 1;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '\n') {
        line++;
      } else if (!Character.isWhitespace(c)) {
        return line;
      }
    }
    return 1;
  }

  private void printPlan(
      List<Prepared> prepared, Map<String, List<TablePlan>> tablePlans, DeployHistory history) {
    log.printf(
        Locale.ROOT,
        "deploy plan: project %s, datasets %s%n",
        projectId,
        String.join(", ", config.datasets().values()));
    int changes = 0;
    for (Prepared p : prepared) {
      String was = history.deployedVersion(p.pkg().name());
      log.printf(
          Locale.ROOT,
          "package %s %s%s%n",
          p.pkg().name(),
          p.pkg().version(),
          was == null ? " (not deployed yet)" : was.equals(p.pkg().version()) ? "" : " (was " + was + ")");
      for (ServicePackage.Migration m : p.pkg().migrations()) {
        if (!history.ran(m)) {
          log.println("  run migration " + m.displayPath());
          changes++;
        }
      }
      for (TablePlan t : tablePlans.get(p.pkg().name())) {
        if (t.live() == null) {
          log.println("  create table " + t.desired().name());
          changes++;
        } else {
          for (SchemaDiff.Change c : t.diff().changes()) {
            log.println("  " + c.summary());
            changes++;
          }
          for (String r : t.diff().refusals()) {
            log.println("  REFUSED " + r);
            changes++;
          }
        }
        Set<String> personal = PiiTags.columns(config.pii(), p.pkg().name(), t.desired());
        if (!personal.isEmpty()) {
          log.println(
              "  policy tag on " + t.desired().name() + ": " + String.join(", ", personal)
                  + (policyTag == null ? " (no --policy-tag: not set)" : ""));
        }
      }
      for (Planned o : p.objects()) {
        log.println("  replace " + o.file().kind().label() + " " + o.objectName());
        changes++;
      }
    }
    log.printf(Locale.ROOT, "deploy plan: %d changes%n", changes);
  }

  /**
   * Grants the authorized routines that this deploy replaced again: "If that routine is updated by
   * any user, access to the routine needs to be granted again via an update operation" (the
   * {@code routine} field of the dataset access list,
   * https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets#Dataset.FIELDS.access). The
   * access list is written back unchanged; Terraform owns its content (terraform/bigquery.tf).
   */
  private void reauthorize(Set<String> replacedRoutines) {
    if (replacedRoutines.isEmpty()) {
      return;
    }
    for (String name : config.datasets().values()) {
      Dataset dataset = bigQuery.getDataset(DatasetId.of(projectId, name));
      if (dataset == null || dataset.getAcl() == null) {
        continue;
      }
      List<String> granted = new ArrayList<>();
      for (Acl acl : dataset.getAcl()) {
        if (acl.getEntity() instanceof Acl.Routine routine) {
          String id =
              (routine.getId().getDataset() + "." + routine.getId().getRoutine())
                  .toLowerCase(Locale.ROOT);
          if (replacedRoutines.contains(id)) {
            granted.add(id);
          }
        }
      }
      if (granted.isEmpty()) {
        continue;
      }
      try {
        bigQuery.update(dataset.toBuilder().setAcl(dataset.getAcl()).build());
      } catch (BigQueryException e) {
        throw new DeployException(
            "cannot grant the replaced routine(s) " + granted + " on dataset " + name + " again: "
                + e.getMessage(),
            e);
      }
      log.println("authorized again on dataset " + name + ": " + String.join(", ", granted));
    }
  }

  /**
   * Creates the dataset when it does not exist yet; returns whether this deploy created it. A
   * dataset created meanwhile by another deploy (409 Already Exists) counts as existing.
   */
  private boolean ensureDataset(String name) {
    DatasetId id = DatasetId.of(projectId, name);
    try {
      if (bigQuery.getDataset(id) != null) {
        return false;
      }
      bigQuery.create(
          DatasetInfo.newBuilder(id)
              .setLocation(config.location())
              .setLabels(config.labels())
              .setDescription("landfall " + name + " (deployed from routines/)")
              .build());
    } catch (BigQueryException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw new DeployException(
          "cannot create dataset " + projectId + "." + name + ": " + e.getMessage(), e);
    }
    log.println("created dataset " + projectId + "." + name + " (" + config.location() + ")");
    return true;
  }

  /** Deletes the configured datasets and everything in them (for isolated test datasets). */
  public void dropDatasets() {
    for (String name : config.datasets().values()) {
      bigQuery.delete(DatasetId.of(projectId, name), BigQuery.DatasetDeleteOption.deleteContents());
    }
  }
}
