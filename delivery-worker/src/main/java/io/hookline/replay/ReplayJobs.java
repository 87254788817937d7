package io.hookline.replay;

import io.hookline.delivery.DeliveriesDue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs bulk replay jobs one step at a time. A job's matched deliveries were fixed as its items when
 * it was created; a step claims a running job (a lease in its row, not a held lock), moves a batch
 * of its queued items' deliveries to replay and marks those items done in the same transaction,
 * so no delivery is replayed twice by one job, whoever runs it and however often runners die.
 * A delivery that is being sent right now is not moved: its item waits for the attempt to end
 * (a claim expires within its lease) and fails after {@link ReplayConfig#sendingWait()}.
 */
@Singleton
public final class ReplayJobs {
  private static final String CLAIM = """
      UPDATE hookline.replay SET claimed_by = ?, claimed_until = ?
       WHERE id = (SELECT id FROM hookline.replay
                    WHERE status = 'running'
                      AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until <= ?)
                    ORDER BY claimed_by IS NOT DISTINCT FROM ? DESC, created_at
                    LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, retry""";
  private static final String QUEUED_BATCH = """
      SELECT i.delivery_id
        FROM hookline.replay_item i JOIN hookline.delivery d ON d.id = i.delivery_id
       WHERE i.replay_id = ? AND i.state = 'queued' AND d.status <> 'sending'
       ORDER BY i.delivery_id
       LIMIT ? FOR UPDATE OF i, d SKIP LOCKED""";
  private static final String MARK_DONE = """
      UPDATE hookline.replay_item SET state = 'done'
       WHERE replay_id = ? AND delivery_id = ANY (?) AND state = 'queued'""";
  private static final String START_WAITING = """
      UPDATE hookline.replay_item i SET waiting_since = ?
        FROM hookline.delivery d
       WHERE i.replay_id = ? AND i.state = 'queued' AND i.waiting_since IS NULL
         AND d.id = i.delivery_id AND d.status = 'sending'""";
  private static final String FAIL_OVERDUE = """
      UPDATE hookline.replay_item i SET state = 'failed'
        FROM hookline.delivery d
       WHERE i.replay_id = ? AND i.state = 'queued' AND i.waiting_since <= ?
         AND d.id = i.delivery_id AND d.status = 'sending'""";
  private static final String COUNT = """
      UPDATE hookline.replay SET done = done + ?, failed = failed + ? WHERE id = ?""";
  private static final String FINISH = """
      UPDATE hookline.replay
         SET status = 'done', finished_at = ?, claimed_by = NULL, claimed_until = NULL
       WHERE id = ? AND status = 'running'
         AND NOT EXISTS (SELECT 1 FROM hookline.replay_item WHERE replay_id = ? AND state = 'queued')""";

  private final TransactionOperations<Connection> transactions;
  private final Clock clock;
  private final ReplayConfig config;
  private final Counter replayed;
  private final Counter failed;
  private final DeliveriesDue due;

  ReplayJobs(TransactionOperations<Connection> transactions, Clock clock, ReplayConfig config,
      MeterRegistry registry, DeliveriesDue due) {
    this.due = due;
    this.transactions = transactions;
    this.clock = clock;
    this.config = config;
    this.replayed = items(registry, "done");
    this.failed = items(registry, "failed");
  }

  private static Counter items(MeterRegistry registry, String state) {
    return Counter.builder("hookline.replay.items").tag("state", state)
        .description("Bulk replay items settled: moved to replay, or failed").register(registry);
  }

  private record Job(String id, boolean retry) {}

  /**
   * One step of the runner named {@code runner}: continues its own job or claims a free one, and
   * settles at most {@code max} items. Answers how many items it settled (moved or failed); 0
   * when there was nothing to do.
   */
  public int step(String runner, int max) {
    Instant now = clock.instant();
    int[] settled = new int[2];
    int total = transactions.executeWrite(status -> {
      Connection connection = status.getConnection();
      Job job = claim(connection, runner, now);
      if (job == null) {
        return 0;
      }
      List<Long> batch = queuedBatch(connection, job.id(), max);
      List<Long> moved = batch.isEmpty() ? List.of()
          : MoveToReplay.move(connection, batch, job.retry(), now);
      markDone(connection, job.id(), moved);
      int failed = 0;
      if (batch.size() < max) {
        // Only items that are waiting for an attempt in flight (or locked by a parallel step)
        // can be left: settle the overdue ones and finish the job when none is left.
        failed = failOverdue(connection, job.id(), now);
      }
      update(connection, COUNT, moved.size(), failed, job.id());
      if (batch.size() < max) {
        update(connection, FINISH, at(now), job.id(), job.id());
      }
      settled[0] = moved.size();
      settled[1] = failed;
      return moved.size() + failed;
    });
    // Counted once committed: a rolled-back step settled nothing.
    replayed.increment(settled[0]);
    if (settled[0] > 0) {
      due.signal();
    }
    this.failed.increment(settled[1]);
    return total;
  }

  private Job claim(Connection connection, String runner, Instant now) throws SQLException {
    try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
      claim.setString(1, runner);
      claim.setObject(2, at(now.plus(config.lease())));
      claim.setString(3, runner);
      claim.setObject(4, at(now));
      claim.setString(5, runner);
      try (ResultSet row = claim.executeQuery()) {
        return row.next() ? new Job(row.getString(1), row.getBoolean(2)) : null;
      }
    }
  }

  private static List<Long> queuedBatch(Connection connection, String job, int max)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(QUEUED_BATCH)) {
      select.setString(1, job);
      select.setInt(2, max);
      List<Long> ids = new ArrayList<>(max);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      return ids;
    }
  }

  private static void markDone(Connection connection, String job, List<Long> moved)
      throws SQLException {
    if (!moved.isEmpty()) {
      update(connection, MARK_DONE, job, connection.createArrayOf("bigint", moved.toArray()));
    }
  }

  private int failOverdue(Connection connection, String job, Instant now) throws SQLException {
    update(connection, START_WAITING, at(now), job);
    return update(connection, FAIL_OVERDUE, job, at(now.minus(config.sendingWait())));
  }

  private static int update(Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      return statement.executeUpdate();
    }
  }

  private static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
