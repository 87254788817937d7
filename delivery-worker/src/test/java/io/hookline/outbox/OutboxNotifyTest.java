package io.hookline.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookline.event.EventFixtures;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The background relay with a poll interval of an hour: once it is caught up, only a NOTIFY can
 * make it relay a new row within the test's bound.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxNotifyTest implements TestPropertyProvider {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Inject
  OutboxRelayLoop loop;
  @Inject
  OutboxListener listener;
  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  EventFixtures db;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>(EventFixtures.database());
    properties.put("hookline.worker.enabled", "true");
    properties.put("hookline.outbox.poll-interval", "1h");
    // small batches relayed three at a time, so that a backlog is shared by the relay threads
    properties.put("hookline.outbox.batch-size", "50");
    properties.put("hookline.outbox.parallelism", "3");
    return properties;
  }

  @BeforeAll
  void setUp() {
    db = new EventFixtures(resolver.resolve(dataSource));
  }

  @Test
  void aCommittedRowWakesTheRelay() {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    await().atMost(BOUND).until(loop::idleAndListening);

    db.update("INSERT INTO hookline.outbox (tenant_id, event, event_id) VALUES (?, 'ping', 'p1')",
        tenant);

    await().atMost(BOUND).until(() -> db.count("SELECT count(*) FROM hookline.delivery d JOIN"
        + " hookline.event e ON e.pk = d.event_pk WHERE e.tenant_id = ? AND e.id = 'p1'",
        tenant) == 1);
  }

  @Test
  void aBacklogRelayedByParallelTransactionsBecomesEachEventOnce() {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    await().atMost(BOUND).until(loop::idleAndListening);

    db.update("INSERT INTO hookline.outbox (tenant_id, event, event_id)"
        + " SELECT ?, 'ping', 'b' || g FROM generate_series(1, 1000) g", tenant);

    await().atMost(BOUND).until(() -> db.count("SELECT count(*) FROM hookline.outbox"
        + " WHERE tenant_id = ?", tenant) == 0 && loop.idleAndListening());
    assertThat(db.count("SELECT count(DISTINCT id) FROM hookline.event WHERE tenant_id = ?"
        + " AND id LIKE 'b%'", tenant)).isEqualTo(1000);
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isEqualTo(1000);
  }

  @Test
  void aBrokenListenConnectionIsReplacedAndNotificationsFlowAgain() {
    String tenant = db.tenant();
    await().atMost(BOUND).until(loop::idleAndListening);
    long sessions = listener.sessions();

    assertThat(db.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        + " WHERE application_name = 'hookline-outbox-listener'"
        + " AND datname = current_database()")).isEqualTo(1);
    await().atMost(BOUND).until(() -> listener.sessions() > sessions && loop.idleAndListening());

    db.update("INSERT INTO hookline.outbox (tenant_id, event, event_id) VALUES (?, 'ping', 'p2')",
        tenant);
    await().atMost(BOUND).until(() -> db.count("SELECT count(*) FROM hookline.event"
        + " WHERE tenant_id = ? AND id = 'p2'", tenant) == 1);
  }
}
