package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Endpoints that accept connections and never answer hold only their own host's slots: a healthy
 * endpoint's deliveries, queued behind theirs, arrive long before the hanging attempts time out.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolationTest extends WorkerTest {
  private static final int HANGING = 200;
  private static final int HEALTHY = 50;
  private static final int MAX_PER_HOST = 64;

  @Test
  void hangingEndpointsNeverDelayTheOthers() throws Exception {
    receiver.when(request().withPath("/healthy")).respond(response().withStatusCode(200));
    List<HangingServer> hanging = List.of(new HangingServer("127.0.0.2"),
        new HangingServer("127.0.0.3"));
    Instant now = Instant.now();
    List<Long> healthy = new ArrayList<>();
    try {
      for (int i = 0; i < HANGING; i++) {
        HangingServer server = hanging.get(i % hanging.size());
        db.pending(server.url("/hang/" + i), now.minusSeconds(60));
      }
      for (int i = 0; i < HEALTHY; i++) {
        healthy.add(db.pending(url("/healthy"), now.minusSeconds(1)));
      }
      Map<String, Object> running = worker(MAX_PER_HOST, "50ms");
      long starting = System.nanoTime();
      try (ApplicationContext process = ApplicationContext.run(running)) {
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() ->
            healthy.stream().allMatch(id -> "delivered".equals(db.delivery(id).get("status"))));
        long done = System.nanoTime();
        System.out.printf("isolation: %d healthy deliveries all delivered %d ms after the worker"
            + " started (%d ms after start-up began) while %d attempts hung on %d hosts with a"
            + " 20 s timeout; connections per hanging host: %s%n", HEALTHY,
            (done - started) / 1_000_000, (done - starting) / 1_000_000, HANGING,
            hanging.size(), hanging.stream().map(HangingServer::accepted).toList());
        System.out.println("isolation: healthy attempts " + db.rows("SELECT min(a.at) AS first,"
            + " max(a.at) AS last, max(a.duration_ms) AS slowest_ms FROM hookline.attempt a"
            + " JOIN hookline.delivery d ON d.id = a.delivery_id WHERE d.url LIKE '%/healthy'"));
        assertThat(received("/healthy")).hasSize(HEALTHY);
        assertThat(hanging).allSatisfy(server ->
            assertThat(server.accepted()).isBetween(1, MAX_PER_HOST));
        assertThat(db.queryLong("SELECT count(*) FROM hookline.attempt a JOIN hookline.delivery d"
            + " ON d.id = a.delivery_id WHERE d.url LIKE '%/hang/%'")).isZero();
      }
    } finally {
      for (HangingServer server : hanging) {
        server.close();
      }
    }
  }

  /**
   * A host whose waiting deliveries were handed back, because every one of its slots hangs, is
   * left out of claims until one of its slots is free again: its rows are not claimed and handed
   * back over and over while its attempts hang. They go back once the host has been silent for a
   * tenth of host-busy-delay, well before they have waited all of it.
   */
  @Test
  void aHostWhoseWaitingDeliveriesWereHandedBackIsNotClaimedAgainWhileItsSlotsHang()
      throws Exception {
    try (HangingServer server = new HangingServer("127.0.0.4")) {
      Instant now = Instant.now();
      for (int i = 0; i < 40; i++) {
        db.pending(server.url("/saturated/" + i), now.minusSeconds(60));
      }
      Map<String, Object> running = worker(2, "20ms");
      running.put("hookline.delivery.host-busy-delay", "15s");
      String handedBack = "SELECT count(*) FROM hookline.delivery WHERE url LIKE '%/saturated/%'"
          + " AND status = 'pending' AND updated_at > ?";
      String lastChange = "SELECT coalesce(max(updated_at)::text, '') FROM hookline.delivery"
          + " WHERE url LIKE '%/saturated/%'";
      java.sql.Timestamp start = java.sql.Timestamp.from(now);
      try (ApplicationContext process = ApplicationContext.run(running)) {
        // two attempts hang, the other 38 wait for a slot and are handed back once the host
        // has been silent for 1.5 s, a tenth of host-busy-delay (before: after all 15 s)
        await("the 38 waiting deliveries handed back and left pending")
            .atMost(Duration.ofSeconds(8)).until(() -> db.queryLong(handedBack, start) == 38);
        Object last = db.rows(lastChange).get(0).values().iterator().next();

        // were it not left out, they would be claimed again at once and handed back over and
        // over
        await("no claim or hand-back of the saturated host's rows")
            .during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() ->
                db.rows(lastChange).get(0).values().iterator().next().equals(last));
        assertThat(db.queryLong("SELECT count(*) FROM hookline.delivery WHERE url LIKE"
            + " '%/saturated/%' AND status = 'sending'")).isEqualTo(2);
        assertThat(server.accepted()).isEqualTo(2);
      }
    }
  }

  /** A worker process with its loop running, on the real clock, attempts timing out in 20 s. */
  private Map<String, Object> worker(int maxPerHost, String pollInterval) {
    Map<String, Object> running = new HashMap<>(properties);
    running.remove("hookline.test.clock");
    running.put("hookline.worker.enabled", "true");
    running.put("hookline.delivery.timeout", "20s");
    running.put("hookline.delivery.max-per-host", Integer.toString(maxPerHost));
    running.put("hookline.delivery.poll-interval", pollInterval);
    running.put("hookline.delivery.shutdown-grace", "200ms");
    return running;
  }

  /** Accepts every connection and never answers. */
  private static final class HangingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new ArrayList<>();

    HangingServer(String address) throws IOException {
      socket = new ServerSocket(0, 1000, InetAddress.getByName(address));
      Thread.ofPlatform().daemon().start(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            synchronized (held) {
              held.add(s);
            }
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    String url(String path) {
      return "http://" + socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort()
          + path;
    }

    int accepted() {
      synchronized (held) {
        return held.size();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
