package dev.landfall.flow;

import dev.landfall.bigquery.BigQueryClients;
import dev.landfall.config.LandfallConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * After a landing run: unpacks every source that has routines, snapshots the top customers,
 * exports the results and prints a short report. The same command works on the local engine
 * ({@code --endpoint}) and on BigQuery (application default credentials).
 *
 * <pre>
 * FlowCommand --config terraform/config.yaml --project P [--endpoint URL]
 *             [--load-id ID] [--as-of YYYY-MM-DD|latest] [--out DIR] [--no-unpack] [--no-snapshot]
 * </pre>
 */
public final class FlowCommand {
  private FlowCommand() {}

  public static void main(String[] args) throws IOException {
    Deque<String> queue = new ArrayDeque<>(List.of(args));
    Path config = Path.of("terraform/config.yaml");
    String project = null;
    String endpoint = null;
    String loadId = null;
    String asOf = "latest";
    Path out = null;
    boolean unpack = true;
    boolean snapshot = true;
    while (!queue.isEmpty()) {
      String flag = queue.pop();
      switch (flag) {
        case "--config" -> config = Path.of(value(queue, flag));
        case "--project" -> project = value(queue, flag);
        case "--endpoint" -> endpoint = value(queue, flag);
        case "--load-id" -> loadId = value(queue, flag);
        case "--as-of" -> asOf = value(queue, flag);
        case "--out" -> out = Path.of(value(queue, flag));
        case "--no-unpack" -> unpack = false;
        case "--no-snapshot" -> snapshot = false;
        default -> throw new IllegalArgumentException("Unknown argument: " + flag);
      }
    }
    LandfallConfig landfall = LandfallConfig.load(config);
    String projectId = project != null ? project : landfall.projectId();
    Queries queries = new Queries(BigQueryClients.create(projectId, endpoint));
    Flow flow = new Flow(queries, landfall);
    if (unpack) {
      flow.unpack();
    }
    String snapshotDate = snapshot ? flow.snapshot(asOf) : null;
    RunReport report = flow.report(loadId, snapshotDate);
    if (out != null) {
      flow.export(out, loadId);
      report.writeSummaryJson(out.resolve("summary.json"));
    }
    report.print(System.out);
  }

  private static String value(Deque<String> queue, String flag) {
    if (queue.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return queue.pop();
  }
}
