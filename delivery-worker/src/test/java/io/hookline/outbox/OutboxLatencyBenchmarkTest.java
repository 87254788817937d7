package io.hookline.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookline.event.EventFixtures;
import io.micronaut.context.annotation.Property;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Latency from an outbox commit to its 'pending' delivery, with the relay running in the
 * background and woken by LISTEN/NOTIFY only (the backstop poll is an hour). Run with
 * {@code ./mvnw -o install -pl schema,delivery-worker -Pbench}.
 *
 * <p>Method. One writer commits one outbox row per transaction on a fixed schedule (open loop:
 * a slow relay does not slow the writer down, so queueing shows in the figures instead of being
 * hidden). Its clock starts when {@code commit()} returns: the row is then visible to every new
 * snapshot and the NOTIFY has been sent. A reader on its own connection polls for new delivery
 * rows every {@value #READER_PARK_MICROS} µs and notes when it first sees each one. Both moments
 * come from this JVM's {@link System#nanoTime()}, so no clock skew enters; the reader's figure
 * is late by at most one poll period plus one query (about a millisecond), an upper bound. The
 * second figure, commit to the delivery's {@code created_at} (the relay's clock when it turned
 * the row into an event, before its own commit), splits off the relay's pickup; it is truncated
 * to the millisecond, so it reads up to 1 ms low. The first {@value #WARM_UP} events warm the JIT
 * and pools and are not counted.
 */
@Tag("benchmark")
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxLatencyBenchmarkTest implements TestPropertyProvider {
  private static final int EVENTS = 1_000;
  private static final int WARM_UP = 100;
  private static final Duration PACE = Duration.ofMillis(10);
  private static final long READER_PARK_MICROS = 250;

  @Inject
  OutboxRelayLoop loop;
  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Property(name = "datasources.default.url")
  String url;
  @Property(name = "datasources.default.username")
  String user;
  @Property(name = "datasources.default.password")
  String password;

  private final Map<Integer, Long> seenAt = new ConcurrentHashMap<>();
  private volatile boolean reading = true;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>(EventFixtures.database());
    properties.put("hookline.worker.enabled", "true");
    properties.put("hookline.outbox.poll-interval", "1h");
    return properties;
  }

  @Test
  void commitToPendingDelivery() throws Exception {
    EventFixtures db = new EventFixtures(resolver.resolve(dataSource));
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    await().atMost(Duration.ofSeconds(30)).until(loop::idleAndListening);
    int total = WARM_UP + EVENTS;
    long[] committedAt = new long[total];
    Instant[] committedWall = new Instant[total];

    Thread reader = Thread.ofPlatform().name("bench-reader").start(this::read);
    try (Connection writer = DriverManager.getConnection(url, user, password);
        PreparedStatement insert = writer.prepareStatement("INSERT INTO hookline.outbox"
            + " (tenant_id, event, data, event_id) VALUES (?, 'order.created',"
            + " '{\"order_id\": \"ord_1\"}', ?)")) {
      writer.setAutoCommit(false);
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * PACE.toNanos();
        while (System.nanoTime() < due) {
          LockSupport.parkNanos(due - System.nanoTime());
        }
        insert.setString(1, tenant);
        insert.setString(2, "b-" + i);
        insert.executeUpdate();
        writer.commit();
        committedAt[i] = System.nanoTime();
        committedWall[i] = Instant.now();
      }
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> seenAt.size() == total);
    reading = false;
    reader.join();

    Map<Integer, Instant> createdAt = new HashMap<>();
    for (var row : db.rows("SELECT e.id, d.created_at FROM hookline.delivery d"
        + " JOIN hookline.event e ON e.pk = d.event_pk WHERE e.tenant_id = ?", tenant)) {
      createdAt.put(Integer.parseInt(((String) row.get(0)).substring(2)),
          EventFixtures.instant(row.get(1)));
    }
    assertThat(createdAt).hasSize(total);
    double[] visible = new double[EVENTS];
    double[] pickedUp = new double[EVENTS];
    for (int i = WARM_UP; i < total; i++) {
      visible[i - WARM_UP] = (seenAt.get(i) - committedAt[i]) / 1e6;
      pickedUp[i - WARM_UP] = Duration.between(committedWall[i], createdAt.get(i)).toNanos() / 1e6;
    }
    report(visible, pickedUp);
  }

  private void read() {
    long after = 0;
    try (Connection connection = DriverManager.getConnection(url, user, password);
        PreparedStatement poll = connection.prepareStatement("SELECT d.id, e.id"
            + " FROM hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk"
            + " WHERE d.id > ? ORDER BY d.id")) {
      while (reading) {
        poll.setLong(1, after);
        try (ResultSet rows = poll.executeQuery()) {
          long now = System.nanoTime();
          while (rows.next()) {
            after = rows.getLong(1);
            seenAt.putIfAbsent(Integer.parseInt(rows.getString(2).substring(2)), now);
          }
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(READER_PARK_MICROS));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void report(double[] visible, double[] pickedUp) {
    Arrays.sort(visible);
    Arrays.sort(pickedUp);
    System.out.printf("%nOutbox commit -> pending delivery, %d events, one every %d ms%n",
        visible.length, PACE.toMillis());
    System.out.printf("%-44s %8s %8s %8s %8s%n", "ms", "median", "p90", "p99", "max");
    System.out.printf("%-44s %8.2f %8.2f %8.2f %8.2f%n", "commit -> delivery visible to a reader",
        percentile(visible, 50), percentile(visible, 90), percentile(visible, 99),
        visible[visible.length - 1]);
    System.out.printf("%-44s %8.2f %8.2f %8.2f %8.2f%n", "commit -> relay pickup (created_at)",
        percentile(pickedUp, 50), percentile(pickedUp, 90), percentile(pickedUp, 99),
        pickedUp[pickedUp.length - 1]);
  }

  /** Nearest rank: the smallest value with at least p % of the values at or below it. */
  private static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
