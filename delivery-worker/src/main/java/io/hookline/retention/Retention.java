package io.hookline.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Deletes history older than {@code hookline.retention.period}, in small batches, each its own
 * statement (autocommit), skipping rows someone else has locked. Deliveries go only once final
 * and untouched for the period (a replay touches them) and never while a replay job waits to
 * move them; events go once no delivery of theirs is left. Idempotency keys are only promised for
 * 24 hours.
 */
@Singleton
public final class Retention {
  static final Duration IDEMPOTENCY = Duration.ofHours(24);

  private static final String ATTEMPTS = """
      DELETE FROM hookline.attempt WHERE id IN (
        SELECT id FROM hookline.attempt WHERE at < ? LIMIT ? FOR UPDATE SKIP LOCKED)""";
  private static final String DELIVERIES = """
      DELETE FROM hookline.delivery WHERE id IN (
        SELECT d.id FROM hookline.delivery d
         WHERE d.status IN ('delivered', 'failed', 'dropped') AND d.updated_at < ?
           AND NOT EXISTS (SELECT 1 FROM hookline.replay_item i
                            WHERE i.delivery_id = d.id AND i.state = 'queued')
         ORDER BY d.id LIMIT ? FOR UPDATE SKIP LOCKED)""";
  private static final String EVENTS = """
      DELETE FROM hookline.event WHERE pk IN (
        SELECT e.pk FROM hookline.event e
         WHERE e.created_at < ?
           AND NOT EXISTS (SELECT 1 FROM hookline.delivery d WHERE d.event_pk = e.pk)
         ORDER BY e.pk LIMIT ? FOR UPDATE SKIP LOCKED)""";
  private static final String IDEMPOTENCY_KEYS = """
      DELETE FROM hookline.idempotency_key WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM hookline.idempotency_key WHERE created_at < ?
         LIMIT ? FOR UPDATE SKIP LOCKED))""";
  // Finished jobs go item by item first: one job may hold a million items.
  private static final String REPLAY_ITEMS = """
      DELETE FROM hookline.replay_item WHERE (replay_id, delivery_id) IN (
        SELECT i.replay_id, i.delivery_id
          FROM hookline.replay r JOIN hookline.replay_item i ON i.replay_id = r.id
         WHERE r.status = 'done' AND r.finished_at < ? LIMIT ? FOR UPDATE OF i SKIP LOCKED)""";
  private static final String REPLAYS = """
      DELETE FROM hookline.replay WHERE id IN (
        SELECT r.id FROM hookline.replay r
         WHERE r.status = 'done' AND r.finished_at < ?
           AND NOT EXISTS (SELECT 1 FROM hookline.replay_item i WHERE i.replay_id = r.id)
         LIMIT ? FOR UPDATE SKIP LOCKED)""";
  private static final String OUTBOX = """
      DELETE FROM hookline.outbox WHERE id IN (
        SELECT id FROM hookline.outbox
         WHERE processed_at < ? AND rejected IS NULL
         ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)""";

  private final DataSource dataSource;
  private final Clock clock;
  private final RetentionConfig config;
  private final MeterRegistry registry;

  Retention(DataSource dataSource, DataSourceResolver resolver, Clock clock,
      RetentionConfig config, MeterRegistry registry) {
    this.dataSource = resolver.resolve(dataSource);
    this.clock = clock;
    this.config = config;
    this.registry = registry;
  }

  /** What one purge deleted. */
  public record Purged(long attempts, long deliveries, long events, long idempotencyKeys,
      long replays, long outboxRows) {
    public long total() {
      return attempts + deliveries + events + idempotencyKeys + replays + outboxRows;
    }
  }

  /** Deletes everything that is due, batch after batch. */
  public Purged purge() throws SQLException {
    Instant now = clock.instant();
    Instant cutoff = now.minus(config.period());
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      long keys = drain(connection, IDEMPOTENCY_KEYS, now.minus(IDEMPOTENCY));
      long attempts = drain(connection, ATTEMPTS, cutoff);
      long deliveries = drain(connection, DELIVERIES, cutoff);
      long events = drain(connection, EVENTS, cutoff);
      drain(connection, REPLAY_ITEMS, cutoff);
      long replays = drain(connection, REPLAYS, cutoff);
      long outbox = drain(connection, OUTBOX, cutoff);
      Purged purged = new Purged(attempts, deliveries, events, keys, replays, outbox);
      count(purged);
      return purged;
    }
  }

  private void count(Purged purged) {
    Map.of("attempt", purged.attempts(), "delivery", purged.deliveries(), "event",
        purged.events(), "idempotency_key", purged.idempotencyKeys(), "replay", purged.replays(),
        "outbox", purged.outboxRows()).forEach((kind, rows) -> Counter.builder(
            "hookline.retention.deleted").tag("kind", kind)
        .description("Rows deleted by retention").register(registry).increment(rows));
  }

  private long drain(Connection connection, String sql, Instant before) throws SQLException {
    long deleted = 0;
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setObject(1, OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
      delete.setInt(2, config.batchSize());
      int batch;
      do {
        batch = delete.executeUpdate();
        deleted += batch;
      } while (batch == config.batchSize());
    }
    return deleted;
  }
}
