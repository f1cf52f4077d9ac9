package dev.landfall.reliability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic input files for the crash and conservation tests: transactions and customers
 * with the everyday mix of a bank feed (valid rows, quoted commas and line breaks, invalid values,
 * identical and conflicting re-deliveries, malformed lines, blank lines), from a seed. Customers
 * always carry updated_at, so two landings of the same files give the same history whatever
 * their run times.
 */
final class GeneratedFiles {
  private GeneratedFiles() {}

  /** A transactions file of {@code rows} data lines. */
  static Path transactions(Path dir, String name, int rows, long seed) {
    Random random = new Random(seed);
    List<String> kept = new ArrayList<>();
    return write(dir.resolve("transactions_" + name + ".csv"), out -> {
      out.write(BadInputCorpus.T_HEADER + "\n");
      for (int i = 1; i <= rows; i++) {
        String line = transactionLine(random, name, i, kept);
        kept.add(line);
        out.write(line);
        out.write(random.nextInt(200) == 0 ? "\r\n\n" : "\n");
      }
    });
  }

  private static String transactionLine(Random random, String name, int i, List<String> earlier) {
    int kind = random.nextInt(100);
    if (kind < 2 && !earlier.isEmpty()) {
      return earlier.get(random.nextInt(earlier.size())); // identical re-delivery
    }
    String id = name + "-" + i;
    if (kind < 3 && !earlier.isEmpty()) {
      String other = earlier.get(random.nextInt(earlier.size()));
      id = other.substring(0, other.indexOf(',')); // same id, other values: a conflict
    }
    String customer = "c" + random.nextInt(500);
    String date = String.format("2026-%02d-%02d", 1 + random.nextInt(11), 1 + random.nextInt(28));
    String amount = (1 + random.nextInt(50_000)) / 100 + "." + String.format("%02d", random.nextInt(100));
    String merchant = switch (random.nextInt(10)) {
      case 0 -> "\"Tesco, Express\"";
      case 1 -> "\"Line\nbreak \"\"quoted\"\"\"";
      default -> "merchant" + random.nextInt(50);
    };
    String currency = "GBP";
    if (kind == 3) {
      amount = "1,000.00"; // an unquoted thousands separator: a malformed line
    } else if (kind == 4) {
      amount = "-" + amount;
    } else if (kind == 5) {
      date = "31/12/2026";
    } else if (kind == 6) {
      currency = "EUR";
    } else if (kind == 7) {
      customer = "";
    }
    return String.join(",", id, customer, date, amount, currency, merchant, "cat" + random.nextInt(8));
  }

  /** A customers file of {@code rows} data lines, every one with updated_at. */
  static Path customers(Path dir, String name, int rows, long seed) {
    Random random = new Random(seed);
    return write(dir.resolve("customers_" + name + ".csv"), out -> {
      out.write(BadInputCorpus.C_HEADER + "\n");
      for (int i = 1; i <= rows; i++) {
        String id = "c" + random.nextInt(Math.max(1, rows / 2));
        String city = List.of("Leeds", "York", "Bath", "\"Newcastle, upon Tyne\"").get(random.nextInt(4));
        String dob = random.nextInt(30) == 0 ? "31/12/1980" : String.format("19%02d-%02d-%02d",
            50 + random.nextInt(50), 1 + random.nextInt(12), 1 + random.nextInt(28));
        String updated = String.format("2026-%02d-%02dT%02d:00:00Z", 1 + random.nextInt(11), 1 + random.nextInt(28),
            random.nextInt(24));
        String line = String.join(",", random.nextInt(50) == 0 ? " " : id, "First" + random.nextInt(9),
            "Last" + random.nextInt(9), id + "@example.com", dob, city, "UK", updated);
        if (random.nextInt(100) == 0) {
          line = line + ",extra"; // a field too many: malformed
        }
        out.write(line + "\n");
      }
    });
  }

  private interface Body {
    void write(BufferedWriter out) throws IOException;
  }

  private static Path write(Path file, Body body) {
    try {
      Files.createDirectories(file.getParent());
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        body.write(out);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
