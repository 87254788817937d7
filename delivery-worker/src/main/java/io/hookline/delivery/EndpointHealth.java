package io.hookline.delivery;

import io.hookline.delivery.Outcome.Delivered;
import io.hookline.delivery.Outcome.Drop;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps webhook.failing_since (set by the first failed attempt after a success, cleared by any
 * success) and disables a webhook whose attempts have all failed for {@code disable-after}, or
 * whose endpoint answered 410 Gone; its pending deliveries are then dropped ('webhook
 * disabled'). Runs in the transaction that records the attempts.
 */
final class EndpointHealth {
  private static final String RECOVERED = """
      UPDATE hookline.webhook SET failing_since = NULL
       WHERE id = ANY (?) AND failing_since IS NOT NULL
      """;
  private static final String FAILING = """
      UPDATE hookline.webhook SET failing_since = ?
       WHERE id = ANY (?) AND failing_since IS NULL
      """;
  private static final String DISABLE = """
      UPDATE hookline.webhook
         SET enabled = false, disabled_at = ?, updated_at = ?,
             disabled_reason = CASE WHEN id = ANY (?) THEN 'the endpoint answered 410 Gone'
                 ELSE 'every delivery attempt failed since '
                      || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END
       WHERE enabled AND deleted_at IS NULL
         AND (id = ANY (?) OR (id = ANY (?) AND failing_since <= ?))
      RETURNING id
      """;
  private static final String DROP_PENDING = """
      UPDATE hookline.delivery
         SET status = 'dropped', reason = 'webhook disabled', next_attempt_at = NULL,
             updated_at = ?
       WHERE webhook_id = ANY (?) AND status = 'pending'
      """;

  private EndpointHealth() {}

  /** Answers the webhooks it disabled. */
  static List<String> apply(Connection connection, List<Recorded> recorded, Instant now,
      Duration disableAfter) throws SQLException {
    Set<String> succeeded = new HashSet<>();
    Set<String> failed = new HashSet<>();
    Set<String> gone = new HashSet<>();
    for (Recorded r : recorded) {
      String webhook = r.delivery().webhook().id();
      if (r.outcome() instanceof Delivered) {
        succeeded.add(webhook);
      } else if (r.attempt() != null) {
        failed.add(webhook);
      }
      if (r.outcome() instanceof Drop drop && drop.disableWebhook()) {
        gone.add(webhook);
      }
    }
    failed.removeAll(succeeded);
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    update(connection, RECOVERED, statement -> statement.setArray(1, texts(connection, succeeded)),
        !succeeded.isEmpty());
    update(connection, FAILING, statement -> {
      statement.setObject(1, at);
      statement.setArray(2, texts(connection, failed));
    }, !failed.isEmpty());
    if (failed.isEmpty() && gone.isEmpty()) {
      return List.of();
    }
    List<String> disabled = new ArrayList<>();
    try (PreparedStatement disable = connection.prepareStatement(DISABLE)) {
      disable.setObject(1, at);
      disable.setObject(2, at);
      disable.setArray(3, texts(connection, gone));
      disable.setArray(4, texts(connection, gone));
      disable.setArray(5, texts(connection, failed));
      disable.setObject(6, OffsetDateTime.ofInstant(now.minus(disableAfter), ZoneOffset.UTC));
      try (ResultSet rows = disable.executeQuery()) {
        while (rows.next()) {
          disabled.add(rows.getString(1));
        }
      }
    }
    update(connection, DROP_PENDING, statement -> {
      statement.setObject(1, at);
      statement.setArray(2, texts(connection, disabled));
    }, !disabled.isEmpty());
    return disabled;
  }

  private static java.sql.Array texts(Connection connection, java.util.Collection<String> values)
      throws SQLException {
    return connection.createArrayOf("text", values.toArray(String[]::new));
  }

  private static void update(Connection connection, String sql, Binder binder, boolean needed)
      throws SQLException {
    if (!needed) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      statement.executeUpdate();
    }
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }
}
