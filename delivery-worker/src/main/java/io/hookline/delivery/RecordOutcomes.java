package io.hookline.delivery;

import io.hookline.delivery.Outcome.RetryAt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a batch of outcomes in one statement: each delivery row moves on only while it is still
 * this worker's claim ({@code claimed_by = worker AND status = 'sending'}), and only the rows that
 * moved get their attempt row. A claim that expired and went to another worker is left alone.
 */
final class RecordOutcomes {
  private static final String RECORD = """
      WITH r AS (
          SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[]::timestamptz[], ?::text[],
                               ?::text[]::timestamptz[], ?::int[], ?::int[], ?::text[], ?::text[],
                               ?::text[], ?::text[])
              AS r(id, status, next_attempt_at, reason, at, duration_ms, status_code, error,
                   response, trigger, outcome)
      ), moved AS (
          UPDATE hookline.delivery d
             SET status = r.status,
                 attempt_count = d.attempt_count + CASE WHEN r.at IS NULL THEN 0 ELSE 1 END,
                 schedule_step = d.schedule_step + CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END,
                 next_trigger = CASE WHEN r.status = 'pending' THEN 'scheduled'
                                     ELSE d.next_trigger END,
                 next_attempt_at = r.next_attempt_at,
                 reason = r.reason,
                 claimed_by = NULL, claimed_until = NULL, updated_at = ?
            FROM r
           -- rows are found by id: 'sending' is compared through a sub-select so that the
           -- planner cannot reach for delivery_lease instead (every row being sent by every
           -- worker, then matched against the batch row by row: 60 ms for 133 outcomes once
           -- the table's statistics were stale)
           WHERE d.id = r.id AND d.claimed_by = ? AND d.status = (SELECT 'sending')
       RETURNING d.id
      ), attempts AS (
          INSERT INTO hookline.attempt
                 (delivery_id, at, duration_ms, status_code, error, response, trigger, outcome)
          SELECT r.id, r.at, r.duration_ms, r.status_code, r.error, r.response, r.trigger, r.outcome
            FROM r JOIN moved USING (id)
           WHERE r.at IS NOT NULL
      )
      SELECT id FROM moved
      """;

  private RecordOutcomes() {}

  /** Answers the ids of the deliveries that were still this worker's and were recorded. */
  static List<Long> record(Connection connection, String workerId, List<Recorded> batch,
      Instant now) throws SQLException {
    int n = batch.size();
    Long[] ids = new Long[n];
    String[] statuses = new String[n];
    String[] nextAt = new String[n];
    String[] reasons = new String[n];
    String[] at = new String[n];
    Integer[] durations = new Integer[n];
    Integer[] codes = new Integer[n];
    String[] errors = new String[n];
    String[] responses = new String[n];
    String[] triggers = new String[n];
    String[] outcomes = new String[n];
    for (int i = 0; i < n; i++) {
      Recorded r = batch.get(i);
      ids[i] = r.delivery().id();
      statuses[i] = r.outcome().status();
      nextAt[i] = r.outcome() instanceof RetryAt retry ? retry.at().toString() : null;
      reasons[i] = switch (r.outcome()) {
        case Outcome.Fail f -> f.reason();
        case Outcome.Drop d -> d.reason();
        default -> null;
      };
      triggers[i] = r.delivery().trigger();
      outcomes[i] = r.outcome().attemptOutcome();
      if (r.attempt() != null) {
        at[i] = r.attempt().at().toString();
        durations[i] = r.attempt().durationMs();
        codes[i] = r.attempt().statusCode();
        errors[i] = r.attempt().error();
        responses[i] = r.attempt().response();
      }
    }
    try (PreparedStatement record = connection.prepareStatement(RECORD)) {
      int p = 1;
      record.setArray(p++, connection.createArrayOf("bigint", ids));
      for (Object[] column : List.<Object[]>of(statuses, nextAt, reasons, at)) {
        record.setArray(p++, connection.createArrayOf("text", column));
      }
      record.setArray(p++, connection.createArrayOf("int4", durations));
      record.setArray(p++, connection.createArrayOf("int4", codes));
      for (Object[] column : List.<Object[]>of(errors, responses, triggers, outcomes)) {
        record.setArray(p++, connection.createArrayOf("text", column));
      }
      record.setObject(p++, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      record.setString(p, workerId);
      List<Long> moved = new ArrayList<>(n);
      try (ResultSet rows = record.executeQuery()) {
        while (rows.next()) {
          moved.add(rows.getLong(1));
        }
      }
      return moved;
    }
  }
}
