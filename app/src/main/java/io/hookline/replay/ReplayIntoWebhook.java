package io.hookline.replay;

import io.hookline.delivery.DeliveryFilter;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Sends a tenant's past events to one webhook (a new one, or one that was disabled while they
 * happened): for each event created in the window whose name the webhook's pattern matches, and
 * each of the webhook's destinations that has no delivery of it yet, it creates the delivery fan-out
 * would have made and queues it in a replay job, all in one transaction. The new deliveries are
 * not due (no next_attempt_at) until the job moves them, so the rate limit holds for them too.
 */
@Singleton
final class ReplayIntoWebhook {
  private static final String WEBHOOK = """
      SELECT tenant_id, enabled FROM hookline.webhook WHERE id = ? AND deleted_at IS NULL""";
  // The webhook patterns of the contract: a name, name.* (names below it), or *.
  private static final String MISSING = """
        FROM hookline.webhook w
        JOIN hookline.destination t ON t.webhook_id = w.id AND t.removed_at IS NULL
        JOIN hookline.event e ON e.tenant_id = w.tenant_id
       WHERE w.id = ? AND e.created_at >= ? AND e.created_at < coalesce(?::timestamptz, 'infinity')
         AND (w.event = '*' OR e.event = w.event
              OR (right(w.event, 2) = '.*' AND starts_with(e.event, left(w.event, -1))))
         AND NOT EXISTS (SELECT 1 FROM hookline.delivery x
                          WHERE x.event_pk = e.pk AND x.destination_id = t.id)""";
  private static final String COUNT = "SELECT count(*) " + MISSING;
  private static final String CREATE = """
      WITH created AS (
        INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id, url,
            host, status, attempt_count, schedule_step, retry, next_trigger, next_attempt_at,
            created_at, updated_at)
        SELECT e.tenant_id, e.pk, w.id, t.id, t.url, t.host, 'pending', 0, 0, ?, 'replay', NULL,
               ?, ?
        %s
         ORDER BY e.pk, t.position LIMIT ?
           -- the events and destinations stay until this commits: retention may be deleting
           -- an event that has no delivery yet (V11: no foreign key checks this any more)
           FOR KEY SHARE OF e, t
        RETURNING id)
      INSERT INTO hookline.replay_item (replay_id, delivery_id) SELECT ?, id FROM created"""
      .formatted(MISSING);

  private final DataSource dataSource;
  private final TransactionOperations<Connection> transactions;
  private final ReplayJobRows jobs;
  private final ReplayConfig config;
  private final Clock clock;

  ReplayIntoWebhook(DataSource dataSource, DataSourceResolver resolver,
      TransactionOperations<Connection> transactions, ReplayJobRows jobs, ReplayConfig config,
      Clock clock) {
    this.dataSource = resolver.resolve(dataSource);
    this.transactions = transactions;
    this.jobs = jobs;
    this.config = config;
    this.clock = clock;
  }

  /**
   * The tenant of a webhook the caller may replay into: 404 when it does not exist, was deleted or
   * is another tenant's (a tenant caller passes its own id); 409 when it is disabled, since the
   * worker would drop every delivery made to it.
   */
  String tenantOf(String webhook, @Nullable String caller) throws SQLException {
    if (!DeliveryFilter.plausible(webhook)) {
      throw ProblemException.notFound("Webhook");
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement find = connection.prepareStatement(WEBHOOK)) {
      find.setString(1, webhook);
      try (ResultSet row = find.executeQuery()) {
        if (!row.next() || (caller != null && !caller.equals(row.getString(1)))) {
          throw ProblemException.notFound("Webhook");
        }
        if (!row.getBoolean(2)) {
          throw new ProblemException(HttpStatus.CONFLICT,
              "The webhook is disabled: enable it before sending events to it");
        }
        return row.getString(1);
      }
    }
  }

  /** How many deliveries a run would create and send (a dry run). */
  long count(String webhook, Instant since, @Nullable Instant until) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement count = connection.prepareStatement(COUNT)) {
      window(count, 1, webhook, since, until);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** Creates the missing deliveries and the job that sends them; answers the job's id. */
  String start(String tenant, String webhook, Instant since, @Nullable Instant until,
      ReplayRequest.Filter asked, boolean retry) {
    Instant now = clock.instant();
    return transactions.executeWrite(status -> {
      Connection connection = status.getConnection();
      String id = jobs.insert(connection, tenant, asked, retry, now);
      int created;
      try (PreparedStatement create = connection.prepareStatement(CREATE)) {
        create.setBoolean(1, retry);
        create.setObject(2, DeliveryFilter.at(now));
        create.setObject(3, DeliveryFilter.at(now));
        window(create, 4, webhook, since, until);
        create.setInt(7, config.maxDeliveries() + 1);
        create.setString(8, id);
        created = create.executeUpdate();
      }
      StartReplay.refuseAboveCap(created, config, "fromEvents");
      jobs.settle(connection, id, created, now);
      return id;
    });
  }

  private static void window(PreparedStatement statement, int first, String webhook,
      Instant since, @Nullable Instant until) throws SQLException {
    statement.setString(first, webhook);
    statement.setObject(first + 1, DeliveryFilter.at(since));
    statement.setObject(first + 2, until == null ? null : DeliveryFilter.at(until));
  }
}
