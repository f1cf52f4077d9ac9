package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.landfall.reliability.ReferenceCsv.Expectation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever the files, every record lands exactly once and every lake row ends in exactly
 * one of typed, rejected or duplicates: per file and per load, lake rows = typed + rejected +
 * duplicates, and lake rows = the oracle's records. Files are random (a seed per run, printed;
 * {@code -Dreliability.seed=N} replays one): random column order and extra columns, BOM and CRLF,
 * valid rows, bad values, re-deliveries and conflicts, malformed lines, blank lines; a second
 * landing re-delivers some files changed and some unchanged under new names.
 */
class ConservationPropertyTest {
  private static final int MAX_RECORD_BYTES = 32 << 20;

  @TempDir Path temp;

  @Test
  void randomFeeds_conserveEveryRow() throws Exception {
    long seed = Long.getLong("reliability.seed", System.nanoTime());
    checkConservation(seed, 6, 120);
  }

  @Test
  @Tag("slow")
  void manyRandomFeeds_conserveEveryRow() throws Exception {
    long base = Long.getLong("reliability.seed", System.nanoTime());
    for (int i = 0; i < 3; i++) {
      checkConservation(base + i, 20, 600);
    }
  }

  private void checkConservation(long seed, int files, int maxRows) throws Exception {
    System.out.println("ConservationPropertyTest: seed " + seed + " (replay with -Dreliability.seed=" + seed + ")");
    Random random = new Random(seed);
    Path first = temp.resolve(seed + "/first");
    Path second = temp.resolve(seed + "/second");
    Map<String, Expectation> expected = new HashMap<>();
    List<byte[]> contents = new ArrayList<>();
    List<RandomFeed> feeds = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      RandomFeed feed = new RandomFeed(random, random.nextInt(3) == 0);
      byte[] content = feed.file(1 + random.nextInt(maxRows));
      String name = feed.prefix() + i + ".csv";
      write(first.resolve(name), content);
      expected.put("first/" + name, ReferenceCsv.expect(content, MAX_RECORD_BYTES));
      contents.add(content);
      feeds.add(feed);
    }
    // The second delivery: some files again unchanged under a new name (skipped by content), some
    // with rows appended (landed again whole: their old rows become duplicates).
    for (int i = 0; i < files; i++) {
      if (random.nextBoolean()) {
        continue;
      }
      String prefix = feeds.get(i).prefix();
      byte[] content = contents.get(i);
      if (random.nextBoolean()) {
        ByteArrayOutputStream more = new ByteArrayOutputStream();
        more.writeBytes(content);
        more.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        more.writeBytes(feeds.get(i).rows(20));
        content = more.toByteArray();
        expected.put("second/" + prefix + "again_" + i + ".csv", ReferenceCsv.expect(content, MAX_RECORD_BYTES));
      }
      write(second.resolve(prefix + "again_" + i + ".csv"), content);
    }

    try (Sandbox sandbox = Sandbox.deploy("conserve")) {
      assertEquals(PipelineResult.State.DONE, sandbox.land(first + "/*.csv", "first", temp, o -> o.setSplitSizeBytes(997L)).state());
      sandbox.unpack();
      assertEquals(PipelineResult.State.DONE, sandbox.land(second + "/*.csv", "second", temp, o -> o.setSplitSizeBytes(997L)).state());
      sandbox.unpack();

      Map<String, long[]> perFile = perFileCounts(sandbox);
      assertEquals(new java.util.TreeSet<>(expected.keySet()), new java.util.TreeSet<>(perFile.keySet()),
          "seed " + seed + ": files in the lake");
      for (Map.Entry<String, long[]> file : perFile.entrySet()) {
        long[] c = file.getValue();
        String where = "seed " + seed + ", " + file.getKey();
        assertEquals(expected.get(file.getKey()).records().size(), c[0], where + ": lake rows = the file's records");
        assertEquals(c[0], c[1] + c[2] + c[3], where + ": lake rows = typed + rejected + duplicates");
        Figures.add("conservation: random-feed lake rows = typed + rejected + duplicates", c[0]);
      }
      assertEquals(List.of(), Downstream.unbalancedLoads(sandbox), "seed " + seed + ": every load balanced");
      Downstream.assertNoDuplicateKeys(sandbox, "seed " + seed);
    }
  }

  /** Per "folder/file": lake rows, typed, rejected, duplicates. */
  private static Map<String, long[]> perFileCounts(Sandbox sandbox) {
    String file = "REGEXP_EXTRACT(source_file, r'[^/]+/[^/]+$')";
    String sql = "WITH lake AS (SELECT " + file + " AS f, COUNT(*) AS n FROM ${lake}.raw_records GROUP BY f),"
        + " outcomes AS ("
        + " SELECT " + file + " AS f, 'typed' AS o FROM ${transactions}.transactions"
        + " UNION ALL SELECT " + file + ", 'typed' FROM ${customers}.customers_history"
        + " UNION ALL SELECT " + file + ", 'rejected' FROM ${transactions}.rejects"
        + " UNION ALL SELECT " + file + ", 'rejected' FROM ${customers}.rejects"
        + " UNION ALL SELECT " + file + ", 'duplicate' FROM ${transactions}.duplicates"
        + " UNION ALL SELECT " + file + ", 'duplicate' FROM ${customers}.duplicates)"
        + " SELECT lake.f, lake.n, COUNTIF(o = 'typed') AS typed, COUNTIF(o = 'rejected') AS rejected,"
        + " COUNTIF(o = 'duplicate') AS duplicates FROM lake LEFT JOIN outcomes ON outcomes.f = lake.f"
        + " GROUP BY lake.f, lake.n";
    Map<String, long[]> counts = new HashMap<>();
    for (List<String> row : sandbox.rows(sql)) {
      counts.put(row.get(0), new long[] {
          Long.parseLong(row.get(1)), Long.parseLong(row.get(2)), Long.parseLong(row.get(3)), Long.parseLong(row.get(4))});
    }
    return counts;
  }

  private static void write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  /** A random feed: a header in random order with extras, then rows of every kind. */
  static final class RandomFeed {
    private static final List<String> T_COLUMNS =
        List.of("transaction_id", "customer_id", "transaction_date", "amount", "currency", "merchant", "category");
    private static final List<String> C_COLUMNS =
        List.of("customer_id", "first_name", "last_name", "email", "date_of_birth", "city", "country", "updated_at");

    private final Random r;
    final boolean customers;
    private final List<String> order;
    private final String eol;
    private final List<String> previous = new ArrayList<>();

    RandomFeed(Random r, boolean customers) {
      this.r = r;
      this.customers = customers;
      this.order = header(r, customers ? C_COLUMNS : T_COLUMNS);
      this.eol = r.nextBoolean() ? "\r\n" : "\n";
    }

    String prefix() {
      return customers ? "customers_" : "transactions_";
    }

    /** A whole file: maybe a BOM, the header (some names in odd case), {@code rows} lines. */
    byte[] file(int rows) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (r.nextInt(5) == 0) {
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      List<String> header = new ArrayList<>();
      for (String n : order) {
        header.add(r.nextInt(6) == 0 ? " " + n.toUpperCase(java.util.Locale.ROOT) + " " : n);
      }
      out.writeBytes((String.join(",", header) + eol).getBytes(StandardCharsets.UTF_8));
      out.writeBytes(rows(rows));
      return out.toByteArray();
    }

    /** {@code rows} more lines of this feed. */
    byte[] rows(int rows) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < rows; i++) {
        String line;
        int kind = r.nextInt(40);
        if (kind == 0 && !previous.isEmpty()) {
          line = previous.get(r.nextInt(previous.size())); // an identical re-delivery
        } else if (kind == 1) {
          out.writeBytes(eol.getBytes(StandardCharsets.UTF_8)); // a blank line
          continue;
        } else {
          Map<String, String> values = customers ? customer() : transaction();
          List<String> fields = new ArrayList<>();
          for (String name : order) {
            fields.add(quote(values.getOrDefault(name, "x" + r.nextInt(5))));
          }
          line = String.join(",", fields);
          if (kind == 2) {
            line = line + ",surplus"; // a field too many
          } else if (kind == 3) {
            line = line.replaceFirst(",", ",st\"ray,"); // a stray quote, maybe joining lines
          } else if (kind == 4) {
            out.writeBytes(line.substring(0, line.length() / 2).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // invalid UTF-8
            line = line.substring(line.length() / 2);
          }
        }
        previous.add(line);
        out.writeBytes((line + eol).getBytes(StandardCharsets.UTF_8));
      }
      return out.toByteArray();
    }

    private Map<String, String> transaction() {
      Map<String, String> v = new HashMap<>();
      v.put("transaction_id", "t" + r.nextInt(400));
      v.put("customer_id", pick("c" + r.nextInt(50), "c" + r.nextInt(50), "", " "));
      v.put("transaction_date", pick("2026-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(9), "2026-03-04T10:00:00Z",
          "04/03/2026", "2026-02-30"));
      v.put("amount", pick(r.nextInt(1000) + "." + r.nextInt(10) + r.nextInt(10), "12", "-3.00", "0", "1,000.00",
          "1e3", "1.1234567891"));
      v.put("currency", pick("GBP", "GBP", "gbp", "", "USD"));
      v.put("merchant", pick("m" + r.nextInt(9), "Tesco, Express", "a \"quoted\" name", "line\nbreak", "=cmd|x"));
      v.put("category", pick("food", "", "travel"));
      return v;
    }

    private Map<String, String> customer() {
      Map<String, String> v = new HashMap<>();
      v.put("customer_id", pick("c" + r.nextInt(50), "c" + r.nextInt(50), "", " "));
      v.put("first_name", pick("Ann", "Bob", "Zoë", "O'Brien"));
      v.put("last_name", pick("Lee", "Smith, Jr", ""));
      v.put("email", pick("a@example.com", ""));
      v.put("date_of_birth", pick("1980-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(9), "", "31/12/1980"));
      v.put("city", pick("Leeds", "York", "\"Quoted\" City"));
      v.put("country", pick("UK", "GB"));
      v.put("updated_at", pick("2026-11-0" + (1 + r.nextInt(9)) + "T0" + r.nextInt(9) + ":00:00Z", "", "yesterday"));
      return v;
    }

    private static List<String> header(Random r, List<String> columns) {
      List<String> names = new ArrayList<>(columns);
      if (r.nextInt(4) == 0) {
        names.remove(r.nextInt(names.size())); // a file missing a column, maybe a required one
      }
      if (r.nextBoolean()) {
        names.add("extra_" + r.nextInt(3));
      }
      Collections.shuffle(names, r);
      return names;
    }

    private static String quote(String value) {
      if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
      }
      return value;
    }

    private String pick(String... values) {
      return values[r.nextInt(values.length)];
    }
  }
}
