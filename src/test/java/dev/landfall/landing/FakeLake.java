package dev.landfall.landing;

import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableSchema;
import dev.landfall.deploy.TableDdl;
import dev.landfall.deploy.TableSpec;
import dev.landfall.testing.LocalBigQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.io.gcp.testing.FakeBigQueryServices;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;
import org.apache.beam.sdk.io.gcp.testing.FakeJobService;

/**
 * Beam's fake BigQuery services (a JVM-wide store, emptied here) holding the tables a landing
 * writes: {@code lake.raw_records}, {@code lake.landed_files} and {@code privacy.erased_lines}, each
 * with the schema of its DDL under {@code routines/}, so that the fake and the deployed tables
 * cannot drift apart.
 */
final class FakeLake {
  final FakeDatasetService datasets;
  final FakeBigQueryServices services;

  private FakeLake(FakeDatasetService datasets, FakeBigQueryServices services) {
    this.datasets = datasets;
    this.services = services;
  }

  /** Empties the fake store and creates the lake's tables (and the privacy dataset's erased_lines). */
  static FakeLake create(String project) throws Exception {
    FakeDatasetService.setUp();
    FakeJobService.setUp();
    FakeDatasetService datasets = new FakeDatasetService();
    FakeBigQueryServices services =
        new FakeBigQueryServices().withDatasetService(datasets).withJobService(new FakeJobService());
    Path routines = LocalBigQuery.findRepoRoot().resolve("routines");
    datasets.createDataset(project, "lake", "", "", null);
    datasets.createTable(table(project, "lake", routines.resolve("lake/raw_records.sql")));
    datasets.createTable(table(project, "lake", routines.resolve("lake/landed_files.sql")));
    datasets.createDataset(project, "privacy", "", "", null);
    datasets.createTable(table(project, "privacy", routines.resolve("privacy/erased_lines.sql")));
    return new FakeLake(datasets, services);
  }

  private static Table table(String project, String dataset, Path ddl) throws Exception {
    // Any dataset name will do for parsing: the fake's dataset is the one given.
    TableSpec spec = TableDdl.parse(Files.readString(ddl).replaceAll("\\$\\{[^}]*}", dataset));
    List<TableFieldSchema> fields =
        spec.columns().stream()
            .map(
                column ->
                    new TableFieldSchema()
                        .setName(column.name())
                        .setType(column.type())
                        .setMode(column.required() ? "REQUIRED" : "NULLABLE"))
            .toList();
    return new Table()
        .setTableReference(
            new TableReference()
                .setProjectId(project)
                .setDatasetId(dataset)
                .setTableId(spec.name().substring(spec.name().lastIndexOf('.') + 1)))
        .setSchema(new TableSchema().setFields(fields));
  }
}
