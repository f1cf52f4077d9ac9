package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuoteCounterTest {

  private static long naiveCount(byte[] bytes, int from, int to) {
    long count = 0;
    for (int i = from; i < to; i++) {
      count += bytes[i] == '"' ? 1 : 0;
    }
    return count;
  }

  @Test
  void countQuotes_countsOnlyQuoteBytes() throws IOException {
    byte[] bytes = "a\"b\"\"c,'\"".getBytes(StandardCharsets.UTF_8);

    long quotes = QuoteCounter.countQuotes(new ByteArrayChannel(bytes), bytes.length);

    assertEquals(4, quotes);
  }

  @Test
  void countQuotes_ignoresBytesThatShareTheQuotesLowSevenBits() throws IOException {
    // 0xA2 is 0x22 with the high bit set; a careless word-at-a-time trick counts it.
    byte[] bytes = new byte[64];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i % 3 == 0 ? 0x22 : 0xA2);
    }

    long quotes = QuoteCounter.countQuotes(new ByteArrayChannel(bytes), bytes.length);

    assertEquals(22, quotes);
  }

  @Test
  void countQuotes_matchesByteByByteCountForEveryLengthAndAlignment() throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    byte[] pool = {'"', '"', 'a', ',', '\n', (byte) 0xA2, (byte) 0xFF, 0x00, 0x23, 0x21};
    byte[] bytes = new byte[300];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = pool[random.nextInt(pool.length)];
    }

    for (int start = 0; start < 17; start++) {
      for (int length = 0; start + length <= bytes.length; length++) {
        ByteArrayChannel channel = new ByteArrayChannel(bytes);
        channel.position(start);

        long quotes = QuoteCounter.countQuotes(channel, length);

        assertEquals(naiveCount(bytes, start, start + length), quotes, start + "+" + length);
        assertEquals(start + length, channel.position(), "stops after the range");
      }
    }
  }

  @Test
  void countQuotes_stopsAtEndOfFile() throws IOException {
    byte[] bytes = "\"x\"".getBytes(StandardCharsets.UTF_8);

    assertEquals(2, QuoteCounter.countQuotes(new ByteArrayChannel(bytes), 1_000_000));
  }

  @Test
  void countQuotes_handlesShortReadsAndLargeRanges() throws IOException {
    byte[] bytes = RandomCsv.generate(3, 400_000);

    long quotes = QuoteCounter.countQuotes(new ByteArrayChannel(bytes, 1_000), bytes.length);

    assertEquals(naiveCount(bytes, 0, bytes.length), quotes);
  }

  @Test
  void countQuotes_rejectsNegativeLength() {
    assertThrows(
        IllegalArgumentException.class,
        () -> QuoteCounter.countQuotes(new ByteArrayChannel(new byte[1]), -1));
  }
}
