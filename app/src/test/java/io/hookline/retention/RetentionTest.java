package io.hookline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import io.hookline.delivery.DeliveryRows;
import io.hookline.time.StoppedClock;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.annotation.MockBean;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class RetentionTest extends ApiTest {
  static final Instant NOW = Instant.parse("2030-06-01T00:00:00Z");
  static final Instant OLD = NOW.minus(Duration.ofDays(31));
  static final Instant RECENT = NOW.minus(Duration.ofDays(29));

  final StoppedClock clock = new StoppedClock(NOW);

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Inject
  Retention retention;

  @MockBean(Clock.class)
  Clock clock() {
    return clock;
  }

  @Override
  protected Map<String, String> extraProperties() {
    // Tiny batches, so that a purge has to go round several times.
    return Map.of("hookline.retention.period", "30d", "hookline.retention.batch-size", "2");
  }

  @Test
  void oldHistoryGoesAndEverythingStillNeededStays() throws Exception {
    DeliveryRows rows = new DeliveryRows(resolver.resolve(dataSource));
    String tenant = newTenant("retained");
    String hook = rows.webhook(tenant, "*", "https://keep.example.com");

    long goneEvent = rows.event(tenant, "gone", "order.created", OLD);
    long gone = rows.delivery(goneEvent, hook, "delivered", OLD);
    rows.attempt(gone, OLD, 500, null, "down", "scheduled");
    rows.attempt(gone, OLD, 200, null, "ok", "scheduled");
    long replayedEvent = rows.event(tenant, "replayed", "order.created", OLD);
    long replayed = rows.delivery(replayedEvent, hook, "failed", OLD);
    rows.attempt(replayed, OLD, 500, null, "down", "scheduled");
    rows.attempt(replayed, OLD.plusSeconds(1), 500, null, "down", "scheduled");
    rows.attempt(replayed, RECENT, 500, null, "still down", "replay");
    rows.exec("UPDATE hookline.delivery SET updated_at = ? WHERE id = ?", RECENT, replayed);
    long retryingEvent = rows.event(tenant, "retrying", "order.created", OLD);
    long retrying = rows.delivery(retryingEvent, hook, "pending", OLD);
    long lonelyEvent = rows.event(tenant, "lonely", "order.created", OLD);
    long freshEvent = rows.event(tenant, "fresh", "order.created", RECENT);
    long fresh = rows.delivery(freshEvent, hook, "delivered", RECENT);
    rows.attempt(fresh, RECENT, 200, null, "ok", "scheduled");
    long queuedEvent = rows.event(tenant, "queued", "order.created", OLD);
    long queued = rows.delivery(queuedEvent, hook, "dropped", OLD);
    rows.exec("""
        INSERT INTO hookline.replay (id, tenant_id, filter, created_at, matched)
        VALUES ('rpl_running', ?, '{}', ?, 1)""", tenant, RECENT);
    rows.exec("INSERT INTO hookline.replay_item (replay_id, delivery_id) VALUES ('rpl_running', ?)",
        queued);
    rows.exec("""
        INSERT INTO hookline.replay (id, tenant_id, filter, created_at, status, finished_at)
        VALUES ('rpl_old', ?, '{}', ?, 'done', ?), ('rpl_recent', ?, '{}', ?, 'done', ?)""",
        tenant, OLD, OLD, tenant, RECENT, RECENT);
    rows.exec("""
        INSERT INTO hookline.replay_item (replay_id, delivery_id, state)
        VALUES ('rpl_old', ?, 'done'), ('rpl_old', ?, 'done'), ('rpl_old', ?, 'done'),
               ('rpl_recent', ?, 'done')""", retrying, fresh, replayed, fresh);
    rows.exec("""
        INSERT INTO hookline.idempotency_key (tenant_id, key, request_hash, event_pk, created_at)
        VALUES (?, 'k-old', '\\x00', ?, ?), (?, 'k-new', '\\x00', ?, ?)""",
        tenant, freshEvent, NOW.minus(Duration.ofHours(25)),
        tenant, freshEvent, NOW.minus(Duration.ofHours(23)));
    rows.exec("""
        INSERT INTO hookline.outbox (tenant_id, event, processed_at, rejected)
        VALUES (?, 'a', ?, NULL), (?, 'b', ?, NULL), (?, 'c', ?, 'unknown tenant')""",
        tenant, OLD, tenant, RECENT, tenant, OLD);

    Retention.Purged purged = retention.purge();

    assertThat(rows.column("SELECT id FROM hookline.delivery ORDER BY id"))
        .containsExactly(replayed, retrying, fresh, queued);
    assertThat(rows.column("SELECT id FROM hookline.event ORDER BY pk"))
        .containsExactly("replayed", "retrying", "fresh", "queued");
    assertThat(rows.column("SELECT response FROM hookline.attempt ORDER BY id"))
        .containsExactly("still down", "ok");
    assertThat(rows.column("SELECT key FROM hookline.idempotency_key")).containsExactly("k-new");
    assertThat(rows.column("SELECT id FROM hookline.replay ORDER BY id"))
        .containsExactly("rpl_recent", "rpl_running");
    assertThat(rows.column("SELECT event FROM hookline.outbox ORDER BY id"))
        .containsExactly("b", "c");
    assertThat(purged).isEqualTo(new Retention.Purged(4, 1, 2, 1, 1, 1));
    assertThat(call("GET", "/metrics", null, null).body())
        .contains("hookline_retention_deleted_total{kind=\"attempt\"} 4.0");
    assertThat(lonelyEvent).isPositive();

    // Nothing else is due until time moves on; then the rest ages out too.
    assertThat(retention.purge().total()).isZero();
    clock.advance(Duration.ofDays(2));
    rows.exec("DELETE FROM hookline.replay WHERE id = 'rpl_running'");
    retention.purge();
    assertThat(rows.column("SELECT id FROM hookline.event")).containsExactly("retrying");
  }
}
