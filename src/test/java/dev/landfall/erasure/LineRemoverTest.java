package dev.landfall.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineRemoverTest {
  @TempDir Path dir;

  /**
   * A BOM, CRLF line ends, a quoted field with a line break and a quote, a line that cannot be
   * parsed: the customer's records become line feeds, byte for byte, so the other lines keep their
   * offsets; an offset holding another customer's line is left alone and reported.
   */
  @Test
  void rewrite_blanksTheCustomersRecordsOnly_offsetsKept() throws Exception {
    String header = "\uFEFFtransaction_id,Customer_ID ,merchant\r\n";
    String mine = "t1,C7,\"Shop\r\n\"\"A\"\"\"\r\n";
    String other = "t2,C77,Shop\r\n";
    String broken = "t3,\"C7\",\"unterminated\r\n";
    String content = header + mine + other + broken;
    Path input = dir.resolve("in.csv");
    Files.writeString(input, content, StandardCharsets.UTF_8);
    long mineAt = header.getBytes(StandardCharsets.UTF_8).length;
    long otherAt = mineAt + mine.getBytes(StandardCharsets.UTF_8).length;
    long brokenAt = otherAt + other.length();
    Path output = dir.resolve("out.csv");

    LineRemover.Outcome outcome =
        LineRemover.rewrite(input, output, "transactions", Set.of(mineAt, otherAt, brokenAt), " C7 ");

    String expected =
        header + "\n".repeat(mine.getBytes(StandardCharsets.UTF_8).length) + other + "\n".repeat(broken.length());
    assertEquals(expected, Files.readString(output, StandardCharsets.UTF_8));
    assertEquals(2, outcome.removed());
    assertEquals(java.util.List.of(otherAt), outcome.notTheCustomers());
    assertEquals(Files.size(input), Files.size(output));
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(output))),
        outcome.sha256());

    // Run again on the rewritten file: the lines are already gone, nothing changes.
    Path again = dir.resolve("again.csv");
    LineRemover.Outcome second =
        LineRemover.rewrite(output, again, "transactions", Set.of(mineAt, brokenAt), "C7");
    assertEquals(0, second.removed());
    assertEquals(2, second.alreadyGone());
    assertEquals(Files.readString(output), Files.readString(again));
  }

  @Test
  void isCustomers_matchesTheIdFieldOrAWholeFieldOfAnUnparsedLine() {
    assertTrue(LineRemover.isCustomers("{\"customer_id\":\" C7 \"}", "C7"));
    assertFalse(LineRemover.isCustomers("{\"customer_id\":\"C77\"}", "C7"));
    assertTrue(LineRemover.isCustomers("{\"_raw\":\"t3,\\\"C7\\\",x\"}", "C7"));
    assertFalse(LineRemover.isCustomers("{\"_raw\":\"t3,C77,x\"}", "C7"));
    assertFalse(LineRemover.isCustomers("not json", "C7"));
  }

  /**
   * The sweep has no id in clear: a line is removed when its customer id (or a field of a line
   * that could not be parsed, also one broken across lines) has the keyed hash the erasure log
   * holds for its request; another customer's line at a recorded offset stays.
   */
  @Test
  void rewrite_byKeyedHash_removesOnlyLinesWhoseIdHasTheLoggedHash() throws Exception {
    CustomerKeyHash keyed = new CustomerKeyHash("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    String logged = keyed.of("C7");
    String header = "transaction_id,customer_id,amount\n";
    String mine = "t1, C7 ,1.00\n";
    String other = "t2,C8,2.00\n";
    String broken = "t3,\"C7\n";
    Path input = dir.resolve("hashed.csv");
    Files.writeString(input, header + mine + other + broken, StandardCharsets.UTF_8);
    long mineAt = header.length();
    long otherAt = mineAt + mine.length();
    long brokenAt = otherAt + other.length();
    Path output = dir.resolve("hashed-out.csv");

    LineRemover.Outcome outcome = LineRemover.rewrite(input, output, "transactions",
        Set.of(mineAt, otherAt, brokenAt),
        (offset, data) -> LineRemover.isNamedBy(data, id -> keyed.of(id).equals(logged)));

    assertEquals(header + "\n".repeat(mine.length()) + other + "\n".repeat(broken.length()),
        Files.readString(output, StandardCharsets.UTF_8));
    assertEquals(2, outcome.removed());
    assertEquals(java.util.List.of(otherAt), outcome.notTheCustomers());
  }
}
