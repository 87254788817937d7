package io.hookline.claim;

import static io.hookline.claim.ClaimDueDeliveries.utc;

import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The sweeper: a claim whose lease ran out belongs to a worker that died or lost its database
 * connection mid-attempt. Its row goes back to 'pending' (its next_attempt_at, already past,
 * unchanged) so that any worker sends it at once; the dead worker's late write, if any, no
 * longer matches the guard.
 */
@Singleton
public final class ExpiredLeases {
  private static final String SWEEP = """
      WITH expired AS MATERIALIZED (
          SELECT id FROM hookline.delivery
           WHERE status = 'sending' AND claimed_until < ?
           ORDER BY claimed_until
           LIMIT 1000
             FOR UPDATE SKIP LOCKED
      )
      UPDATE hookline.delivery
         SET status = 'pending', claimed_by = NULL, claimed_until = NULL, updated_at = ?
       WHERE id IN (SELECT id FROM expired)
      """;

  private final DataSource dataSource;

  ExpiredLeases(DataSource dataSource, DataSourceResolver resolver) {
    this.dataSource = resolver.resolve(dataSource);
  }

  /** Returns up to 1000 expired claims to 'pending'; answers how many. */
  public int sweep(Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement sweep = connection.prepareStatement(SWEEP)) {
      connection.setAutoCommit(true);
      sweep.setObject(1, utc(now));
      sweep.setObject(2, utc(now));
      return sweep.executeUpdate();
    }
  }
}
