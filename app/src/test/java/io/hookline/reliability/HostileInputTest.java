package io.hookline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A fuzz run over every endpoint: at least 10,000 generated requests that are each wrong in some
 * way (malformed or deeply nested JSON, huge strings, wrong types, unicode, SQL-like strings,
 * path traversal and junk in ids, header abuse, other tenants' ids). None may answer 5xx or show
 * a stack trace, and the database must be exactly as it was.
 */
class HostileInputTest extends ApiTest {
  private static final int REQUESTS = 10_000;
  private static final String[] JUNK_IDS = {"../../etc/passwd", "%2e%2e%2f%2e%2e%2f", "' OR 1=1 --",
      "1;DROP TABLE hookline.tenant", "x".repeat(3000), "%00", "%F0%9F%8E%89", "\u00fc\u00df",
      "dlv_-1", "dlv_99999999999999999999", "dlv_abc", "evt_%27", "null", "0", "%20", "..%2F"};
  private static final String[] JUNK_VALUES = {"null", "true", "-1", "1e309", "[]", "{}",
      "\"\"", "\"" + "a".repeat(70_000) + "\"", "\"\\u0000\"", "\"' OR '1'='1\"",
      "\"\\ud83c\\udf89\\u202e\"", "12345678901234567890", "{\"$ne\":1}", "[[[[[[[]]]]]]]",
      "\"<script>alert(1)</script>\"", "\"../../etc/passwd\"", "\"*.*\"", "\"order..x\""};

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  private record Probe(String method, String path, String token, String body,
      Map<String, String> headers) {}

  @Test
  void tenThousandHostileRequestsAnswerCleanly4xxAndChangeNothing() throws Exception {
    String tenant = newTenant("fuzzed");
    String key = newKey(tenant);
    String otherKey = newKey(newTenant("other"));
    Response webhook = call("POST", "/webHooks", otherKey, "{\"event\":\"order.*\","
        + "\"webHookParameters\":[{\"type\":\"json\",\"url\":\"https://example.com/h\"}]}");
    assertThat(webhook.status()).isEqualTo(201);
    Response event = call("POST", "/events", otherKey,
        "{\"event\":\"order.created\",\"data\":{\"n\":1}}");
    assertThat(event.status()).isEqualTo(202);
    List<String> otherIds = List.of(webhook.text("id"), event.text("id"));

    Map<String, String> before = fingerprint();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<Probe> probes = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      probes.add(probe(random, key, otherIds));
    }
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger answered = new AtomicInteger();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (Probe probe : probes) {
      pool.submit(() -> send(http, probe, failures, answered));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.MINUTES)).isTrue();

    assertThat(failures).as("seed %d", seed).isEmpty();
    assertThat(answered.get()).isEqualTo(REQUESTS);
    assertThat(fingerprint()).as("database unchanged (seed %d)", seed).isEqualTo(before);
  }

  private void send(HttpClient http, Probe probe, ConcurrentLinkedQueue<String> failures,
      AtomicInteger answered) {
    send(http, probe, failures, answered, true);
  }

  private void send(HttpClient http, Probe probe, ConcurrentLinkedQueue<String> failures,
      AtomicInteger answered, boolean mayRetry) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + probe.path()))
          .timeout(Duration.ofSeconds(30))
          .method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(probe.body()));
      if (probe.token() != null) {
        request.header("Authorization", "Bearer " + probe.token());
      }
      probe.headers().forEach(request::header);
      HttpResponse<String> response = http.send(request.build(),
          HttpResponse.BodyHandlers.ofString());
      answered.incrementAndGet();
      String body = response.body();
      boolean write = !probe.method().equals("GET");
      if (response.statusCode() >= 500 || body.contains("Exception") || body.contains("\tat ")
          || body.contains("java.") || (write && response.statusCode() < 300)) {
        failures.add(probe.method() + " " + abbreviate(probe.path()) + " "
            + abbreviate(String.valueOf(probe.body())) + " -> " + response.statusCode() + " "
            + abbreviate(body));
      }
    } catch (java.io.IOException e) {
      // Headers over the server's limit are refused at once (413) and the connection closed;
      // a large body answered before it was read (401, 404, 413) also ends its connection. A
      // client still uploading may then see only the close. Nothing else may.
      if (probe.headers().getOrDefault("X-Junk", "").length() > 8192
          || (probe.body() != null && probe.body().length() > 32 * 1024)) {
        answered.incrementAndGet();
      } else if (mayRetry) {
        // A pooled keep-alive connection the server closed meanwhile: clients retry once.
        send(http, probe, failures, answered, false);
      } else {
        failures.add(probe.method() + " " + abbreviate(probe.path()) + " -> " + e);
      }
    } catch (Exception e) {
      failures.add(probe.method() + " " + abbreviate(probe.path()) + " -> " + e);
    }
  }

  private static Probe probe(Random random, String key, List<String> otherIds) {
    String id = random.nextInt(4) == 0 ? otherIds.get(random.nextInt(otherIds.size()))
        : JUNK_IDS[random.nextInt(JUNK_IDS.length)].replace(" ", "%20");
    String token = switch (random.nextInt(20)) {
      case 0 -> null;
      case 1 -> "hkl_" + "z".repeat(40);
      case 2 -> "' OR 1=1 --";
      default -> key;
    };
    Map<String, String> headers = new TreeMap<>();
    headers.put("Content-Type", random.nextInt(15) == 0 ? "text/plain" : "application/json");
    if (random.nextInt(10) == 0) {
      headers.put("Idempotency-Key", random.nextBoolean() ? "k".repeat(5000) : "\u00e9t\u00e9");
    }
    if (random.nextInt(25) == 0) {
      headers.put("X-Junk", "v".repeat(random.nextInt(30_000)));
    }
    return switch (random.nextInt(14)) {
      case 0 -> new Probe("POST", "/webHooks", token, webhookBody(random), headers);
      case 1 -> new Probe("PUT", "/webHooks/" + id, token, webhookBody(random), headers);
      case 2 -> new Probe("GET", "/webHooks/" + id, token, null, headers);
      case 3 -> new Probe("DELETE", "/webHooks/" + id, token, null, headers);
      case 4 -> new Probe("POST", "/webHooks/" + id + "/secret/rotate", token, null, headers);
      case 5 -> new Probe("GET", "/webHooks?page=" + junkQuery(random) + "&limit="
          + junkQuery(random), token, null, headers);
      case 6 -> new Probe("POST", "/events", token, eventBody(random), headers);
      case 7 -> new Probe("GET", "/events/" + id, token, null, headers);
      case 8 -> new Probe("GET", "/events/" + id + "/deliveries", token, null, headers);
      case 9 -> new Probe("GET", "/deliveries?status=" + junkQuery(random) + "&since="
          + junkQuery(random) + "&cursor=" + junkQuery(random), token, null, headers);
      case 10 -> new Probe("POST", "/deliveries/" + id + "/replay", token,
          random.nextBoolean() ? null : junkObject(random, "retry"), headers);
      case 11 -> new Probe("POST", "/replays", token, replayBody(random), headers);
      case 12 -> new Probe("POST", "/tenants", token, junkObject(random, "name"), headers);
      default -> new Probe("DELETE", "/tenants/" + id + "/api-keys/" + id, token, null, headers);
    };
  }

  /** Bodies that are wrong in at least one way, so none can be accepted. */
  private static String webhookBody(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> "{\"event\": \"order.*\", \"webHookParameters\": [{\"type\": \"json\", \"url\":";
      case 1 -> "[".repeat(5000 + random.nextInt(20000)) + "]".repeat(10);
      case 2 -> "{\"event\":" + junk(random) + ",\"webHookParameters\":[{\"url\":\"http://127.0.0.1/\"}]}";
      case 3 -> "{\"event\":\"a\",\"webHookParameters\":" + junk(random) + ",\"status\":\"7\"}";
      case 4 -> "{\"event\":\"a\",\"webHookParameters\":[{\"type\":" + junk(random)
          + ",\"url\":\"ftp://x\"}],\"webHookDelay\":{\"delay\":-1,\"delayUnit\":\"year\"}}";
      default -> "{\"event\":\"a.b\",\"webHookParameters\":[{\"url\":\"https://e.com\"}],"
          + "\"headers\":{\"Content-Length\":" + junk(random) + "},\"bogus\":1}";
    };
  }

  private static String eventBody(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> "{\"event\":" + junk(random) + ",\"data\":{}, \"id\":\"bad id!\"}";
      case 1 -> "{\"event\":\"order.created\",\"data\":" + (random.nextBoolean() ? "[1]" : "\"s\"") + "}";
      case 2 -> "{\"event\":\"order.created\",\"data\":{\"big\":\"" + "b".repeat(300_000) + "\"}}";
      case 3 -> "{\"event\":\"order..created\",\"data\":{\"nested\":" + "[".repeat(3000) + "}";
      default -> "{\"event\":\"order.created\",\"data\":{},\"id\":" + junk(random) + ",\"x\":1}";
    };
  }

  private static String replayBody(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "{\"filter\":{\"status\":" + junk(random) + "},\"dryRun\":\"maybe\"}";
      case 1 -> "{\"filter\":{\"since\":\"yesterday\",\"until\":" + junk(random) + "}}";
      case 2 -> "{\"webhook\":" + junk(random) + ",\"fromEvents\":{\"since\":\"not-a-time\"}}";
      default -> "{\"filter\":" + junk(random) + ",\"unknown\":[";
    };
  }

  private static String junkObject(Random random, String field) {
    return random.nextBoolean() ? "{\"" + field + "\":" + junk(random) + ",\"" + field + "\""
        : "{\"" + field + "\":{\"deep\":" + "[".repeat(2000) + "]}}";
  }

  private static String junk(Random random) {
    return JUNK_VALUES[random.nextInt(JUNK_VALUES.length)];
  }

  private static String junkQuery(Random random) {
    String[] values = {"-1", "abc", "%27%20OR%201%3D1", "99999999999999999999", "%00", "%E2%80%AE",
        "2026-13-45T99:99:99Z", "x".repeat(2000), "", "sending%3Bdrop"};
    return values[random.nextInt(values.length)];
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }

  /** Every hookline table's row count and content digest. */
  private Map<String, String> fingerprint() throws Exception {
    Map<String, String> digest = new TreeMap<>();
    try (Connection c = resolver.resolve(dataSource).getConnection();
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
          + " WHERE table_schema = 'hookline' AND table_type = 'BASE TABLE'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || md5(coalesce(string_agg("
            + "t::text, ',' ORDER BY t::text), '')) FROM hookline." + table + " t")) {
          rs.next();
          digest.put(table, rs.getString(1));
        }
      }
    }
    return digest;
  }
}
