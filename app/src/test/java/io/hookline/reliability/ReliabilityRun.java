package io.hookline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.bench.BenchDatabase;
import io.hookline.bench.Figures;
import io.hookline.bench.ReceiverProcess;
import io.hookline.bench.Scratch;
import io.hookline.database.LocalPostgres;
import io.hookline.launch.Startup;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/**
 * Long reliability runs (docs/reliability.md): {@code ./mvnw -Preliability -pl app -am verify}.
 * Hookline runs as separate worker and API processes on one PostgreSQL, delivering to a receiver
 * in another process; processes are killed with SIGKILL and the database is restarted under them.
 */
@Tag("reliability")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReliabilityRun {
  private static final String ADMIN = "reliability-admin-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Path LOGS = Path.of("target", "reliability");
  private final Figures figures = new Figures();
  private LocalPostgres postgres;
  private ReceiverProcess receiver;
  private Path dir;

  @BeforeAll
  void start() throws Exception {
    dir = Scratch.create("hookline-reliability");
    postgres = LocalPostgres.start(dir.resolve("pg"));
    receiver = ReceiverProcess.start();
  }

  @AfterAll
  void stop() throws Exception {
    receiver.close();
    postgres.close();
    Scratch.remove(dir);
    String report = figures.table() + "\n" + figures.json();
    System.out.println("\n" + report);
    Files.createDirectories(LOGS);
    Files.writeString(LOGS.resolve("results.txt"), report + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void workersKilledFiveTimesLoseNothing() throws Exception {
    int total = Integer.getInteger("reliability.crash.deliveries", 20_000);
    BenchDatabase db = prepared(List.of(receiver.url("127.0.0.1", "/ok")));
    db.backlog("crash", total);
    Map<String, String> env = env(db);
    List<HooklineProcess> workers = List.of(
        HooklineProcess.worker(env, LOGS.resolve("crash-worker-1.log")),
        HooklineProcess.worker(env, LOGS.resolve("crash-worker-2.log")));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Set<String> inFlightAtKills = new HashSet<>();
    try {
      for (int kill = 1; kill <= 5; kill++) {
        awaitDelivered(db, (long) total * kill / 7, Duration.ofMinutes(10));
        Thread.sleep(random.nextInt(300));
        HooklineProcess victim = workers.get(random.nextInt(workers.size()));
        victim.kill();
        inFlightAtKills.addAll(sendingEventIds(db));
        victim.launch();
      }
      awaitDelivered(db, total, Duration.ofMinutes(10));
    } finally {
      for (HooklineProcess worker : workers) {
        worker.close();
      }
    }
    Set<String> duplicates = receiver.duplicates();
    long distinct = receiver.receipts().size();
    figures.put("crash", "seed", seed);
    figures.put("crash", "events_sent", total);
    figures.put("crash", "delivered", db.count(
        "SELECT count(*) FROM hookline.delivery WHERE status = 'delivered'"));
    figures.put("crash", "received_distinct", distinct);
    figures.put("crash", "duplicates", duplicates.size());
    figures.put("crash", "in_flight_at_kills", inFlightAtKills.size());
    figures.put("crash", "lost", total - distinct);
    assertThat(distinct).isEqualTo(total);
    assertThat(inFlightAtKills).containsAll(duplicates);
    receiver.reset();
  }

  @Test
  void databaseRestartMidRun() throws Exception {
    int total = Integer.getInteger("reliability.restart.deliveries", 20_000);
    BenchDatabase db = prepared(List.of(receiver.url("127.0.0.1", "/ok")));
    db.backlog("restart", total);
    Map<String, String> env = env(db);
    int apiPort = freePort();
    try (HooklineProcess worker1 = HooklineProcess.worker(env, LOGS.resolve("restart-w1.log"));
        HooklineProcess worker2 = HooklineProcess.worker(env, LOGS.resolve("restart-w2.log"));
        HooklineProcess api = HooklineProcess.api(env, LOGS.resolve("restart-api.log"),
            apiPort)) {
      api.awaitHealthy(Duration.ofMinutes(2));
      awaitDelivered(db, total / 4, Duration.ofMinutes(10));
      int port = postgres.port();
      postgres.close();
      long asked = System.nanoTime();
      HttpResponse<String> away = post(apiPort, "/tenants", "{\"name\":\"during\"}");
      double answeredInS = (System.nanoTime() - asked) / 1e9;
      figures.put("restart", "api_status_while_down", away.statusCode());
      figures.put("restart", "api_answer_s_while_down", answeredInS);
      assertThat(away.statusCode()).isEqualTo(503);
      assertThat(away.body()).contains("problem").doesNotContain("Exception");
      postgres = LocalPostgres.start(dir.resolve("pg"), port);
      awaitDelivered(db, total, Duration.ofMinutes(10));
      assertThat(post(apiPort, "/tenants", "{\"name\":\"after\"}").statusCode()).isEqualTo(201);
    }
    long distinct = receiver.receipts().size();
    figures.put("restart", "events_sent", total);
    figures.put("restart", "received_distinct", distinct);
    figures.put("restart", "duplicates", receiver.duplicates().size());
    figures.put("restart", "lost", total - distinct);
    assertThat(distinct).isEqualTo(total);
    receiver.reset();
  }

  @Test
  void threeWorkersTwoApisDeliverEachExactlyOnce() throws Exception {
    int total = Integer.getInteger("reliability.scale.deliveries", 50_000);
    BenchDatabase db = BenchDatabase.fresh(postgres);
    migrate(db);
    // The contract's 60 s timeout: "exactly once" holds while no healthy attempt times out.
    Map<String, String> env = env(db, "60s");
    int[] ports = {freePort(), freePort()};
    List<HooklineProcess> processes = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        processes.add(HooklineProcess.api(env, LOGS.resolve("scale-api-" + i + ".log"),
            ports[i]));
      }
      for (int i = 0; i < 3; i++) {
        processes.add(HooklineProcess.worker(env, LOGS.resolve("scale-worker-" + i + ".log")));
      }
      processes.get(0).awaitHealthy(Duration.ofMinutes(2));
      processes.get(1).awaitHealthy(Duration.ofMinutes(2));
      String tenant = field(post(ports[0], "/tenants", "{\"name\":\"scale\"}").body(), "id");
      String key = field(post(ports[1], "/tenants/" + tenant + "/api-keys", "").body(), "key");
      HttpResponse<String> webhook = post(ports[0], "/webHooks", key, "{\"event\":\"order.*\","
          + "\"webHookParameters\":[{\"type\":\"json\",\"url\":\""
          + receiver.url("127.0.0.1", "/ok") + "\"}]}");
      assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(201);
      long start = System.nanoTime();
      ExecutorService writers = Executors.newFixedThreadPool(16);
      List<Future<Integer>> results = new ArrayList<>();
      for (int w = 0; w < 16; w++) {
        int writer = w;
        results.add(writers.submit(() -> {
          int failures = 0;
          for (int i = writer; i < total; i += 16) {
            HttpResponse<String> sent = post(ports[i % 2], "/events", key,
                "{\"id\":\"scale-" + i + "\",\"event\":\"order.created\",\"data\":{\"n\":" + i + "}}");
            failures += sent.statusCode() == 202 ? 0 : 1;
          }
          return failures;
        }));
      }
      int failures = 0;
      for (Future<Integer> result : results) {
        failures += result.get();
      }
      writers.shutdown();
      assertThat(failures).isZero();
      awaitDelivered(db, total, Duration.ofMinutes(15));
      double seconds = (System.nanoTime() - start) / 1e9;
      figures.put("scale-out", "events_sent", total);
      figures.put("scale-out", "deliveries_per_s_end_to_end", total / seconds);
    } finally {
      for (HooklineProcess process : processes) {
        process.close();
      }
    }
    long distinct = receiver.receipts().size();
    figures.put("scale-out", "received_distinct", distinct);
    figures.put("scale-out", "duplicates", receiver.duplicates().size());
    figures.put("scale-out", "attempts", db.count("SELECT count(*) FROM hookline.attempt"));
    figures.put("scale-out", "attempts_timed_out", db.count(
        "SELECT count(*) FROM hookline.attempt WHERE error LIKE 'timeout%'"));
    assertThat(distinct).isEqualTo(total);
    assertThat(receiver.duplicates()).isEmpty();
    assertThat(db.count("SELECT count(*) FROM hookline.attempt")).isEqualTo(total);
    receiver.reset();
  }

  @Test
  void misbehavingReceiverEndsEveryDeliveryInTheStateTheRulesSay() throws Exception {
    int events = Integer.getInteger("reliability.chaos.events", 1_000);
    List<String> paths = List.of("/ok", "/fail503", "/storm429", "/reset-once", "/slow");
    List<String> urls = paths.stream().map(p -> receiver.url("127.0.0.1", p)).toList();
    BenchDatabase db = prepared(urls);
    db.backlog("chaos", events);
    Map<String, String> env = new HashMap<>(env(db));
    env.put("HOOKLINE_DELIVERY_RETRY_SCHEDULE", "1s,1s,1s");
    env.put("HOOKLINE_DELIVERY_RETRY_JITTER", "0");
    // status and attempts each destination's deliveries must end with
    Map<String, String> expected = Map.of(urls.get(0), "delivered/1", urls.get(1), "failed/4",
        urls.get(2), "delivered/3", urls.get(3), "delivered/2", urls.get(4), "delivered/1");
    try (HooklineProcess worker = HooklineProcess.worker(env, LOGS.resolve("chaos.log"))) {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (db.count("SELECT count(*) FROM hookline.delivery"
          + " WHERE status IN ('delivered', 'failed', 'dropped')") < (long) events * urls.size()) {
        assertThat(System.nanoTime()).as("chaos run finished in time").isLessThan(deadline);
        Thread.sleep(200);
      }
    }
    Map<String, Map<String, Long>> outcomes = new HashMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT url, status || '/' || attempt_count, count(*)"
            + " FROM hookline.delivery GROUP BY 1, 2")) {
      while (rs.next()) {
        outcomes.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
            .put(rs.getString(2), rs.getLong(3));
      }
    }
    for (String url : urls) {
      String path = url.substring(url.lastIndexOf('/'));
      figures.put("chaos", path, outcomes.get(url).toString());
      assertThat(outcomes.get(url)).as(url).containsExactly(Map.entry(expected.get(url),
          (long) events));
    }
    receiver.reset();
  }

  private BenchDatabase prepared(List<String> urls) throws Exception {
    BenchDatabase db = BenchDatabase.fresh(postgres);
    migrate(db);
    db.subscribe(urls);
    return db;
  }

  private static void migrate(BenchDatabase db) {
    Startup.start(Map.of("HOOKLINE_DATABASE_URL", db.url(), "HOOKLINE_ADMIN_TOKEN", ADMIN), false,
        false, Map.of("hookline.admin-token", ADMIN)).close();
  }

  /**
   * A 15 s attempt timeout keeps leases (timeout + 30 s) short enough for runs that kill
   * workers; on this 2-core machine a shorter one makes starved attempts time out and be re-sent.
   */
  private static Map<String, String> env(BenchDatabase db) {
    return env(db, "15s");
  }

  private static Map<String, String> env(BenchDatabase db, String timeout) {
    return Map.of("HOOKLINE_DATABASE_URL", db.url(), "HOOKLINE_ADMIN_TOKEN", ADMIN,
        "HOOKLINE_ALLOW_PRIVATE_TARGETS", "true", "HOOKLINE_DELIVERY_TIMEOUT", timeout);
  }

  private static List<String> sendingEventIds(BenchDatabase db) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT e.id FROM hookline.delivery d"
            + " JOIN hookline.event e ON e.pk = d.event_pk WHERE d.status = 'sending'")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private static void awaitDelivered(BenchDatabase db, long count, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (db.count("SELECT count(*) FROM hookline.delivery WHERE status = 'delivered'") < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Fewer than " + count + " delivered after " + limit);
      }
      Thread.sleep(200);
    }
  }

  private static HttpResponse<String> post(int port, String path, String body) throws Exception {
    return post(port, path, ADMIN, body);
  }

  private static HttpResponse<String> post(int port, String path, String token, String body)
      throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String field(String json, String name) {
    return json.replaceAll(".*\"" + name + "\":\"([^\"]+)\".*", "$1");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
