package dev.landfall.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Records the text of every query job this JVM sends to BigQuery, for the executed-SQL gate
 * (src/test/java/dev/landfall/sqlgate/ExecutedSqlGateTest, tests/sql_gate/README.md).
 *
 * <p>It listens where every client of the JVM passes: google-http-client logs each request's
 * method, URL and content at {@code CONFIG} on the logger {@code
 * com.google.api.client.http.HttpTransport}, in the calling thread. So it sees the test's client,
 * the clients the product builds itself from an endpoint (the commands, the pipeline's ledger and
 * erasure lookups) and Beam's BigQuery IO, with the caller's stack. The request content is logged
 * up to 16 KB ({@code HttpRequest#getContentLoggingLimit}); a longer body is recorded as
 * truncated and the gate reports it as unchecked.
 *
 * <p>Only {@code POST .../projects/P/jobs} (jobs.insert) and {@code POST .../projects/P/queries}
 * (jobs.query) bodies with a query are kept, once per distinct (origin, text), one JSON line each,
 * in {@code target/sql-gate/executed/<pid>.jsonl}. A JVM that installs the recorder first deletes
 * the files of JVMs that are gone (the previous run's), never those of a fork still running.
 */
public final class QueryRecorder extends Handler {

  /** Where the recordings go, relative to the repository root. */
  public static final String DIR = "target/sql-gate/executed";

  private static final Pattern QUERY_REQUEST =
      Pattern.compile("POST \\S+/projects/[^/?]+/(jobs|queries)(\\?\\S*)?");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Frames below the caller: the JDK, the HTTP and BigQuery clients, this recorder. */
  private static final Pattern PLUMBING =
      Pattern.compile(
          "(java|jdk|sun|com\\.google\\.api\\.client|com\\.google\\.cloud\\.(bigquery|http)\\.)"
              + "|dev\\.landfall\\.testing\\.QueryRecorder");
  private static final StackWalker STACK =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /** Strong reference: java.util.logging keeps loggers weakly. */
  private static final Logger HTTP = Logger.getLogger("com.google.api.client.http.HttpTransport");

  private static QueryRecorder installed;

  private final Path file;
  private final Set<String> seen = new HashSet<>();
  /** Per thread: the request whose content comes next ("jobs" or "queries"), or null. */
  private final ThreadLocal<String> pendingApi = new ThreadLocal<>();
  private final ThreadLocal<Boolean> pendingTruncated = new ThreadLocal<>();

  private QueryRecorder(Path file) {
    this.file = file;
    setLevel(Level.CONFIG);
  }

  /** Installs the recorder once per JVM (again if a logging reset removed it). */
  public static synchronized void install(Path repoRoot) {
    if (installed == null) {
      Path dir = repoRoot.resolve(DIR);
      try {
        Files.createDirectories(dir);
        deleteRecordingsOfEndedJvms(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare " + dir, e);
      }
      installed = new QueryRecorder(dir.resolve(ProcessHandle.current().pid() + ".jsonl"));
    }
    if (HTTP.getLevel() == null || HTTP.getLevel().intValue() > Level.CONFIG.intValue()) {
      HTTP.setLevel(Level.CONFIG);
    }
    for (Handler h : HTTP.getHandlers()) {
      if (h == installed) {
        return;
      }
    }
    // The request log is for the recorder only: the console keeps its WARNING level.
    HTTP.setUseParentHandlers(false);
    HTTP.addHandler(installed);
  }

  private static void deleteRecordingsOfEndedJvms(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".jsonl")) {
          continue;
        }
        Optional<ProcessHandle> owner;
        try {
          owner = ProcessHandle.of(Long.parseLong(name.substring(0, name.length() - 6)));
        } catch (NumberFormatException e) {
          owner = Optional.empty();
        }
        if (owner.isEmpty() || !owner.get().isAlive()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  @Override
  public void publish(LogRecord record) {
    if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
      // The logger no longer uses its parents' handlers: its warnings still reach the console.
      for (Handler h : Logger.getLogger("").getHandlers()) {
        h.publish(record);
      }
      return;
    }
    String message = record.getMessage();
    if (message == null) {
      return;
    }
    if (message.startsWith("-------------- REQUEST")) {
      String[] lines = message.split("\\R", 3);
      var m = lines.length > 1 ? QUERY_REQUEST.matcher(lines[1].strip()) : null;
      pendingApi.set(m != null && m.matches() ? m.group(1) : null);
      pendingTruncated.set(false);
    } else if (message.startsWith("-------------- RESPONSE")) {
      pendingApi.remove();
    } else if (pendingApi.get() != null && message.startsWith("Total: ")) {
      pendingTruncated.set(message.contains("logging first"));
    } else if (pendingApi.get() != null && message.startsWith("{")) {
      String api = pendingApi.get();
      pendingApi.remove();
      record(api, message, Boolean.TRUE.equals(pendingTruncated.get()));
    }
  }

  private void record(String api, String body, boolean truncated) {
    ObjectNode line = JSON.createObjectNode();
    line.put("api", api.equals("jobs") ? "jobs.insert" : "jobs.query");
    String[] origin = origin();
    line.put("origin", origin[0]);
    line.put("test", origin[1]);
    // The product classes on the stack, innermost first (a helper such as erasure.Sql < its caller).
    line.put("callers", origin[2]);
    if (truncated) {
      line.put("truncated", true);
      line.put("sql", body.substring(0, Math.min(body.length(), 200)));
    } else {
      JsonNode request;
      try {
        request = JSON.readTree(body);
      } catch (IOException e) {
        return; // not a JSON request (a multipart upload's)
      }
      JsonNode query = api.equals("jobs") ? request.path("configuration").path("query") : request;
      if (!query.path("query").isTextual()) {
        return; // a load, copy or extract job
      }
      line.put("sql", query.path("query").asText());
      // The REST API's default is legacy SQL when the request does not say (JobConfigurationQuery).
      line.put("useLegacySql", query.path("useLegacySql").asText("unset"));
      ObjectNode parameters = line.putObject("parameters");
      for (JsonNode p : query.path("queryParameters")) {
        parameters.set(p.path("name").asText("?"), p.path("parameterType"));
      }
    }
    String key = line.path("origin").asText() + "\u0000" + line.path("sql").asText();
    synchronized (this) {
      if (!seen.add(key)) {
        return;
      }
      append(line);
    }
  }

  private void append(JsonNode line) {
    try (FileChannel channel =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        FileLock ignored = channel.lock()) {
      channel.write(
          java.nio.ByteBuffer.wrap(
              (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      reportError("cannot append to " + file, e, 0);
    }
  }

  /**
   * The product class that sent the query (the first {@code dev.landfall} frame loaded from the
   * main classes), {@code test:<class>} when only test code did, {@code library:<class>} when no
   * landfall code is on the stack; and the first test class.
   */
  private static String[] origin() {
    return STACK.walk(
        frames -> {
          String product = null;
          String test = null;
          String library = null;
          java.util.List<String> chain = new java.util.ArrayList<>();
          for (var frame : frames.toList()) {
            Class<?> c = frame.getDeclaringClass();
            if (!c.getName().startsWith("dev.landfall.") || c == QueryRecorder.class) {
              if (library == null && !PLUMBING.matcher(c.getName()).lookingAt()) {
                library = topLevel(c);
              }
              continue;
            }
            if (isTestClass(c)) {
              if (test == null) {
                test = topLevel(c);
              }
            } else {
              if (product == null) {
                product = topLevel(c);
              }
              String simple = topLevel(c).substring(topLevel(c).lastIndexOf('.') + 1);
              if (chain.size() < 4 && !chain.contains(simple)) {
                chain.add(simple);
              }
            }
          }
          if (product == null && test == null) {
            // A library's own thread (Beam's BigQuery IO): gated like product code.
            product = "library:" + (library == null ? "unknown" : library);
          }
          return new String[] {
            product != null ? product : "test:" + test,
            test == null ? "" : test,
            String.join(" < ", chain)
          };
        });
  }

  private static String topLevel(Class<?> c) {
    String name = c.getName();
    int dollar = name.indexOf('$');
    return dollar < 0 ? name : name.substring(0, dollar);
  }

  /** A class from the test output folder (Maven's target/test-classes), not the product's. */
  private static boolean isTestClass(Class<?> c) {
    var source = c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return false;
    }
    try {
      return Path.of(source.getLocation().toURI()).endsWith("test-classes");
    } catch (URISyntaxException | IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
