package io.hookline.replay;

import io.hookline.delivery.DeliveriesDue;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;

/**
 * Replays one delivery at once ({@code POST /deliveries/{id}/replay}). The row is locked first so
 * that "being sent right now" (409) and "no such delivery" (404) are told apart reliably.
 */
@Singleton
final class ReplayDelivery {
  private static final String LOCK = """
      SELECT status FROM hookline.delivery WHERE id = ? AND (?::text IS NULL OR tenant_id = ?)
         FOR UPDATE""";

  private final TransactionOperations<Connection> transactions;
  private final Clock clock;
  private final DeliveriesDue due;

  ReplayDelivery(TransactionOperations<Connection> transactions, Clock clock, DeliveriesDue due) {
    this.transactions = transactions;
    this.due = due;
    this.clock = clock;
  }

  /** Moves the delivery (of the tenant, when one is given) to replay. */
  void replay(long id, @Nullable String tenant, boolean retry) {
    transactions.executeWrite(status -> {
      Connection connection = status.getConnection();
      try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
        lock.setLong(1, id);
        lock.setString(2, tenant);
        lock.setString(3, tenant);
        try (ResultSet row = lock.executeQuery()) {
          if (!row.next()) {
            throw ProblemException.notFound("Delivery");
          }
          if (row.getString(1).equals("sending")) {
            throw new ProblemException(HttpStatus.CONFLICT,
                "The delivery is being sent right now; replay it once this attempt has ended");
          }
        }
      }
      return MoveToReplay.move(connection, List.of(id), retry, clock.instant());
    });
    due.signal();
  }
}
