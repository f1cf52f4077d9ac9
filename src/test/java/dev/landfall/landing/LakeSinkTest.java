package dev.landfall.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.bigquery.model.TableRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.junit.jupiter.api.Test;

/** Issue 19 §5: the row-size guard measures data_string as the sink encodes it. */
class LakeSinkTest {
  private static final LakeSink JSON_LOADS = new LakeSink(LakeWriteMethod.FILE_LOADS, LoadFileFormat.JSON);
  private static final LakeSink AVRO_LOADS = new LakeSink(LakeWriteMethod.FILE_LOADS, LoadFileFormat.AVRO);
  private static final LakeSink STORAGE_WRITE = new LakeSink(LakeWriteMethod.STORAGE_WRITE_API, LoadFileFormat.AVRO);

  @Test
  void encodedBytes_isExactlyWhatTheLoadLineSpendsOnDataString() throws IOException {
    Random random = new Random(19);
    String alphabet = "ab\"\\\n\r\t\u0001\u001fé€\u2028";
    for (int n = 0; n < 200; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(50); i > 0; i--) {
        s.append(random.nextInt(8) == 0 ? "😀" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
      }
      String data = s.toString();

      assertEquals(jsonValueBytes(data), JSON_LOADS.encodedBytes(data), data);
      assertEquals(data.getBytes(StandardCharsets.UTF_8).length, AVRO_LOADS.encodedBytes(data), data);
    }
  }

  @Test
  void quoteHeavyRecord_passesAsUtf8ButNotAsJson() {
    // A 32 MiB record of quotes: data_string holds each as \" (64 MiB), and the JSON load line
    // escapes both characters again (128 MiB), over BigQuery's 100 MB JSON row.
    String data = "\\\"".repeat(32 << 20);

    assertTrue(data.getBytes(StandardCharsets.UTF_8).length <= JSON_LOADS.maxDataStringBytes(), "the old guard let it pass");
    assertEquals(128L << 20, JSON_LOADS.encodedBytes(data));
    assertFalse(JSON_LOADS.fits(data));
    assertFalse(AVRO_LOADS.fits(data), "over Avro's 16 MB block too");
    assertFalse(STORAGE_WRITE.fits(data));
  }

  @Test
  void fits_skipsMeasuringWhenEvenTheWorstCaseFits() {
    assertTrue(JSON_LOADS.fits("\u0001".repeat(1000)));
    assertTrue(AVRO_LOADS.fits("x".repeat((16 << 20) - (64 << 10))));
    assertFalse(AVRO_LOADS.fits("x".repeat((16 << 20) - (64 << 10) + 1)));
  }

  @Test
  void fallback_isJsonLoadsOnlyForAvroLoads() {
    assertEquals(JSON_LOADS, GuardRowSizeFn.fallbackFor(AVRO_LOADS));
    assertEquals(null, GuardRowSizeFn.fallbackFor(JSON_LOADS));
    assertEquals(null, GuardRowSizeFn.fallbackFor(STORAGE_WRITE));
  }

  @Test
  void encodedBytes_ofAStreamingInsertIsJson() {
    LakeSink streaming = new LakeSink(LakeWriteMethod.STREAMING_INSERTS, LoadFileFormat.AVRO);
    assertEquals(4, streaming.encodedBytes("\"\""));
    assertEquals(List.of(2L, 2L), List.of(STORAGE_WRITE.encodedBytes("\"\""), AVRO_LOADS.encodedBytes("\"\"")));
  }

  /** Bytes of {@code data} inside a TableRowJsonCoder line, the quotes around it excluded. */
  private static long jsonValueBytes(String data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TableRowJsonCoder.of().encode(new TableRow().set("d", data), out, Coder.Context.OUTER);
    return out.size() - "{\"d\":\"\"}".length();
  }
}
