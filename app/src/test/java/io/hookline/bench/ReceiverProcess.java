package io.hookline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@link Receiver} in a child JVM (its own process, as the benchmark requires). */
public final class ReceiverProcess implements AutoCloseable {
  private static final HttpClient CONTROL = HttpClient.newHttpClient();
  private final Process process;
  public final int port;

  private ReceiverProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static ReceiverProcess start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // its GC pauses are logged: a receiver pause makes deliveries look late
    Path gcLog = Path.of(System.getProperty("java.io.tmpdir"), "hookline-bench-receiver-gc.log");
    Process process = new ProcessBuilder(List.of(javaBin, "-Xmx512m", "-XX:+UseParallelGC",
        "-Xlog:gc:file=" + gcLog + ":time", "-cp",
        System.getProperty("java.class.path"), Receiver.class.getName(), String.valueOf(port)))
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("READY")) {
      // start-up chatter
    }
    if (line == null) {
      throw new IOException("The receiver process did not start");
    }
    Thread drain = new Thread(() -> {
      try {
        out.transferTo(java.io.Writer.nullWriter());
      } catch (IOException ignored) {
        // the process ended
      }
    }, "receiver-output");
    drain.setDaemon(true);
    drain.start();
    return new ReceiverProcess(process, port);
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public String url(String host, String path) {
    return "http://" + host + ":" + port + path;
  }

  public long received() throws Exception {
    String stats = get("/stats");
    return Long.parseLong(stats.replaceAll(".*\"received\":(\\d+).*", "$1"));
  }

  /** webhook-id → first receipt, wall-clock microseconds. */
  public Map<String, Long> receipts() throws Exception {
    Map<String, Long> receipts = new HashMap<>();
    for (String line : get("/receipts").split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        receipts.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
      }
    }
    return receipts;
  }

  /** webhook-ids that reached /ok… more than once. */
  public java.util.Set<String> duplicates() throws Exception {
    return java.util.Arrays.stream(get("/duplicates").split("\n")).filter(s -> !s.isBlank())
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The receiver process's stalls over 20 ms since the last reset (see {@link Hiccups}). */
  public String stalls() throws Exception {
    return get("/stalls");
  }

  public void reset() throws Exception {
    CONTROL.send(HttpRequest.newBuilder(URI.create(url("127.0.0.1", "/reset")))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
  }

  private String get(String path) throws Exception {
    return CONTROL.send(HttpRequest.newBuilder(URI.create(url("127.0.0.1", path))).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
