package dev.landfall.sqlgate;

import com.google.zetasql.Constant;
import com.google.zetasql.FunctionSignature;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.Procedure;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleColumn;
import com.google.zetasql.SimpleConstantProtos.SimpleConstantProto;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.TVFRelation;
import com.google.zetasql.TableValuedFunction.FixedOutputSchemaTVF;
import com.google.zetasql.Type;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.Value;
import com.google.zetasql.ZetaSQLBuiltinFunctionOptions;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedScan;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog the analysis runs against, built only from the project's own DDL: tables, views,
 * table functions and procedures as they are deployed, plus, inside a script, its variables (as
 * named constants, which is how a script variable resolves: a bare name) and its temp tables.
 * Every object is reachable the ways our SQL names it: {@code `ds.t`}, {@code ds.t} and
 * {@code `project.ds.t`}.
 */
final class ProjectCatalog {

  /** A column of a deployed table or view. */
  record Column(String name, Type type) {}

  /** What the DDL says about a table or view. */
  static final class Relation {
    final String name; // dataset.table
    final List<Column> columns;
    final boolean isView;
    /** Partition column and the expression kind (DATE, MONTH, ...), or null: from PARTITION BY. */
    String partitionColumn;
    String partitionGranularity;
    /** CLUSTER BY columns, in order. */
    List<String> clusterColumns = List.of();
    /** A view's (or table function's) resolved query and its output column ids, for the audit. */
    ResolvedScan query;
    List<Long> outputColumnIds = List.of();
    /** Where it is defined. */
    String file;

    Relation(String name, List<Column> columns, boolean isView) {
      this.name = name;
      this.columns = columns;
      this.isView = isView;
    }
  }

  /** A table function: its signature, output columns and body. */
  static final class TableFunction {
    final String name;
    final FunctionSignature signature;
    final Relation output;
    final List<String> argumentNames;

    TableFunction(
        String name, FunctionSignature signature, Relation output, List<String> argumentNames) {
      this.name = name;
      this.signature = signature;
      this.output = output;
      this.argumentNames = argumentNames;
    }
  }

  private final String project;
  private final LanguageOptions language;
  final Map<String, Relation> relations = new LinkedHashMap<>();
  final Map<String, TableFunction> tableFunctions = new LinkedHashMap<>();
  final Map<String, FunctionSignature> procedures = new LinkedHashMap<>();

  /** Bumped on every change, so that registered catalogs know they are stale. */
  int version;

  ProjectCatalog(String project, LanguageOptions language) {
    this.project = project;
    this.language = language;
  }

  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  Relation relation(String name) {
    return relations.get(key(name));
  }

  void add(Relation relation) {
    relations.put(key(relation.name), relation);
    version++;
  }

  /**
   * A SimpleCatalog of the deployed objects plus a script's scope: temp tables and variables
   * (each a NULL constant of the variable's type; only its type matters to the analyzer).
   */
  SimpleCatalog build(Map<String, Relation> tempTables, Map<String, Type> variables) {
    SimpleCatalog root = new SimpleCatalog("bigquery");
    root.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language));
    SimpleCatalog projectCatalog = root.addNewSimpleCatalog(project);
    Map<String, SimpleCatalog> datasets = new LinkedHashMap<>();
    Map<String, SimpleCatalog> projectDatasets = new LinkedHashMap<>();
    for (Relation r : relations.values()) {
      String[] parts = r.name.split("\\.", 2);
      SimpleTable table = table(r.name, r.columns);
      root.addSimpleTable(r.name, table);
      root.addSimpleTable(project + "." + r.name, table);
      datasets
          .computeIfAbsent(parts[0], root::addNewSimpleCatalog)
          .addSimpleTable(parts[1], table);
      projectDatasets
          .computeIfAbsent(parts[0], projectCatalog::addNewSimpleCatalog)
          .addSimpleTable(parts[1], table);
    }
    // The Java client finds a CALL's procedure (and a TVF) again by splitting its full name on
    // '.', so each object also lives in nested catalogs under its full name path.
    for (TableFunction f : tableFunctions.values()) {
      String[] parts = f.name.split("\\.", 2);
      root.addTableValuedFunction(tvf(List.of(f.name), f));
      root.addTableValuedFunction(tvf(List.of(project + "." + f.name), f));
      datasets
          .computeIfAbsent(parts[0], root::addNewSimpleCatalog)
          .addTableValuedFunction(tvf(List.of(parts[0], parts[1]), f));
      projectDatasets
          .computeIfAbsent(parts[0], projectCatalog::addNewSimpleCatalog)
          .addTableValuedFunction(tvf(List.of(project, parts[0], parts[1]), f));
    }
    for (Map.Entry<String, FunctionSignature> p : procedures.entrySet()) {
      String[] parts = p.getKey().split("\\.", 2);
      root.addProcedure(new Procedure(p.getKey(), p.getValue()));
      root.addProcedure(new Procedure(project + "." + p.getKey(), p.getValue()));
      datasets
          .computeIfAbsent(parts[0], root::addNewSimpleCatalog)
          .addProcedure(new Procedure(List.of(parts[0], parts[1]), p.getValue()));
      projectDatasets
          .computeIfAbsent(parts[0], projectCatalog::addNewSimpleCatalog)
          .addProcedure(new Procedure(List.of(project, parts[0], parts[1]), p.getValue()));
    }
    for (Relation t : tempTables.values()) {
      SimpleTable table = table(t.name, t.columns);
      root.addSimpleTable(t.name, table);
      String[] parts = t.name.split("\\.", 2);
      if (parts.length == 2) {
        datasets.computeIfAbsent(parts[0], root::addNewSimpleCatalog).addSimpleTable(parts[1], table);
      }
    }
    // INFORMATION_SCHEMA.COLUMNS of each dataset (the columns BigQuery documents that we read).
    for (Map.Entry<String, SimpleCatalog> ds : datasets.entrySet()) {
      SimpleCatalog info = ds.getValue().addNewSimpleCatalog("INFORMATION_SCHEMA");
      List<Column> cols = new ArrayList<>();
      for (String c : List.of("table_catalog", "table_schema", "table_name", "column_name",
          "is_nullable", "data_type", "is_generated", "is_hidden", "is_partitioning_column",
          "clustering_ordinal_position", "collation_name", "column_default", "rounding_mode")) {
        cols.add(new Column(c, c.equals("clustering_ordinal_position")
            ? TypeFactory.createSimpleType(com.google.zetasql.ZetaSQLType.TypeKind.TYPE_INT64)
            : TypeFactory.createSimpleType(com.google.zetasql.ZetaSQLType.TypeKind.TYPE_STRING)));
      }
      cols.add(1 + 3, new Column("ordinal_position",
          TypeFactory.createSimpleType(com.google.zetasql.ZetaSQLType.TypeKind.TYPE_INT64)));
      info.addSimpleTable("COLUMNS", table(ds.getKey() + ".INFORMATION_SCHEMA.COLUMNS", cols));
    }
    for (Map.Entry<String, Type> v : variables.entrySet()) {
      root.addConstant(constant(v.getKey(), v.getValue()));
    }
    return root;
  }

  private static SimpleTable table(String name, List<Column> columns) {
    List<SimpleColumn> cols = new ArrayList<>();
    for (Column c : columns) {
      cols.add(new SimpleColumn(name, c.name(), c.type()));
    }
    SimpleTable table = new SimpleTable(name, cols);
    table.setFullName(name);
    return table;
  }

  private static FixedOutputSchemaTVF tvf(List<String> namePath, TableFunction f) {
    List<TVFRelation.Column> cols = new ArrayList<>();
    for (Column c : f.output.columns) {
      cols.add(TVFRelation.Column.create(c.name(), c.type()));
    }
    return new FixedOutputSchemaTVF(
        ImmutableList.copyOf(namePath), f.signature, TVFRelation.createColumnBased(cols));
  }

  private static Constant constant(String name, Type type) {
    SimpleConstantProto proto =
        SimpleConstantProto.newBuilder()
            .addNamePath(name)
            .setType(type.serialize())
            .setValue(Value.createNullValue(type).serialize())
            .build();
    return Constant.deserialize(proto, ImmutableList.of(), TypeFactory.nonUniqueNames());
  }
}
