package io.hookline.reliability;

import io.hookline.Hookline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Hookline worker or API process started as users start it, and killed as crashes kill it. */
final class HooklineProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private Process process;
  final int port;

  private HooklineProcess(List<String> command, Map<String, String> env, Path log, int port) {
    this.command = command;
    this.env = env;
    this.log = log;
    this.port = port;
  }

  static HooklineProcess worker(Map<String, String> env, Path log) throws IOException {
    return start(List.of("worker"), env, log, 0);
  }

  static HooklineProcess api(Map<String, String> env, Path log, int port) throws IOException {
    return start(List.of("serve", "--no-worker"), env, log, port);
  }

  private static HooklineProcess start(List<String> args, Map<String, String> env, Path log,
      int port) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), Hookline.class.getName()));
    command.addAll(args);
    HooklineProcess process = new HooklineProcess(command, env, log, port);
    process.launch();
    return process;
  }

  void launch() throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    if (port > 0) {
      builder.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
    }
    process = builder.start();
  }

  long pid() {
    return process.toHandle().pid();
  }

  /** kill -9: no shutdown hook, no graceful release of claims. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  void restart() throws IOException, InterruptedException {
    kill();
    launch();
  }

  /** Waits (bounded) until the API answers /health. */
  void awaitHealthy(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("The API process on port " + port + " did not become healthy");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
