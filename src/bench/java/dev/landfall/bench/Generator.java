package dev.landfall.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes deterministic benchmark CSV files shaped like the shipped samples: the same columns, a
 * few quoted fields (commas, doubled quotes) so the parser's quoted path is exercised, about 62
 * bytes a transactions record. Record {@code i} depends only on the seed and {@code i}, so one
 * file of N records and the same N records split over K files hold exactly the same lines.
 */
public final class Generator {
  private static final String TRANSACTIONS_HEADER =
      "transaction_id,customer_id,transaction_date,amount,currency,merchant,category\n";
  private static final String CUSTOMERS_HEADER =
      "customer_id,first_name,last_name,email,date_of_birth,city,country,updated_at\n";
  private static final String[] MERCHANTS = {
    "Tesco", "Amazon UK", "Greggs", "TfL", "Boots", "Pret A Manger", "Sainsbury's",
    "\"Marks & Spencer, Oxford St\"", "\"The \"\"Crown\"\" Inn\"", "Costa Coffee"
  };
  private static final String[] CATEGORIES = {
    "groceries", "shopping", "dining", "transport", "health", "travel"
  };
  private static final String[] FIRST = {"Oliver", "Ivy", "Siobhán", "Grace", "Zoë", "Noah", "Amir"};
  private static final String[] LAST = {"Taylor", "Jones", "O'Brien", "Müller", "Davies", "Khan"};
  private static final String[] CITIES = {"Bristol", "Leeds", "Edinburgh", "Manchester", "London"};

  private final long seed;

  public Generator(long seed) {
    this.seed = seed;
  }

  /** {@code Generator transactions|customers DIR NAME_PREFIX FIRST COUNT FILES [SEED]} */
  public static void main(String[] args) throws IOException {
    long seed = args.length > 6 ? Long.parseLong(args[6]) : 1;
    new Generator(seed)
        .write(
            Kind.valueOf(args[0].toUpperCase(java.util.Locale.ROOT)),
            Path.of(args[1]),
            args[2],
            Long.parseLong(args[3]),
            Long.parseLong(args[4]),
            Integer.parseInt(args[5]));
  }

  /** A source of CSV records: its header and record {@code i}. */
  public enum Kind {
    TRANSACTIONS(TRANSACTIONS_HEADER),
    CUSTOMERS(CUSTOMERS_HEADER);

    final String header;

    Kind(String header) {
      this.header = header;
    }
  }

  /**
   * Writes records {@code [first, first + count)} of {@code kind} to {@code files} consecutive
   * files (each with the header), as evenly as possible. Returns the files.
   */
  public List<Path> write(Kind kind, Path dir, String namePrefix, long first, long count, int files)
      throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    StringBuilder line = new StringBuilder(256);
    for (int f = 0; f < files; f++) {
      long from = first + count * f / files;
      long to = first + count * (f + 1) / files;
      Path file = dir.resolve(files == 1 ? namePrefix + ".csv" : String.format("%s-%03d.csv", namePrefix, f));
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        out.write(kind.header.getBytes(StandardCharsets.UTF_8));
        for (long i = from; i < to; i++) {
          line.setLength(0);
          if (kind == Kind.TRANSACTIONS) {
            transaction(i, line);
          } else {
            customer(i, line);
          }
          line.append('\n');
          out.write(line.toString().getBytes(StandardCharsets.UTF_8));
        }
      }
      written.add(file);
    }
    return written;
  }

  /** Transaction {@code i}: id T + i, a customer among a million, a 2026 date, 0.01..999.99 GBP. */
  void transaction(long i, StringBuilder out) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    int cents = 1 + r.nextInt(99_999);
    out.append('T').append(pad(i, 9)).append(',')
        .append('C').append(pad(r.nextInt(1_000_000), 7)).append(',')
        .append("2026-").append(pad(1 + r.nextInt(12), 2)).append('-').append(pad(1 + r.nextInt(28), 2))
        .append(',')
        .append(cents / 100).append('.').append(pad(cents % 100, 2)).append(',')
        .append("GBP,")
        .append(MERCHANTS[r.nextInt(MERCHANTS.length)]).append(',')
        .append(CATEGORIES[r.nextInt(CATEGORIES.length)]);
  }

  /**
   * Customer row {@code i}: customer {@code i % 200000}, so a million rows carry five
   * observations of each customer (some changing the city: new SCD2 versions).
   */
  void customer(long i, StringBuilder out) {
    long id = i % 200_000;
    SplittableRandom stable = new SplittableRandom(seed * 31 + id);
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    String first = FIRST[stable.nextInt(FIRST.length)];
    String last = LAST[stable.nextInt(LAST.length)];
    out.append('C').append(pad(id, 7)).append(',')
        .append(first).append(',').append(last).append(',')
        .append(first.toLowerCase()).append('.').append(id).append("@example.com,")
        .append(1940 + stable.nextInt(60)).append('-').append(pad(1 + stable.nextInt(12), 2))
        .append('-').append(pad(1 + stable.nextInt(28), 2)).append(',')
        .append(CITIES[r.nextInt(4) == 0 ? r.nextInt(CITIES.length) : (int) (id % CITIES.length)])
        .append(",GB,")
        .append("2026-").append(pad(1 + (i / 200_000) % 12, 2)).append("-01T09:00:00Z");
  }

  private static String pad(long value, int width) {
    String s = Long.toString(value);
    return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
  }
}
