package io.hookline.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The replay transition of the delivery state machine: the row becomes due now, its next attempt
 * is recorded with trigger 'replay', the retry schedule starts over, and any reason or stale claim
 * is forgotten. A delivery that is being sent right now is left alone (the caller decides what
 * that means); the worker then sends the moved rows like any due delivery, so the event id and
 * hence the webhook-id stay the same and only the signature's timestamp is new.
 */
public final class MoveToReplay {
  // The NOTIFY wakes the workers of every process once the caller commits.
  private static final String MOVE = """
      WITH moved AS (
        UPDATE hookline.delivery
           SET status = 'pending', next_attempt_at = ?, next_trigger = 'replay',
               schedule_step = 0, retry = ?, reason = NULL, claimed_by = NULL,
               claimed_until = NULL, updated_at = ?
         WHERE id = ANY (?) AND status <> 'sending'
        RETURNING id
      ), notified AS (
        SELECT pg_notify('hookline_delivery', '') WHERE EXISTS (SELECT 1 FROM moved)
      )
      SELECT id, (SELECT count(*) FROM notified) FROM moved""";

  private MoveToReplay() {}

  /** Moves those of the deliveries that are not being sent; answers the ids it moved. */
  public static List<Long> move(Connection connection, Collection<Long> ids, boolean retry,
      Instant now) throws SQLException {
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    try (PreparedStatement move = connection.prepareStatement(MOVE)) {
      move.setObject(1, at);
      move.setBoolean(2, retry);
      move.setObject(3, at);
      move.setArray(4, connection.createArrayOf("bigint", ids.toArray()));
      List<Long> moved = new ArrayList<>(ids.size());
      try (ResultSet rows = move.executeQuery()) {
        while (rows.next()) {
          moved.add(rows.getLong(1));
        }
      }
      return moved;
    }
  }
}
