package dev.landfall.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the DevTools protocol (the JDK's WebSocket client, no WebDriver):
 * opens a page, evaluates JavaScript against its DOM, takes full-page screenshots and records every
 * network request the page makes.
 *
 * <p>The binary is {@code $LANDFALL_CHROMIUM} or the first of chromium, chromium-browser,
 * google-chrome on the PATH (Debian package {@code chromium}, installed by scripts/test.sh). When
 * none is found, {@link #start} throws: a browser test fails, it is never skipped.
 */
public final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final long TIMEOUT_SECONDS = 60;

  private final Process process;
  private final Deque<String> log;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();

  private Chromium(Process process, Deque<String> log, WebSocket socket) {
    this.process = process;
    this.log = log;
    this.socket = socket;
  }

  /** Starts a fresh headless browser whose profile lives in {@code userDataDir}. */
  public static Chromium start(Path userDataDir) throws IOException {
    String binary = findBinary();
    Files.createDirectories(userDataDir);
    List<String> command =
        List.of(
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + userDataDir,
            "--remote-debugging-port=0",
            "about:blank");
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Deque<String> log = new ArrayDeque<>();
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    Thread reader = new Thread(() -> drain(process, log, endpoint), "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      String url = endpoint.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Listener listener = new Listener();
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create(url), listener)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Chromium chromium = new Chromium(process, log, socket);
      listener.owner = chromium;
      return chromium;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      throw new IllegalStateException("interrupted starting " + binary, e);
    } catch (ExecutionException | TimeoutException e) {
      kill(process);
      throw new IllegalStateException(
          "cannot start " + binary + ": " + e + "\n" + String.join("\n", log), e);
    }
  }

  /**
   * Opens {@code url} in a new tab of {@code width} × {@code height} CSS pixels; waits for load.
   */
  public Page open(URI url, int width, int height) {
    String targetId =
        send(null, "Target.createTarget", params("url", "about:blank")).get("targetId").asText();
    ObjectNode attach = params("targetId", targetId);
    attach.put("flatten", true);
    String session = send(null, "Target.attachToTarget", attach).get("sessionId").asText();
    Page page = new Page(session);
    send(session, "Network.enable", params());
    send(session, "Page.enable", params());
    page.resize(width, height);
    int before = events.size();
    send(session, "Page.navigate", params("url", url.toString()));
    awaitEvent(session, "Page.loadEventFired", before);
    return page;
  }

  /** One tab, attached with its own DevTools session. */
  public final class Page {
    private final String session;

    private Page(String session) {
      this.session = session;
    }

    /** Evaluates {@code expression} in the page and returns its value as JSON. */
    public JsonNode evaluate(String expression) {
      ObjectNode p = params("expression", expression);
      p.put("returnByValue", true);
      JsonNode result = send(session, "Runtime.evaluate", p);
      if (result.has("exceptionDetails")) {
        throw new IllegalStateException(
            "JavaScript failed: " + result.get("exceptionDetails") + "\n  in: " + expression);
      }
      return result.get("result").get("value");
    }

    public void resize(int width, int height) {
      ObjectNode metrics = params();
      metrics.put("width", width);
      metrics.put("height", height);
      metrics.put("deviceScaleFactor", 1);
      metrics.put("mobile", false);
      send(session, "Emulation.setDeviceMetricsOverride", metrics);
    }

    /** A PNG of the whole page at the current width. */
    public byte[] screenshot() {
      int width = evaluate("document.documentElement.scrollWidth").asInt();
      int height = evaluate("document.documentElement.scrollHeight").asInt();
      ObjectNode p = params("format", "png");
      p.put("captureBeyondViewport", true);
      ObjectNode clip = p.putObject("clip");
      clip.put("x", 0).put("y", 0).put("width", width).put("height", height).put("scale", 1);
      return Base64.getDecoder()
          .decode(send(session, "Page.captureScreenshot", p).get("data").asText());
    }

    /** URLs of every request this page made since it was opened. */
    public List<String> requests() {
      List<String> urls = new ArrayList<>();
      for (JsonNode event : events) {
        if (session.equals(event.path("sessionId").asText())
            && "Network.requestWillBeSent".equals(event.path("method").asText())) {
          urls.add(event.path("params").path("request").path("url").asText());
        }
      }
      return urls;
    }
  }

  private JsonNode send(String session, String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    if (session != null) {
      message.put("sessionId", session);
    }
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      synchronized (socket) {
        socket.sendText(message.toString(), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      JsonNode response = answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (response.has("error")) {
        throw new IllegalStateException(method + " failed: " + response.get("error"));
      }
      return response.get("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in " + method, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          method + " got no answer: " + e + "\n" + String.join("\n", log), e);
    } finally {
      pending.remove(id);
    }
  }

  private void awaitEvent(String session, String method, int from) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      for (int i = from; i < events.size(); i++) {
        JsonNode event = events.get(i);
        if (method.equals(event.path("method").asText())
            && session.equals(event.path("sessionId").asText())) {
          return;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + method, e);
      }
    }
    throw new IllegalStateException("no " + method + " within " + TIMEOUT_SECONDS + " s");
  }

  private void receive(String text) {
    try {
      JsonNode message = JSON.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
        if (answer != null) {
          answer.complete(message);
        }
      } else {
        events.add(message);
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable DevTools message: " + text, e);
    }
  }

  @Override
  public void close() {
    try {
      send(null, "Browser.close", params());
    } catch (RuntimeException e) {
      // The browser may close the socket before it answers; it is killed below anyway.
    }
    socket.abort();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill(process);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static ObjectNode params(String... keyValues) {
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      node.put(keyValues[i], keyValues[i + 1]);
    }
    return node;
  }

  private static void drain(
      Process process, Deque<String> log, CompletableFuture<String> endpoint) {
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null) {
        synchronized (log) {
          log.addLast(line);
          if (log.size() > 40) {
            log.removeFirst();
          }
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          endpoint.complete(m.group(1));
        }
      }
    } catch (IOException e) {
      endpoint.completeExceptionally(e);
    }
    endpoint.completeExceptionally(
        new IllegalStateException("Chromium exited without a DevTools endpoint"));
  }

  static String findBinary() {
    String configured = System.getenv("LANDFALL_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    throw new IllegalStateException(
        "No Chromium found (LANDFALL_CHROMIUM, or chromium on the PATH): install the"
            + " Debian package chromium (scripts/test.sh does) to run the report page tests");
  }

  /** Collects whole text messages (they arrive in parts) and hands them to the owner. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();
    private volatile Chromium owner;
    private final List<String> early = new ArrayList<>();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String text = buffer.toString();
        buffer.setLength(0);
        deliver(text);
      }
      webSocket.request(1);
      return null;
    }

    private synchronized void deliver(String text) {
      if (owner == null) {
        early.add(text);
        return;
      }
      early.forEach(owner::receive);
      early.clear();
      owner.receive(text);
    }
  }
}
