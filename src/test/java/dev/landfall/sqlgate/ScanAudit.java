package dev.landfall.sqlgate;

import com.google.zetasql.resolvedast.ResolvedColumn;
import com.google.zetasql.resolvedast.ResolvedMergeWhenEnums.ActionType;
import com.google.zetasql.resolvedast.ResolvedNode;
import com.google.zetasql.resolvedast.ResolvedNodes;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedAggregateScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedArgumentRef;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCast;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedColumnRef;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedComputedColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedConstant;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableAsSelectStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedDeleteStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedExpr;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedFilterScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedFunctionCall;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedInsertStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedJoinScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedLiteral;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedMergeStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedMergeWhen;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedParameter;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedProjectScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedSetOperationItem;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedSetOperationScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedSystemVariable;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedTVFScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedTableScan;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedUpdateStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedWithEntry;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedWithRefScan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The scan audit (issue 17 §3): every scan of a partitioned or clustered table (per its DDL) in
 * the resolved statements, views and table functions expanded, and whether BigQuery can prune it.
 *
 * <p>BigQuery prunes partitions only on a filter that compares the partition column with a
 * constant expression: literals, script variables, parameters, functions of them; not a subquery
 * ("Query partitioned tables", https://cloud.google.com/bigquery/docs/querying-partitioned-tables).
 * It prunes blocks of a clustered table on the same kind of filter on the clustering columns
 * (https://cloud.google.com/bigquery/docs/querying-clustered-tables). A filter on a view's column
 * or a CTE's column that passes the partition column through unchanged counts, as BigQuery pushes
 * it down. Rule of the audit: a partitioned table must be partition-pruned (clustering within
 * every partition does not bound a table that grows by the day); a clustered, unpartitioned table
 * must be filtered on its clustering key.
 */
final class ScanAudit {

  enum Pruning {
    /** Partition column equal to, in a list of, or at least a constant: bounded. */
    PARTITION,
    /** Clustering key of an unpartitioned table compared with constants. */
    CLUSTER,
    /** Only an upper bound on the partition column: every partition from the first one is read. */
    UPPER_BOUND_ONLY,
    NONE
  }

  /**
   * One scan of a base table.
   *
   * @param table dataset.table
   * @param via the views / table functions it is read through, outermost first ("" if direct)
   * @param columns the columns BigQuery bills (referenced ones; every column for a DML target)
   * @param pruning what bounds it
   * @param dmlTarget the table an UPDATE/DELETE/MERGE modifies (billed whole, within pruning)
   * @param nullPartition pruned to the __NULL__ partition only (partition column IS NULL)
   */
  record Scan(
      AnalyzedStatement statement,
      String table,
      String via,
      List<String> columns,
      Pruning pruning,
      boolean dmlTarget,
      boolean temp,
      boolean clusterFiltered,
      boolean nullPartition) {

    /** Partitioned or clustered in the DDL: the audit's subject. */
    boolean audited(ProjectCatalog catalog) {
      ProjectCatalog.Relation r = catalog.relation(table);
      return !temp && r != null && (r.partitionColumn != null || !r.clusterColumns.isEmpty());
    }

    String describe() {
      return table + (via.isEmpty() ? "" : " (via " + via + ")");
    }
  }

  private final List<Scan> scans = new ArrayList<>();
  private final List<Finding> findings = new ArrayList<>();
  private final ProjectCatalog catalog;
  private final Map<String, List<Inner>> viewCache = new HashMap<>();

  private ScanAudit(ProjectCatalog catalog) {
    this.catalog = catalog;
  }

  static ScanAudit of(SqlGate gate) {
    ScanAudit audit = new ScanAudit(gate.catalog);
    for (AnalyzedStatement s : gate.analyzed) {
      if (s.resolved() instanceof ResolvedNodes.ResolvedCreateStatement
          && !(s.resolved() instanceof ResolvedCreateTableAsSelectStmt)) {
        continue; // DDL reads nothing when it runs (views are audited where they are read)
      }
      audit.audit(s);
    }
    return audit;
  }

  List<Scan> scans() {
    return scans;
  }

  List<Finding> findings() {
    return findings;
  }

  private void audit(AnalyzedStatement statement) {
    for (Inner inner : analyze(statement.resolved(), List.of(), null)) {
      Scan scan =
          new Scan(
              statement, inner.table, inner.via, inner.columns, inner.pruning(), inner.dmlTarget,
              inner.temp, inner.clusterPruned, inner.nullPartitionOnly);
      scans.add(scan);
      if (scan.audited(catalog)
          && statement.scheduled()
          && (scan.pruning() == Pruning.NONE || scan.pruning() == Pruning.UPPER_BOUND_ONLY)) {
        ProjectCatalog.Relation r = catalog.relation(inner.table);
        findings.add(
            new Finding(
                "scan",
                statement.file(),
                statement.line(),
                statement.text(),
                (scan.pruning() == Pruning.UPPER_BOUND_ONLY
                        ? "scan from the first partition of "
                        : "unbounded scan of ")
                    + scan.describe()
                    + " in "
                    + statement.unit()
                    + ": no filter BigQuery can prune on ("
                    + (r.partitionColumn != null
                        ? "partition column " + r.partitionColumn
                        : "clustering key " + String.join(", ", r.clusterColumns))
                    + " compared with constants or script variables)"));
      }
    }
  }

  /** A base-table scan found inside a statement, view or table function. */
  private static final class Inner {
    String table;
    String via = "";
    List<String> columns;
    boolean dmlTarget;
    boolean temp;
    /** Pruned by a filter inside the analyzed tree. */
    boolean partitionPruned;
    boolean partitionUpperOnly;
    boolean clusterPruned;
    boolean partitioned;
    /** The partition column is bounded by IS NULL: the __NULL__ partition only. */
    boolean nullPartitionOnly;
    /** For a view: output positions that carry the partition / first clustering column. */
    Set<Integer> partitionPositions = new HashSet<>();
    Set<Integer> clusterPositions = new HashSet<>();

    Pruning pruning() {
      if (partitionPruned) {
        return Pruning.PARTITION;
      }
      if (!partitioned && clusterPruned) {
        return Pruning.CLUSTER;
      }
      return partitionUpperOnly ? Pruning.UPPER_BOUND_ONLY : Pruning.NONE;
    }

    Inner copy() {
      Inner c = new Inner();
      c.table = table;
      c.via = via;
      c.columns = columns;
      c.dmlTarget = dmlTarget;
      c.temp = temp;
      c.partitionPruned = partitionPruned;
      c.partitionUpperOnly = partitionUpperOnly;
      c.clusterPruned = clusterPruned;
      c.partitioned = partitioned;
      c.nullPartitionOnly = nullPartitionOnly;
      return c;
    }
  }

  /**
   * The audited scans under {@code root}. {@code outputIds} are the ids of a view's output
   * columns, whose positions a scan's partition column may pass through (null for a statement).
   */
  private List<Inner> analyze(ResolvedNode root, List<Long> outputIds, String unused) {
    Collector c = new Collector();
    root.accept(c);
    Map<Long, Set<Long>> ancestors = new HashMap<>();
    Map<Long, Bound> bounds = new HashMap<>();
    for (ResolvedExpr filter : c.filters) {
      constrained(filter).forEach((id, b) -> bounds.merge(id, b, Bound::and));
    }
    Set<Long> prunedAncestors = new HashSet<>();
    Set<Long> upperAncestors = new HashSet<>();
    Set<Long> nullAncestors = new HashSet<>();
    for (Map.Entry<Long, Bound> b : bounds.entrySet()) {
      (b.getValue() == Bound.UPPER ? upperAncestors : prunedAncestors)
          .addAll(ancestors(b.getKey(), c.sources, ancestors));
      if (b.getValue() == Bound.NULL_ONLY) {
        nullAncestors.addAll(ancestors(b.getKey(), c.sources, ancestors));
      }
    }
    List<Inner> out = new ArrayList<>();
    for (RawScan raw : c.scans) {
      List<Inner> found = new ArrayList<>();
      if (raw.relation != null && raw.relation.query != null) {
        // A view or table function: its own scans, pruned inside or through its output columns.
        List<Inner> inner = viewScans(raw.relation);
        for (Inner i : inner) {
          Inner o = i.copy();
          o.via = raw.relation.name + (i.via.isEmpty() ? "" : ", " + i.via);
          for (int k = 0; k < raw.columns.size(); k++) {
            int position = raw.positions.get(k);
            long id = raw.columns.get(k).getId();
            if (i.partitionPositions.contains(position) && prunedAncestors.contains(id)) {
              o.partitionPruned = true;
            }
            if (i.partitionPositions.contains(position) && upperAncestors.contains(id)) {
              o.partitionUpperOnly = true;
            }
            if (i.partitionPositions.contains(position) && nullAncestors.contains(id)) {
              o.nullPartitionOnly = true;
            }
            if (i.clusterPositions.contains(position) && prunedAncestors.contains(id)) {
              o.clusterPruned = true;
            }
            if (i.partitionPositions.contains(position)) {
              o.partitionPositions.addAll(positionsOf(id, outputIds, c.sources, ancestors));
            }
            if (i.clusterPositions.contains(position)) {
              o.clusterPositions.addAll(positionsOf(id, outputIds, c.sources, ancestors));
            }
          }
          found.add(o);
        }
      } else if (raw.tempName != null) {
        Inner o = new Inner();
        o.table = raw.tempName;
        o.temp = true;
        o.columns = raw.columns.stream().map(ResolvedColumn::getName).toList();
        found.add(o);
      } else if (raw.relation != null) {
        Inner o = new Inner();
        o.table = raw.relation.name;
        o.dmlTarget = raw.dmlTarget;
        o.partitioned = raw.relation.partitionColumn != null;
        o.columns =
            raw.dmlTarget
                ? raw.relation.columns.stream().map(ProjectCatalog.Column::name).toList()
                : raw.columns.stream().map(ResolvedColumn::getName).toList();
        for (ResolvedColumn col : raw.columns) {
          boolean isPartition = col.getName().equalsIgnoreCase(String.valueOf(raw.relation.partitionColumn));
          boolean isCluster =
              !raw.relation.clusterColumns.isEmpty()
                  && col.getName().equalsIgnoreCase(raw.relation.clusterColumns.get(0));
          if (isPartition && prunedAncestors.contains(col.getId())) {
            o.partitionPruned = true;
          }
          if (isPartition && upperAncestors.contains(col.getId())) {
            o.partitionUpperOnly = true;
          }
          if (isPartition && nullAncestors.contains(col.getId())) {
            o.nullPartitionOnly = true;
          }
          if (isCluster && prunedAncestors.contains(col.getId())) {
            o.clusterPruned = true;
          }
          if (isPartition) {
            o.partitionPositions.addAll(positionsOf(col.getId(), outputIds, c.sources, ancestors));
          }
          if (isCluster) {
            o.clusterPositions.addAll(positionsOf(col.getId(), outputIds, c.sources, ancestors));
          }
        }
        found.add(o);
      }
      out.addAll(found);
    }
    return out;
  }

  private List<Inner> viewScans(ProjectCatalog.Relation view) {
    String key = view.name + "#" + System.identityHashCode(view);
    List<Inner> cached = viewCache.get(key);
    if (cached == null) {
      cached = analyze(view.query, view.outputColumnIds, null);
      viewCache.put(key, cached);
    }
    return cached;
  }

  /** Output positions (of a view) whose column descends from {@code id}. */
  private static Set<Integer> positionsOf(
      long id, List<Long> outputIds, Map<Long, List<Long>> sources, Map<Long, Set<Long>> memo) {
    Set<Integer> out = new HashSet<>();
    for (int p = 0; p < outputIds.size(); p++) {
      if (ancestors(outputIds.get(p), sources, memo).contains(id)) {
        out.add(p);
      }
    }
    return out;
  }

  /** The column itself and every column it passes through unchanged from. */
  private static Set<Long> ancestors(long id, Map<Long, List<Long>> sources, Map<Long, Set<Long>> memo) {
    Set<Long> cached = memo.get(id);
    if (cached != null) {
      return cached;
    }
    Set<Long> seen = new LinkedHashSet<>();
    Deque<Long> todo = new ArrayDeque<>(List.of(id));
    while (!todo.isEmpty()) {
      long next = todo.pop();
      if (seen.add(next)) {
        todo.addAll(sources.getOrDefault(next, List.of()));
      }
    }
    memo.put(id, seen);
    return seen;
  }

  /** How a filter bounds a column. */
  enum Bound {
    /** Equality, IN, BETWEEN, or both a lower and an upper bound. */
    POINT,
    /** IS NULL: the __NULL__ partition. */
    NULL_ONLY,
    LOWER,
    UPPER;

    Bound and(Bound other) {
      return this == other ? this : POINT;
    }
  }

  /** Column ids a filter bounds with constants (top-level conjuncts only), and how. */
  static Map<Long, Bound> constrained(ResolvedExpr e) {
    Map<Long, Bound> out = new HashMap<>();
    if (e instanceof ResolvedFunctionCall call) {
      String fn = call.getFunction().getName();
      List<ResolvedExpr> args = call.getArgumentList();
      if (fn.equals("$and")) {
        args.forEach(a -> constrained(a).forEach((id, b) -> out.merge(id, b, Bound::and)));
        return out;
      }
      if (fn.equals("$is_null") && args.size() == 1 && columnOf(args.get(0)) != null) {
        // IS NULL on the partition column reads the __NULL__ partition only.
        out.put(columnOf(args.get(0)), Bound.NULL_ONLY);
        return out;
      }
      if (!Set.of("$equal", "$less", "$less_or_equal", "$greater", "$greater_or_equal",
              "$between", "$in", "$in_array")
          .contains(fn)) {
        return out;
      }
      Long column = null;
      int columnAt = -1;
      boolean ok = true;
      for (int i = 0; i < args.size(); i++) {
        Long col = columnOf(args.get(i));
        if (col != null && column == null) {
          column = col;
          columnAt = i;
        } else if (!isConstant(args.get(i))) {
          ok = false;
        }
      }
      if (ok && column != null) {
        boolean less = fn.startsWith("$less");
        boolean greater = fn.startsWith("$greater");
        Bound b =
            less || greater
                ? ((less == (columnAt == 0)) ? Bound.UPPER : Bound.LOWER)
                : Bound.POINT;
        out.put(column, b);
      }
    }
    return out;
  }

  /** The column under a pruning-friendly wrapper: DATE(c), TIMESTAMP_TRUNC(c, DAY), CAST(c). */
  private static Long columnOf(ResolvedExpr e) {
    if (e instanceof ResolvedColumnRef ref) {
      return ref.getColumn().getId();
    }
    if (e instanceof ResolvedCast cast) {
      return columnOf(cast.getExpr());
    }
    if (e instanceof ResolvedFunctionCall call) {
      String fn = call.getFunction().getName().toLowerCase(Locale.ROOT);
      if (Set.of("date", "timestamp", "timestamp_trunc", "date_trunc", "datetime_trunc")
              .contains(fn)
          && !call.getArgumentList().isEmpty()) {
        for (int i = 1; i < call.getArgumentList().size(); i++) {
          if (!isConstant(call.getArgumentList().get(i))) {
            return null;
          }
        }
        return columnOf(call.getArgumentList().get(0));
      }
    }
    return null;
  }

  /** Known before the query runs: literals, script variables, parameters, and functions of them. */
  static boolean isConstant(ResolvedExpr e) {
    if (e instanceof ResolvedLiteral
        || e instanceof ResolvedConstant
        || e instanceof ResolvedParameter
        || e instanceof ResolvedSystemVariable
        || e instanceof ResolvedArgumentRef) {
      return true;
    }
    if (e instanceof ResolvedCast cast) {
      return isConstant(cast.getExpr());
    }
    if (e instanceof ResolvedFunctionCall call) {
      return call.getArgumentList().stream().allMatch(ScanAudit::isConstant);
    }
    return false;
  }

  /** A base or view scan with its columns and their positions in the table/view. */
  private static final class RawScan {
    ProjectCatalog.Relation relation;
    /** A script's temp table (or a table a fixture created): not in the DDL. */
    String tempName;
    List<ResolvedColumn> columns;
    List<Integer> positions;
    boolean dmlTarget;
  }

  /** Collects scans, filters and column pass-through edges of a resolved tree. */
  private final class Collector extends ResolvedNodes.Visitor {
    final List<RawScan> scans = new ArrayList<>();
    final List<ResolvedExpr> filters = new ArrayList<>();
    /** derived column id -> the ids it passes through unchanged from */
    final Map<Long, List<Long>> sources = new HashMap<>();
    final Map<String, List<ResolvedColumn>> withColumns = new HashMap<>();
    final Map<ResolvedTableScan, Boolean> skip = new IdentityHashMap<>();

    private void edge(ResolvedColumn derived, ResolvedColumn from) {
      if (derived.getId() != from.getId()) {
        sources.computeIfAbsent(derived.getId(), k -> new ArrayList<>()).add(from.getId());
      }
    }

    @Override
    public void visit(ResolvedTableScan node) {
      if (skip.containsKey(node)) {
        return;
      }
      RawScan raw = new RawScan();
      raw.relation = catalog.relation(stripProject(node.getTable().getFullName()));
      raw.columns = node.getColumnList();
      raw.positions = node.getColumnIndexList().stream().map(Long::intValue).toList();
      if (raw.relation == null) {
        raw.tempName = node.getTable().getName();
      }
      scans.add(raw);
      super.visit(node);
    }

    @Override
    public void visit(ResolvedTVFScan node) {
      ProjectCatalog.TableFunction f =
          catalog.tableFunctions.get(ProjectCatalog.key(stripProject(node.getTvf().getFullName())));
      if (f != null) {
        RawScan raw = new RawScan();
        raw.relation = f.output;
        raw.columns = node.getColumnList();
        raw.positions = node.getColumnIndexList().stream().map(Long::intValue).toList();
        scans.add(raw);
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedFilterScan node) {
      filters.add(node.getFilterExpr());
      super.visit(node);
    }

    @Override
    public void visit(ResolvedJoinScan node) {
      if (node.getJoinExpr() != null) {
        filters.add(node.getJoinExpr());
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedProjectScan node) {
      for (ResolvedComputedColumn cc : node.getExprList()) {
        if (cc.getExpr() instanceof ResolvedColumnRef ref) {
          edge(cc.getColumn(), ref.getColumn());
        }
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedAggregateScan node) {
      for (ResolvedComputedColumn cc : node.getGroupByList()) {
        if (cc.getExpr() instanceof ResolvedColumnRef ref) {
          edge(cc.getColumn(), ref.getColumn());
        }
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedSetOperationScan node) {
      List<ResolvedColumn> out = node.getColumnList();
      for (ResolvedSetOperationItem item : node.getInputItemList()) {
        List<ResolvedColumn> in = item.getOutputColumnList();
        for (int i = 0; i < Math.min(out.size(), in.size()); i++) {
          edge(out.get(i), in.get(i));
        }
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedWithEntry node) {
      withColumns.put(node.getWithQueryName(), node.getWithSubquery().getColumnList());
      super.visit(node);
    }

    @Override
    public void visit(ResolvedWithRefScan node) {
      List<ResolvedColumn> in = withColumns.getOrDefault(node.getWithQueryName(), List.of());
      List<ResolvedColumn> out = node.getColumnList();
      for (int i = 0; i < Math.min(out.size(), in.size()); i++) {
        edge(out.get(i), in.get(i));
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedInsertStmt node) {
      skip.put(node.getTableScan(), true); // the target of an INSERT is written, not read
      super.visit(node);
    }

    @Override
    public void visit(ResolvedDeleteStmt node) {
      target(node.getTableScan());
      if (node.getWhereExpr() != null) {
        filters.add(node.getWhereExpr());
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedUpdateStmt node) {
      target(node.getTableScan());
      if (node.getWhereExpr() != null) {
        filters.add(node.getWhereExpr());
      }
      super.visit(node);
    }

    @Override
    public void visit(ResolvedMergeStmt node) {
      boolean modifies = false;
      for (ResolvedMergeWhen when : node.getWhenClauseList()) {
        if (when.getActionType() != ActionType.INSERT) {
          modifies = true;
        }
        // A WHEN ... AND <condition> on the target prunes it like a WHERE.
        if (when.getMatchExpr() != null) {
          filters.add(when.getMatchExpr());
        }
      }
      filters.add(node.getMergeExpr());
      if (modifies) {
        target(node.getTableScan());
      } else {
        skip.put(node.getTableScan(), true);
      }
      super.visit(node);
    }

    /** An UPDATE/DELETE/MERGE target: billed for all its columns in the partitions it touches. */
    private void target(ResolvedTableScan scan) {
      if (scan == null) {
        return;
      }
      RawScan raw = new RawScan();
      raw.relation = catalog.relation(stripProject(scan.getTable().getFullName()));
      raw.columns = scan.getColumnList();
      raw.positions = scan.getColumnIndexList().stream().map(Long::intValue).toList();
      raw.dmlTarget = true;
      if (raw.relation != null) {
        scans.add(raw);
      }
      skip.put(scan, true);
    }

    private String stripProject(String name) {
      int dots = name.length() - name.replace(".", "").length();
      return dots >= 2 ? name.substring(name.indexOf('.') + 1) : name;
    }
  }
}
