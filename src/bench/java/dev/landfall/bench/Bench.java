package dev.landfall.bench;

import com.google.cloud.bigquery.BigQuery;
import dev.landfall.config.LandfallConfig;
import dev.landfall.landing.SinkEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The benchmark: seven figures, each a ratio (or a bound) measured in one run, because the machines
 * here are shared and noisy. Prints a table and writes it, with the machine and the details, to a
 * Markdown file.
 *
 * <pre>
 * Bench [--quick] [--work DIR] [--results FILE] [--config FILE] [--split-bytes N]
 * </pre>
 *
 * Landing runs (plain and Beam) each run in their own JVM ({@link LandRun}) so heaps, JIT and
 * peak RSS do not mix. Measure 5 needs a local engine with the routines deployed
 * ({@code LANDFALL_BQ_ENDPOINT}); without one it is reported as not run.
 */
public final class Bench {
  /** Beam's DirectRunner checks (every element re-encoded to catch mutation) are test aids. */
  static final List<String> DIRECT_RUNNER_FAST =
      List.of("--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false");

  private final boolean quick;
  private final Path work;
  private final Path results;
  private final Path configFile;
  private final long splitBytes;
  private final Generator generator = new Generator(1);
  private final List<Row> table = new ArrayList<>();
  private final StringBuilder details = new StringBuilder();
  private final String started = Instant.now().toString();

  /** One line of the summary table. */
  record Row(String number, String measure, String figure, String goal, String verdict, double load) {}

  Bench(boolean quick, Path work, Path results, Path configFile, long splitBytes) {
    this.quick = quick;
    this.work = work;
    this.results = results;
    this.configFile = configFile;
    this.splitBytes = splitBytes;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Path work = Path.of("target/bench");
    Path results = null;
    Path config = Path.of("terraform/config.yaml");
    Long split = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--work" -> work = Path.of(args[++i]);
        case "--results" -> results = Path.of(args[++i]);
        case "--config" -> config = Path.of(args[++i]);
        case "--split-bytes" -> split = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (results == null) {
      results = quick ? work.resolve("results-quick.md") : Path.of("bench/results.md");
    }
    // Quick files are ~3 MB: a smaller split keeps several ranges a file, as in the full run.
    new Bench(quick, work, results, config, split != null ? split : quick ? 256L << 10 : 8L << 20)
        .run();
  }

  void run() throws Exception {
    deleteRecursively(work);
    Files.createDirectories(work);
    long records = quick ? 20_000 : 1_000_000;
    Path one = work.resolve("one");
    Path eight = work.resolve("eight");
    generator.write(Generator.Kind.TRANSACTIONS, one, "transactions_one", 0, records, 1);
    generator.write(Generator.Kind.TRANSACTIONS, eight, "transactions_eight", 0, records, 8);
    Path oneFile = one.resolve("transactions_one.csv");
    double bytesPerRecord = (double) Files.size(oneFile) / records;
    section(
        String.format(
            "Generated %,d transactions records (%.1f MB, %.1f bytes a record), once as one file"
                + " and once split over 8 files.",
            records, Files.size(oneFile) / 1e6, bytesPerRecord));

    // Measure 1 reads from memory: a quick run can afford enough records for a warm JIT.
    Path transformFile = oneFile;
    if (quick) {
      transformFile =
          generator.write(Generator.Kind.TRANSACTIONS, work.resolve("transform"), "transactions_t", 0, 200_000, 1).get(0);
    }
    measureTransform(transformFile);
    List<String> beamArgs = beamArgs(splitBytes);
    Child beamOne = measureBeamOverhead(one, beamArgs);
    measureParallelism(one, eight, beamArgs, quick ? beamOne : null);
    measureMemory();
    measureUnpack();
    SinkEncoding.Result sink = measureSinkEncoding(oneFile);
    estimateCloud(bytesPerRecord, sink);
    report();
  }

  // ---- 1 -------------------------------------------------------------------------------------

  private void measureTransform(Path csv) throws IOException {
    double load = Machine.loadAverage();
    TransformBench.Result r = TransformBench.run(csv, quick ? 1 : 3, quick ? 3 : 7);
    boolean ok = r.ratio() >= 1.0 / 3 && r.transformRate() >= 500_000;
    table.add(
        new Row(
            "1",
            "Transform core vs floor (1 thread, CPU time)",
            String.format(
                "%.3f of floor; %,.0f records/s per core (floor %,.0f). String path (before): %.3f, %,.0f/s",
                r.ratio(), r.transformRate(), r.floorRate(), r.stringPathRatio(), r.stringPathRate()),
            "≥ 0.333 and ≥ 500,000/s",
            verdict(ok),
            load));
    section(
        String.format(
            "**1. Transform core.** %,d records read from memory by `CsvRecordReader`. Floor: each"
                + " record's bytes SHA-256'd. Transform: `LakeRecordEncoder.encodeLine`, what the"
                + " pipeline runs (one table-driven pass splits the fields and writes the lake JSON"
                + " from the record's bytes; canonical record hash, hex), checked equal on every"
                + " record to the String path (`CsvFieldParser.parse` + `LakeRecordEncoder.encode`,"
                + " the encoder before) before timing. %d pairs (floor then transform) after"
                + " warm-up, timed by the thread's CPU time; medians: floor %,.0f/s, transform"
                + " %,.0f/s, ratio of pairs %.3f. The String path, timed in the same pairs: %,.0f/s,"
                + " ratio %.3f.",
            r.records(), r.pairs(), r.floorRate(), r.transformRate(), r.ratio(), r.stringPathRate(),
            r.stringPathRatio()));
  }

  // ---- 2 -------------------------------------------------------------------------------------

  /** Returns the last Beam run (quick mode reuses it as measure 3's one-file run). */
  private Child measureBeamOverhead(Path one, List<String> beamArgs) throws IOException, InterruptedException {
    int rounds = quick ? 1 : 3;
    List<double[]> pairs = new ArrayList<>();
    double load = Machine.loadAverage();
    Child plain = null;
    Child beam = null;
    for (int i = 0; i < rounds; i++) {
      // Alternate which goes first, so a load spike does not always fall on the same side.
      if (i % 2 == 0) {
        plain = land("m2-plain-" + i, "plain", one, List.of(), List.of());
        beam = land("m2-beam-" + i, "beam", one, List.of(), beamArgs);
      } else {
        beam = land("m2-beam-" + i, "beam", one, List.of(), beamArgs);
        plain = land("m2-plain-" + i, "plain", one, List.of(), List.of());
      }
      pairs.add(new double[] {beam.wall / plain.wall, beam.cpu / plain.cpu});
      load = Math.max(load, Machine.loadAverage());
    }
    double wallRatio = TransformBench.median(pairs.stream().mapToDouble(p -> p[0]).toArray());
    double cpuRatio = TransformBench.median(pairs.stream().mapToDouble(p -> p[1]).toArray());
    table.add(
        new Row(
            "2",
            "Beam DirectRunner → local files vs plain Java",
            String.format("%.1f× slower (wall); %.1f× the CPU", wallRatio, cpuRatio),
            "≤ 5× slower",
            verdict(wallRatio <= 5),
            load));
    section(
        String.format(
            "**2. Beam overhead.** The same %,d-record file landed to local JSON-lines files (the"
                + " rows BigQuery file loads would stage; no BigQuery) by plain single-threaded"
                + " Java (`PlainLanding`: SHA-256 of the file, header, parse, encode, JSON line) and"
                + " by the pipeline's reading half on the DirectRunner (`BenchEntryPoint`:"
                + " MatchFiles → PlanFiles → ReadCsvRecords → GuardRowSize → JSON line → one file per bundle),"
                + " options `%s`. %d round(s), each JVM fresh; last round: plain %.1f s wall /"
                + " %.1f s CPU, Beam %.1f s wall / %.1f s CPU (peak RSS %s). Ratios are medians of"
                + " the rounds. The DirectRunner may use both cores; plain Java uses one. The"
                + " DirectRunner checkpoints the splittable reader every 100 outputs (a small"
                + " bundle each), a per-bundle cost a Dataflow worker does not pay.",
            plain.records, String.join(" ", beamArgs), rounds,
            plain.wall, plain.cpu, beam.wall, beam.cpu, mib(beam.rssKb)));
    return beam;
  }

  // ---- 3 -------------------------------------------------------------------------------------

  private void measureParallelism(Path one, Path eight, List<String> beamArgs, Child oneFileRun)
      throws IOException, InterruptedException {
    int rounds = quick ? 1 : 3;
    List<Double> ratios = new ArrayList<>();
    double load = Machine.loadAverage();
    Child single = null;
    Child split = null;
    for (int i = 0; i < rounds; i++) {
      if (oneFileRun != null) {
        single = oneFileRun;
        split = land("m3-eight-" + i, "beam", eight, List.of(), beamArgs);
      } else if (i % 2 == 0) {
        single = land("m3-one-" + i, "beam", one, List.of(), beamArgs);
        split = land("m3-eight-" + i, "beam", eight, List.of(), beamArgs);
      } else {
        split = land("m3-eight-" + i, "beam", eight, List.of(), beamArgs);
        single = land("m3-one-" + i, "beam", one, List.of(), beamArgs);
      }
      ratios.add((single.records / single.wall) / (split.records / split.wall));
      load = Math.max(load, Machine.loadAverage());
    }
    double ratio = TransformBench.median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    String defaultSplit = "";
    if (!quick) {
      // The default split (64 MiB) leaves a ~60 MB file in one range: no intra-file parallelism.
      List<String> defaults = beamArgs(64L << 20);
      Child singleDefault = land("m3-one-default", "beam", one, List.of(), defaults);
      Child eightDefault = land("m3-eight-default", "beam", eight, List.of(), defaults);
      defaultSplit =
          String.format(
              " With the default `--splitSizeBytes` (64 MiB) the ratio was %.2f (one file %.1f s,"
                  + " 8 files %.1f s).",
              (singleDefault.records / singleDefault.wall) / (eightDefault.records / eightDefault.wall),
              singleDefault.wall, eightDefault.wall);
    }
    table.add(
        new Row(
            "3",
            "Intra-file parallelism: 1 file vs 8 files",
            String.format("%.2f (records/s ratio)", ratio),
            "≥ 0.8",
            verdict(ratio >= 0.8),
            load));
    section(
        String.format(
            "**3. Intra-file parallelism.** Beam runs as in 2 (`--splitSizeBytes=%d`); last round: one file"
                + " %.1f s wall (%,.0f records/s) vs the same records in 8 files %.1f s (%,.0f"
                + " records/s); median of %d round(s).%s",
            splitBytes, single.wall, single.records / single.wall, split.wall,
            split.records / split.wall, rounds, defaultSplit));
  }

  // ---- 4 -------------------------------------------------------------------------------------

  private void measureMemory() throws IOException, InterruptedException {
    long records = quick ? 100_000 : 16_100_000; // ~62 bytes a record: ~1 GB in the full run
    String heap = quick ? "-Xmx256m" : "-Xmx1g";
    Path big = work.resolve("big");
    generator.write(Generator.Kind.TRANSACTIONS, big, "transactions_big", 0, records, 1);
    long size = Files.size(big.resolve("transactions_big.csv"));
    double load = Machine.loadAverage();
    String figure;
    String detail;
    boolean met = false;
    try {
      Child run = land("m4-big", "beam", big, List.of(heap), beamArgs(splitBytes));
      met = run.rssKb * 1024.0 <= 1.5e9;
      figure = String.format("%.2f GiB in %.0f s", run.rssKb / 1024.0 / 1024.0, run.wall);
      detail = String.format(" Peak RSS (VmHWM) %s, %,d records, %.1f s wall, %.1f s CPU.",
          mib(run.rssKb), run.records, run.wall, run.cpu);
    } catch (IllegalStateException e) {
      figure = outOfMemory(work.resolve("m4-big.log")) ? "out of memory" : "failed";
      detail = String.format(" %s (log `%s`).", figure, shown(work.resolve("m4-big.log")));
    }
    load = Math.max(load, Machine.loadAverage());
    table.add(
        new Row(
            "4",
            String.format("Peak RSS landing a %.2f GB file locally (%s)", size / 1e9, heap),
            figure,
            "≤ 1.5 GB",
            verdict(met),
            load));
    section(
        String.format(
            "**4. Memory.** %,d records (%.2f GB) in one file landed to local files as in 2, JVM"
                + " `%s`, `--splitSizeBytes=%d`.%s",
            records, size / 1e9, heap, splitBytes, detail));
    deleteRecursively(big);
  }

  // ---- 5 -------------------------------------------------------------------------------------

  private void measureUnpack() throws IOException, InterruptedException {
    String endpoint = System.getenv("LANDFALL_BQ_ENDPOINT");
    if (endpoint == null || endpoint.isBlank()) {
      table.add(new Row("5", "Unpack, then +1 % rows", "not run (no local engine)", "second ≤ 10 % of first", "—", -1));
      section("**5. Unpack.** Not run: set `LANDFALL_BQ_ENDPOINT` (scripts/bench.sh starts an engine).");
      return;
    }
    String project = System.getenv().getOrDefault("LANDFALL_BQ_PROJECT", "landfall-local");
    LandfallConfig config = LandfallConfig.load(configFile);
    BigQuery bigQuery = UnpackBench.client(project, endpoint);
    long rows = quick ? 10_000 : 1_000_000;
    double load = Machine.loadAverage();
    UnpackBench.Result r = new UnpackBench(bigQuery, project, config, work.resolve("unpack")).run(rows);
    deleteRecursively(work.resolve("unpack")); // the full run's lake rows: about 1 GB of JSON
    load = Math.max(load, Machine.loadAverage());
    StringBuilder figure = new StringBuilder();
    boolean ok = true;
    for (int i = 0; i < r.first().size(); i++) {
      UnpackBench.Call a = r.first().get(i);
      UnpackBench.Call b = r.second().get(i);
      UnpackBench.Call idle = r.idle().get(i);
      double share = b.seconds() / a.seconds();
      double marginal = Math.max(0, b.seconds() - idle.seconds()) / a.seconds();
      ok &= share <= 0.10;
      figure.append(String.format("%s%s %.1f s → %.2f s (%.0f %%; %.0f %% beyond a call with nothing pending)",
          i == 0 ? "" : "; ", a.procedure().replace(".unpack()", ""), a.seconds(), b.seconds(),
          100 * share, 100 * marginal));
    }
    table.add(new Row("5", "Unpack N rows, then +1 %", figure.toString(), "second ≤ 10 % of first", verdict(ok), load));
    StringBuilder calls = new StringBuilder();
    for (UnpackBench.Call c : r.first()) {
      calls.append(String.format("%n- first  `CALL %s`: %.2f s; lake partitions read on BigQuery: %s", c.procedure(), c.seconds(), c.partitions()));
    }
    for (UnpackBench.Call c : r.second()) {
      calls.append(String.format("%n- second `CALL %s`: %.2f s; lake partitions read on BigQuery: %s", c.procedure(), c.seconds(), c.partitions()));
    }
    for (UnpackBench.Call c : r.idle()) {
      calls.append(String.format("%n- third  `CALL %s`, nothing pending: %.2f s (the engine's fixed cost of a call); partitions read: %s", c.procedure(), c.seconds(), c.partitions().isEmpty() ? "none" : c.partitions()));
    }
    section(
        String.format(
            "**5. Unpack.** Local engine (bqemulator/DuckDB). The lake gets %,d rows per source"
                + " landed on %s (engine fast path: `PlainLanding` JSON lines + a load job, and a"
                + " ledger row per file), then %,d more per source landed on %s. Partitions are"
                + " the days of the pending files' `landed_at`, which `unpack()` turns into"
                + " constant bounds on `ingestion_timestamp` (the lake's partitioning column), so"
                + " BigQuery prunes the lake to them: the second call reads only the new day's"
                + " partition (plus the ledger, `unpacked_files` and the typed rows of the"
                + " batch's keys). The local engine does not prune partitions; its times still"
                + " show the incremental work. A third call with nothing pending measures the"
                + " engine's fixed cost of a call (translating each statement, copying each table"
                + " a transaction writes), which does not grow with the lake; the share beyond it"
                + " is the work that grows with the new rows.%s%n%nAfter the rounds: %s. Typing the lake (`SELECT"
                + " COUNT(*)` of valid rows through each view, the read unpack does): %s.",
            r.rowsPerSource(), UnpackBench.DAY1.substring(0, 10), Math.max(1, r.rowsPerSource() / 100),
            UnpackBench.DAY2.substring(0, 10), calls, r.counts(), r.scans()));
  }

  // ---- 7 -------------------------------------------------------------------------------------

  private SinkEncoding.Result measureSinkEncoding(Path csv) throws IOException {
    double load = Machine.loadAverage();
    SinkEncoding.Result r = SinkEncoding.run(csv, quick ? 20_000 : 200_000, quick ? 2 : 3, quick ? 3 : 9);
    load = Math.max(load, Machine.loadAverage());
    table.add(
        new Row(
            "7",
            "Lake sink encoding: JSON vs Avro file loads (1 thread, CPU time)",
            String.format("JSON %.0f ns, Avro %.0f ns a record: JSON takes %.2f× Avro's CPU", r.jsonNanos(),
                r.avroNanos(), r.ratio()),
            "Avro default if faster",
            r.ratio() > 1 ? "Avro" : "JSON",
            load));
    section(
        String.format(
            "**7. Lake sink encoding.** %,d lake records of the measure-1 file, encoded as"
                + " BigQueryIO's file-load writers encode them: JSON (`LakeRecord.toTableRow`, then"
                + " `TableRowJsonCoder` and a newline, as `TableRowWriter`) and Avro"
                + " (`LakeAvro.toAvro`, a GenericRecord straight from the lake record, appended to"
                + " an uncompressed `DataFileWriter`, as `AvroRowWriter`), each to a byte-counting"
                + " stream (no I/O). %d pairs after warm-up, alternating which goes first, timed by"
                + " the thread's CPU time; medians: JSON %.0f ns a record, Avro %.0f ns, ratio of"
                + " pairs %.2f. Staged bytes a record: JSON %.1f, Avro %.1f. The pipeline's default"
                + " (`--loadFileFormat`) is Avro.",
            r.records(), r.pairs(), r.jsonNanos(), r.avroNanos(), r.ratio(), r.jsonBytes(), r.avroBytes()));
    return r;
  }

  // ---- 6 -------------------------------------------------------------------------------------

  private void estimateCloud(double bytesPerRecord, SinkEncoding.Result sink) {
    LandfallConfig config = LandfallConfig.load(configFile);
    CloudEstimate.Method configured = CloudEstimate.Method.configured();
    List<CloudEstimate.Line> lines = CloudEstimate.estimate(config.sizePresets(), bytesPerRecord, configured);
    StringBuilder md = new StringBuilder();
    md.append(String.format(
        "**6. Google Cloud, on paper.** Published BigQuery write throughput per e2-standard-2"
            + " worker (Beam 2.49, 1 kB rows): Avro file loads ~%,.0f rows/s, JSON file loads ~%,.0f,"
            + " Storage Write API ~%,.0f; scaled by vCPUs per worker; %.1f bytes a record (measured),"
            + " so 1 GB ≈ %.1f M rows; all workers busy (max_workers); job start-up (minutes) not"
            + " included. The estimate uses the figure of the method a run uses unless told otherwise:"
            + " **%s** (`--writeMethod`, `--loadFileFormat` defaults; earlier runs applied the Avro"
            + " figure to JSON loads). Measure 7 agrees in direction: JSON's encoding takes %.2f× Avro's"
            + " CPU here. Busy vCPU time is the same for every preset: only the wall time changes.%n%n",
        CloudEstimate.Method.AVRO_LOADS.rowsPer2Vcpu, CloudEstimate.Method.JSON_LOADS.rowsPer2Vcpu,
        CloudEstimate.Method.STORAGE_WRITE.rowsPer2Vcpu, bytesPerRecord, 1e9 / bytesPerRecord / 1e6,
        configured.label, sink.ratio()));
    md.append("| CSV | preset | machine | workers (num..max) | Avro loads | JSON loads | Storage Write | configured | vCPU-hours (configured) |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (CloudEstimate.Line l : lines) {
      md.append(String.format("| %.0f GB | %s | %s | %d..%d | %s | %s | %s | %s | %.1f |%n",
          l.gigabytes(), l.preset(), l.machineType(), l.numWorkers(), l.maxWorkers(),
          duration(l.seconds(CloudEstimate.Method.AVRO_LOADS)), duration(l.seconds(CloudEstimate.Method.JSON_LOADS)),
          duration(l.seconds(CloudEstimate.Method.STORAGE_WRITE)), duration(l.configuredSeconds()), l.vcpuHours()));
    }
    String pick = pick(lines, configured);
    md.append("\n").append(pick);
    section(md.toString());
    table.add(new Row("6", "Cloud estimate (paper)", pick.replace("**", ""), "a preset per size", "—", -1));
  }

  private static String pick(List<CloudEstimate.Line> lines, CloudEstimate.Method configured) {
    StringBuilder out = new StringBuilder("Pick: ");
    for (double gb : new double[] {10, 100}) {
      // The smallest preset that lands the size within 10 minutes of processing at max workers:
      // busy vCPU time is the same for all, so beyond that a bigger preset costs about the same
      // and only the few minutes of job start-up are added per run.
      CloudEstimate.Line chosen =
          lines.stream()
              .filter(l -> l.gigabytes() == gb)
              .filter(l -> l.configuredSeconds() <= 10 * 60)
              .min(Comparator.comparingInt(l -> l.maxWorkers() * l.vcpusPerWorker()))
              .orElse(null);
      out.append(String.format("%s%.0f GB → %s", gb == 10 ? "" : "; ", gb,
          chosen == null ? "none within 10 min" : String.format("**%s** (~%s with %s)",
              chosen.preset(), duration(chosen.configuredSeconds()), configured.label)));
    }
    return out.append(" (the smallest preset that lands it within 10 min of processing with the configured method).").toString();
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** The result of one {@link LandRun} JVM. */
  record Child(long records, double wall, double cpu, long rssKb) {}

  private Child land(String name, String mode, Path input, List<String> jvmArgs, List<String> args)
      throws IOException, InterruptedException {
    Path out = work.resolve("out-" + name);
    Path log = work.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmArgs);
    command.add("-XX:+ExitOnOutOfMemoryError");
    String logging = System.getProperty("java.util.logging.config.file");
    if (logging != null) {
      command.add("-Djava.util.logging.config.file=" + logging);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LandRun.class.getName(), mode,
        input.toString(), out.toString()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int exit = process.waitFor();
    String result = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
    deleteRecursively(out);
    if (exit != 0 || result == null) {
      throw new IllegalStateException(name + " failed (exit " + exit + "), see " + log);
    }
    Child child = new Child(
        Long.parseLong(field(result, "records")), Double.parseDouble(field(result, "wall")),
        Double.parseDouble(field(result, "cpu")), Long.parseLong(field(result, "rss_kb")));
    System.err.printf("bench: %-18s %,10d records %7.1f s wall %7.1f s CPU %6s RSS (load %.1f)%n",
        name, child.records, child.wall, child.cpu, mib(child.rssKb), Machine.loadAverage());
    return child;
  }

  private static boolean outOfMemory(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8).contains("OutOfMemoryError");
  }

  private static String field(String line, String key) {
    for (String part : line.split(" ")) {
      if (part.startsWith(key + "=")) {
        return part.substring(key.length() + 1);
      }
    }
    throw new IllegalStateException("no " + key + " in " + line);
  }

  static List<String> beamArgs(long splitBytes) {
    List<String> args = new ArrayList<>(DIRECT_RUNNER_FAST);
    args.add("--splitSizeBytes=" + splitBytes);
    return args;
  }

  private void section(String text) {
    details.append(text).append("\n\n");
  }

  private void report() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# landfall benchmark").append(quick ? " (quick: sizes scaled down, a smoke test; the verdicts mean nothing)" : "").append("\n\n");
    md.append("Run ").append(started).append(" by `scripts/bench.sh").append(quick ? " --quick" : "").append("`.\n");
    md.append("Machine: ").append(Machine.describe()).append(", shared with other work (load average per measure below).\n\n");
    md.append("| # | measure | figure | goal | verdict | load avg |\n|---|---|---|---|---|---|\n");
    for (Row r : table) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", r.number(), r.measure(), r.figure(),
          r.goal(), r.verdict(), r.load() < 0 ? "—" : String.format(Locale.ROOT, "%.1f", r.load())));
    }
    md.append("\n## Details\n\n").append(details);
    // Profiles, fixes and before/after figures: written by hand, kept beside the results.
    Path findings = Path.of("bench/findings.md");
    if (Files.exists(findings)) {
      md.append(Files.readString(findings, StandardCharsets.UTF_8));
    }
    Files.createDirectories(results.toAbsolutePath().getParent());
    Files.writeString(results, md.toString(), StandardCharsets.UTF_8);
    System.out.println();
    for (Row r : table) {
      System.out.printf("%-2s %-46s %-9s %s%n   %s%n", r.number(), r.measure(), r.verdict(),
          r.load() < 0 ? "" : String.format("(load %.1f)", r.load()), r.figure());
    }
    System.out.println("\nWritten to " + shown(results));
  }

  /** A path as the results show it: relative to the working directory (the repo), never absolute. */
  private static String shown(Path path) {
    Path here = Path.of("").toAbsolutePath();
    Path absolute = path.toAbsolutePath();
    return absolute.startsWith(here) ? here.relativize(absolute).toString() : absolute.getFileName().toString();
  }

  private static String verdict(boolean ok) {
    return ok ? "met" : "MISSED";
  }

  private static String mib(long kb) {
    return kb < 0 ? "n/a" : String.format("%.0f MiB", kb / 1024.0);
  }

  private static String duration(double seconds) {
    return seconds < 90 ? String.format("%.0f s", seconds) : String.format("%.0f min", seconds / 60);
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
