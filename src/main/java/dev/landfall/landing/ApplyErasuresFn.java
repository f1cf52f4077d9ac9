package dev.landfall.landing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import dev.landfall.csv.ParsedRecord;
import dev.landfall.erasure.CustomerKeyHash;
import dev.landfall.hash.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Keeps an erased customer from coming back with a re-delivered file (CONTRACT §6): a parsed line
 * whose trimmed {@code customer_id} hashes to a logged {@code customer_key_hash} lands as the
 * marker {@code {"_erased_by":"<request_id>"}} (record_hash the SHA-256 of the marker, provenance
 * unchanged), or, for a transactions line of a request in pseudonymise mode, with {@code
 * customer_id} replaced by {@code erased:<customer_key_hash>}. The line still lands, so every line
 * is accounted for: unpack counts a marker as erased.
 *
 * <p>A line that could not be parsed ({@code {"_raw": ...}}) has no fields to name its customer:
 * it is marked when any of its comma-separated tokens (quotes and surrounding spaces stripped)
 * hashes to a logged customer, so a damaged line of an erased customer does not land either.
 *
 * <p>Cheap: with an empty log (the common case) a record passes untouched; otherwise its {@code
 * customer_id} is found by a scan of the landed JSON ({@link #customerIdOf}, no parse) and each
 * distinct id is hashed once per worker (cached). Warm, that costs about as much as encoding the
 * record did (a few hundred ns on a shared 2-core machine).
 *
 * <p>Each line it marks or pseudonymises also goes to {@link #ERASED_LINES}: the pipeline records
 * it in {@code privacy.erased_lines}, so the landing file that still holds the line can be cleaned
 * ({@code scripts/erase_customer.sh --landing-copies}) without re-running the request.
 */
final class ApplyErasuresFn extends DoFn<LakeRecord, LakeRecord> {
  static final String MARKER_PREFIX = "{\"_erased_by\":\"";
  private static final String CUSTOMER_ID = "customer_id";
  private static final String CUSTOMER_ID_KEY = "\"customer_id\":\"";
  /** Tokens of a malformed line looked up at most (a line of megabytes is not split further). */
  private static final int MAX_RAW_TOKENS = 10_000;
  private static final String TRANSACTIONS = "transactions";
  private static final int CACHED_IDS = 100_000;
  private static final JsonFactory JSON = new JsonFactory();

  /** Every record, erased customers' lines as the marker or pseudonymised. */
  static final TupleTag<LakeRecord> RECORDS = new TupleTag<>() {};
  /** The lines this run marked or pseudonymised, by provenance. */
  static final TupleTag<ErasedLine> ERASED_LINES = new TupleTag<>() {};

  private final PCollectionView<Erasures> erasuresView;
  private transient LandingMetrics metrics;
  private transient Erasures erasures;
  private transient CustomerKeyHash keyedHash;
  private transient Map<String, String> hashes;
  private transient LakeRecordEncoder encoder;

  ApplyErasuresFn(PCollectionView<Erasures> erasuresView) {
    this.erasuresView = erasuresView;
  }

  @Setup
  public void setup() {
    metrics = new LandingMetrics();
    encoder = new LakeRecordEncoder();
  }

  @ProcessElement
  public void processElement(ProcessContext context) {
    LakeRecord record = context.element();
    Erasures current = context.sideInput(erasuresView);
    if (current.isEmpty()) {
      context.output(record);
      return;
    }
    useErasures(current);
    if (record.parseError() != null) {
      Erasures.Request request = rawLineRequest(current, record.dataString());
      if (request == null) {
        context.output(record);
      } else {
        context.output(marker(record, request.requestId()));
        context.output(ERASED_LINES, erasedLine(record, request, false));
        metrics.counter(record.source(), LandingMetrics.ERASED_LINES).inc();
      }
      return;
    }
    String customerId = customerIdOf(record.dataString());
    Erasures.Request request = customerId == null ? null : current.byHash().get(hashOf(customerId));
    if (request == null) {
      context.output(record);
      return;
    }
    if (TRANSACTIONS.equals(record.source())
        && Erasures.PSEUDONYMISE.equals(request.transactionsMode())) {
      Map<String, String> fields = fields(record.dataString());
      fields.put(CUSTOMER_ID, CustomerKeyHash.pseudonym(hashOf(customerId)));
      context.output(pseudonymised(record, fields));
      context.output(ERASED_LINES, erasedLine(record, request, true));
      metrics.counter(record.source(), LandingMetrics.PSEUDONYMISED_LINES).inc();
    } else {
      context.output(marker(record, request.requestId()));
      context.output(ERASED_LINES, erasedLine(record, request, false));
      metrics.counter(record.source(), LandingMetrics.ERASED_LINES).inc();
    }
  }

  private static ErasedLine erasedLine(LakeRecord record, Erasures.Request request, boolean pseudonymised) {
    return new ErasedLine(
        request.requestId(), record.source(), record.sourceFile(), record.sourceOffset(), pseudonymised);
  }

  /** The request of an erased customer named by a token of a malformed line, or null. */
  private Erasures.Request rawLineRequest(Erasures current, String dataString) {
    Map<String, String> raw = fields(dataString);
    String line = raw == null ? null : raw.get("_raw");
    if (line == null) {
      return null;
    }
    String[] tokens = line.split("[,\\r\\n]", MAX_RAW_TOKENS);
    for (String token : tokens) {
      String id = token.replace("\"", "").strip();
      if (!id.isEmpty()) {
        Erasures.Request request = current.byHash().get(hashOf(id));
        if (request != null) {
          return request;
        }
      }
    }
    return null;
  }

  /** The marker row: only the request id remains of the line (interface §5). */
  static LakeRecord marker(LakeRecord record, String requestId) {
    String data =
        MARKER_PREFIX + new String(JsonStringEncoder.getInstance().quoteAsString(requestId)) + "\"}";
    return new LakeRecord(
        record.source(), record.sourceFile(), record.sourceOffset(), data, Sha256.hex(data), null);
  }

  private LakeRecord pseudonymised(LakeRecord record, Map<String, String> fields) {
    EncodedRecord encoded =
        encoder.encode(
            record.source(),
            Header.of(new ArrayList<>(fields.keySet())),
            ParsedRecord.of(new ArrayList<>(fields.values())),
            new byte[0],
            0,
            0);
    // record_hash: the SHA-256 of the pseudonymised data_string, as privacy.erase_customer
    // writes it for a line it pseudonymises in the lake, so a re-delivered line and the
    // retained one have equal hashes (the data_strings are equal: only customer_id differs).
    return new LakeRecord(
        record.source(),
        record.sourceFile(),
        record.sourceOffset(),
        encoded.dataString(),
        Sha256.hex(encoded.dataString()),
        null);
  }

  private void useErasures(Erasures current) {
    if (current != erasures) {
      erasures = current;
      keyedHash = new CustomerKeyHash(current.key());
      hashes = new HashMap<>();
    }
  }

  private String hashOf(String customerId) {
    if (hashes.size() >= CACHED_IDS) {
      hashes.clear(); // bounded memory; the working set of ids refills it
    }
    return hashes.computeIfAbsent(customerId, keyedHash::of);
  }

  /**
   * The {@code customer_id} value of a landed {@code data_string}, or null when it has none,
   * without parsing the whole object: the landing writes {@code {"name":"value",...}} with every
   * quote inside a string escaped, so {@code "customer_id":"} right after {@code {} or {@code ,}
   * can only be that key (a quote preceded by either is structural, and a key is the only string
   * followed by a colon).
   */
  static String customerIdOf(String dataString) {
    int from = 0;
    while (true) {
      int at = dataString.indexOf(CUSTOMER_ID_KEY, from);
      if (at < 0) {
        return null;
      }
      char before = at == 0 ? ' ' : dataString.charAt(at - 1);
      if (before == '{' || before == ',') {
        return jsonStringAt(dataString, at + CUSTOMER_ID_KEY.length());
      }
      from = at + 1;
    }
  }

  /** The JSON string content starting at {@code start} (after its opening quote), unescaped. */
  private static String jsonStringAt(String json, int start) {
    StringBuilder unescaped = null;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c == '"') {
        return unescaped == null ? json.substring(start, i) : unescaped.toString();
      }
      if (c == '\\') {
        if (unescaped == null) {
          unescaped = new StringBuilder(json.substring(start, i));
        }
        char e = json.charAt(++i);
        switch (e) {
          case 'b' -> unescaped.append('\b');
          case 'f' -> unescaped.append('\f');
          case 'n' -> unescaped.append('\n');
          case 'r' -> unescaped.append('\r');
          case 't' -> unescaped.append('\t');
          case 'u' -> {
            unescaped.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> unescaped.append(e); // \" \\ \/
        }
      } else if (unescaped != null) {
        unescaped.append(c);
      }
    }
    return null; // unterminated: not written by the landing
  }

  /**
   * The fields of a landed {@code data_string} (a flat JSON object of strings, in column order), or
   * null when it is anything else.
   */
  static Map<String, String> fields(String dataString) {
    Map<String, String> fields = new LinkedHashMap<>();
    try (JsonParser parser = JSON.createParser(dataString)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        if (parser.nextToken() != JsonToken.VALUE_STRING) {
          return null;
        }
        fields.put(name, parser.getText());
      }
      return fields;
    } catch (IOException e) {
      throw new UncheckedIOException("a landed data_string that is not JSON: " + e.getMessage(), e);
    }
  }
}
