package io.hookline.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Stores an event and its deliveries inside the caller's transaction, in one statement: one
 * 'pending' delivery per enabled, not deleted webhook of the event's tenant whose pattern
 * matches, times each of its current destinations. An event that matches nothing is still
 * stored.
 *
 * <p>A repeated id (the tenant already has an event with it, committed or being committed by a
 * concurrent transaction) writes nothing: {@code ON CONFLICT DO NOTHING} waits for the other
 * transaction and then leaves its row alone, so neither this transaction nor the caller's batch
 * is aborted by a unique violation.
 *
 * <p>Deliveries due at once NOTIFY {@code hookline_delivery} in the same transaction; callers in
 * the worker's process also signal {@code DeliveriesDue} after their commit, which is quicker.
 *
 * <p>A webhook disabled or deleted while this runs may still get a delivery from it (its row is
 * not locked, to keep concurrent events from queueing on it); the worker drops a delivery whose
 * webhook is disabled or deleted at send time, so the race sends nothing.
 */
public final class FanOut {

  // Patterns: the exact name, '*', or 'prefix.*' for every name below prefix. starts_with, not
  // LIKE, because '_' is a LIKE wildcard and a legal character of names. Delays are whole
  // seconds (a day is 86,400 s whatever the time zone), in float8 so large ones cannot overflow.
  private static final String STORE = """
      WITH stored AS (
        INSERT INTO hookline.event (tenant_id, id, event, data, created_at, source)
        VALUES (?, ?, ?, ?::jsonb, ?, ?)
        ON CONFLICT (tenant_id, id) DO NOTHING
        RETURNING pk, tenant_id, event, created_at
      ), fanned AS (
        INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id, url,
            status, attempt_count, schedule_step, retry, next_trigger, next_attempt_at,
            created_at, updated_at)
        SELECT e.tenant_id, e.pk, w.id, d.id, d.url, 'pending', 0, 0, true, 'scheduled',
               e.created_at + make_interval(secs => coalesce(w.delay_amount, 0)::float8
                   * CASE w.delay_unit WHEN 'minute' THEN 60 WHEN 'hour' THEN 3600
                                       WHEN 'day' THEN 86400 ELSE 1 END),
               e.created_at, e.created_at
          FROM stored e
          JOIN hookline.webhook w
            ON w.tenant_id = e.tenant_id AND w.enabled AND w.deleted_at IS NULL
          JOIN hookline.destination d ON d.webhook_id = w.id AND d.removed_at IS NULL
         WHERE w.event = e.event
            OR w.event = '*'
            OR (right(w.event, 2) = '.*' AND starts_with(e.event, left(w.event, -1)))
         ORDER BY w.seq, d.position
        RETURNING next_attempt_at
      ), notified AS (
        -- wakes the workers of every process once this commits (deliveries due now only: later
        -- ones are found by their poll); repeats within one transaction are folded into one
        SELECT pg_notify('hookline_delivery', '') FROM stored e
         WHERE EXISTS (SELECT 1 FROM fanned f WHERE f.next_attempt_at <= e.created_at)
      )
      SELECT pk, (SELECT count(*) FROM fanned), (SELECT count(*) FROM notified) FROM stored""";

  private FanOut() {}

  /** What was written: the event's key, how many deliveries it got, whether any is due now. */
  public record Stored(long pk, int deliveries, boolean dueNow) {}

  /**
   * Stores the event and its deliveries; empty when the tenant already has an event with this id
   * (then nothing was written). Deliveries are due at the event's time plus the webhook's delay.
   */
  public static Optional<Stored> store(Connection connection, NewEvent event)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(STORE)) {
      statement.setString(1, event.tenantId());
      statement.setString(2, event.id());
      statement.setString(3, event.name());
      statement.setString(4, event.data());
      statement.setObject(5, event.createdAt().atOffset(ZoneOffset.UTC));
      statement.setString(6, event.source().column());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next()
            ? Optional.of(new Stored(rows.getLong(1), rows.getInt(2), rows.getInt(3) > 0))
            : Optional.empty();
      }
    }
  }
}
