package dev.landfall.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * The local engine behind a proxy that refuses chosen streamed rows the way BigQuery does, so the
 * real client, retry policy and dead-letter path of the landing pipeline are exercised. Every
 * request is forwarded unchanged except {@code tabledata.insertAll} requests holding a row whose
 * JSON contains a marker:
 *
 * <ul>
 *   <li>{@link #REFUSE}: the request fails as BigQuery fails it without {@code skipInvalidRows}:
 *       nothing is inserted, the marked row gets reason {@code invalid}, every other row {@code
 *       stopped} (a client must retry those);
 *   <li>{@link #TRANSIENT}: the first such request fails with every row {@code backendError}
 *       (nothing inserted); later ones pass.
 * </ul>
 */
final class FaultInjectingProxy implements AutoCloseable {
  static final String REFUSE = "INJECTED-REFUSAL";
  static final String TRANSIENT = "INJECTED-TRANSIENT";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Not forwarded: connection-level, or about encodings this proxy undoes (bodies go plain). */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
      "content-encoding", "accept-encoding", "expect", "upgrade", "keep-alive");

  private final HttpServer server;
  private final String target;
  // HTTP/1.1: the default h2c upgrade request loses its body on the engine's server.
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final AtomicInteger refusedRequests = new AtomicInteger();
  final AtomicInteger transientFailures = new AtomicInteger();
  final AtomicInteger forwardedInserts = new AtomicInteger();

  FaultInjectingProxy(String targetEndpoint) throws IOException {
    this.target = targetEndpoint.replaceAll("/+$", "");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = decoded(exchange);
      String path = exchange.getRequestURI().getRawPath();
      if ("POST".equals(exchange.getRequestMethod()) && path.endsWith("/insertAll")) {
        byte[] refusal = refusal(body);
        if (refusal != null) {
          respond(exchange, 200, refusal);
          return;
        }
        forwardedInserts.incrementAndGet();
      }
      forward(exchange, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The insertAll response refusing this request, or null to forward it. */
  private byte[] refusal(byte[] body) throws IOException {
    String text = new String(body, StandardCharsets.UTF_8);
    boolean refuse = text.contains(REFUSE);
    boolean fail = !refuse && text.contains(TRANSIENT) && transientFailures.getAndIncrement() == 0;
    if (!refuse && !fail) {
      return null;
    }
    JsonNode rows = JSON.readTree(body).path("rows");
    ArrayNode errors = JSON.createArrayNode();
    for (int i = 0; i < rows.size(); i++) {
      String reason = fail ? "backendError" : rows.get(i).toString().contains(REFUSE) ? "invalid" : "stopped";
      ObjectNode error = errors.addObject();
      error.put("index", i);
      error.putArray("errors").addObject()
          .put("reason", reason)
          .put("location", "data_string")
          .put("message", "injected by the test: " + reason);
    }
    if (refuse) {
      refusedRequests.incrementAndGet();
    }
    ObjectNode response = JSON.createObjectNode().put("kind", "bigquery#tableDataInsertAllResponse");
    response.set("insertErrors", errors);
    return JSON.writeValueAsBytes(response);
  }

  private void forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
    URI uri = URI.create(target + exchange.getRequestURI().toString());
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .method(exchange.getRequestMethod(),
            body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response.headers().map().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, List.copyOf(values));
      }
    });
    respond(exchange, response.statusCode(), response.body());
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
      exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  /** The request body, un-gzipped when the client compressed it. */
  private static byte[] decoded(HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding == null || !encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
      return raw;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
