package io.hookline.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.delivery.DeliveriesDue;
import io.hookline.event.EventFixtures;
import io.hookline.event.EventLimits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Property;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.delivery.DeliveryWorker;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Writers commit, roll back and hold transactions open while later ones commit (so low ids
 * become visible after higher ones were relayed), and two relays claim at the same time. Every
 * committed row must become exactly one event with its deliveries; nothing else may appear.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxConcurrencyTest implements TestPropertyProvider {
  private static final int WRITERS = 4;
  private static final int TRANSACTIONS = 40;
  private static final List<String> ALL = List.of("https://all.example/a",
      "https://all.example/b");

  @Inject
  OutboxRelay relay;
  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Inject
  EventLimits limits;
  @Inject
  OutboxSettings settings;
  @Inject
  JsonMapper json;
  @Inject
  Clock clock;
  @Inject
  MeterRegistry meters;
  @Inject
  DeliveryWorker worker;
  @Inject
  ClaimDueDeliveries claim;
  @Property(name = "datasources.default.url")
  String url;
  @Property(name = "datasources.default.username")
  String user;
  @Property(name = "datasources.default.password")
  String password;

  private final Map<String, String> committed = new ConcurrentHashMap<>();
  private final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicBoolean writersDone = new AtomicBoolean();
  private final Semaphore commits = new Semaphore(0);

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>(EventFixtures.database());
    // Small batches: many claims, so the two relays interleave often.
    properties.put("hookline.outbox.batch-size", "7");
    return properties;
  }

  @Test
  void twoRelaysTurnEveryCommittedRowIntoExactlyOneEventAndNothingElse() throws Exception {
    EventFixtures db = new EventFixtures(resolver.resolve(dataSource));
    String tenant = db.tenant();
    String all = db.webhook(tenant, "*");
    ALL.forEach(target -> db.destination(all, target));
    db.webhook(tenant, "order.*", "https://orders.example/hook");
    String other = db.tenant();
    db.webhook(other, "*", "https://other.example/hook");
    OutboxRelay second = new OutboxRelay(dataSource, resolver, limits, settings, json, clock,
        meters, new DeliveriesDue(), worker, claim);

    ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 2);
    try {
      Future<Integer> first = threads.submit(relayLoop(relay));
      Future<Integer> otherRelay = threads.submit(relayLoop(second));
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(threads.submit(() -> write(tenant, writer)));
      }
      for (Future<?> writer : writers) {
        writer.get(5, TimeUnit.MINUTES);
      }
      writersDone.set(true);
      commits.release(2);
      int claimed = first.get(5, TimeUnit.MINUTES) + otherRelay.get(5, TimeUnit.MINUTES);
      // Each committed row was claimed once, by one relay: no row twice, none rejected.
      assertThat(claimed).isEqualTo(committed.size());
    } finally {
      threads.shutdownNow();
    }

    assertThat(held.get()).as("transactions held open").isPositive();
    assertThat(rolledBack).isNotEmpty();
    Map<String, Long> events = db.rows("SELECT data->>'marker', count(*) FROM hookline.event"
        + " WHERE tenant_id = ? GROUP BY 1", tenant).stream()
        .collect(Collectors.toMap(row -> (String) row.get(0), row -> (Long) row.get(1)));
    assertThat(events.keySet()).containsExactlyInAnyOrderElementsOf(committed.keySet())
        .doesNotContainAnyElementsOf(rolledBack);
    assertThat(events.values()).containsOnly(1L);
    Map<String, List<String>> deliveries = db.rows("""
        SELECT e.data->>'marker', string_agg(d.url, ' ' ORDER BY d.url)
          FROM hookline.event e JOIN hookline.delivery d ON d.event_pk = e.pk
         WHERE e.tenant_id = ? GROUP BY 1""", tenant).stream()
        .collect(Collectors.toMap(row -> (String) row.get(0),
            row -> List.of(((String) row.get(1)).split(" "))));
    committed.forEach((marker, name) -> assertThat(deliveries.get(marker)).as(marker)
        .containsExactlyElementsOf(expectedUrls(name)));
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ? AND id <>"
        + " data->>'marker' AND id NOT LIKE 'evt\\_%'", tenant)).isZero();
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", other))
        .isZero();
    assertThat(db.count("SELECT count(*) FROM hookline.outbox")).isZero();
  }

  private static List<String> expectedUrls(String name) {
    List<String> urls = new ArrayList<>(ALL);
    if (name.startsWith("order.")) {
      urls.add("https://orders.example/hook");
    }
    return urls;
  }

  /** Relays until a claim that began after the writers finished finds nothing. */
  private Callable<Integer> relayLoop(OutboxRelay instance) {
    return () -> {
      int claimed = 0;
      while (true) {
        boolean finished = writersDone.get();
        int count = instance.relayOnce();
        claimed += count;
        if (count == 0) {
          if (finished) {
            return claimed;
          }
          commits.tryAcquire(20, TimeUnit.MILLISECONDS); // idle: wait for a commit
        }
      }
    };
  }

  private record Open(Connection connection, Map<String, String> markers) {}

  private Void write(String tenant, int writer) throws Exception {
    Random random = new Random(writer);
    Deque<Open> open = new ArrayDeque<>();
    for (int t = 0; t < TRANSACTIONS; t++) {
      Connection connection = DriverManager.getConnection(url, user, password);
      connection.setAutoCommit(false);
      Map<String, String> markers = new HashMap<>();
      int rows = 1 + random.nextInt(3);
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO hookline.outbox"
          + " (tenant_id, event, data, event_id) VALUES (?, ?, jsonb_build_object('marker', ?::text), ?)")) {
        for (int r = 0; r < rows; r++) {
          String marker = "w" + writer + "-t" + t + "-r" + r;
          String name = random.nextBoolean() ? "order.created" : "user.signed_up";
          insert.setString(1, tenant);
          insert.setString(2, name);
          insert.setString(3, marker);
          insert.setString(4, random.nextBoolean() ? marker : null);
          insert.executeUpdate();
          markers.put(marker, name);
        }
      }
      int action = random.nextInt(10);
      if (action < 2) {
        connection.rollback();
        connection.close();
        rolledBack.addAll(markers.keySet());
      } else if (action < 4) {
        open.add(new Open(connection, markers)); // committed after later transactions
        held.incrementAndGet();
      } else {
        commit(new Open(connection, markers));
      }
      if (open.size() > 2) {
        commit(open.removeFirst());
      }
    }
    while (!open.isEmpty()) {
      commit(open.removeFirst());
    }
    return null;
  }

  private void commit(Open transaction) throws Exception {
    transaction.connection().commit();
    transaction.connection().close();
    committed.putAll(transaction.markers());
    commits.release();
  }
}
