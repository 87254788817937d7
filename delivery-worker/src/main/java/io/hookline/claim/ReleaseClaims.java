package io.hookline.claim;

import static io.hookline.claim.ClaimDueDeliveries.utc;

import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import javax.sql.DataSource;

/**
 * Hands claimed deliveries back without an attempt: ones whose host is at its concurrency cap
 * (due again shortly, so they do not hold up deliveries to other hosts), and, on shutdown, ones
 * still in flight (due at once, for another worker). Guarded like every write of a claim.
 */
@Singleton
public final class ReleaseClaims {
  private static final String RELEASE = """
      UPDATE hookline.delivery
         SET status = 'pending', claimed_by = NULL, claimed_until = NULL,
             next_attempt_at = COALESCE(?, next_attempt_at), updated_at = ?
       WHERE id = ANY (?) AND claimed_by = ? AND status = 'sending'
      """;

  private final DataSource dataSource;

  ReleaseClaims(DataSource dataSource, DataSourceResolver resolver) {
    this.dataSource = resolver.resolve(dataSource);
  }

  /**
   * @param dueAt when the released rows are due again, or null to keep their time (already due)
   * @return how many rows were still this worker's and went back
   */
  public int release(String workerId, Collection<Long> ids, Instant dueAt, Instant now)
      throws SQLException {
    if (ids.isEmpty()) {
      return 0;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement release = connection.prepareStatement(RELEASE)) {
      connection.setAutoCommit(true);
      if (dueAt == null) {
        release.setNull(1, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        release.setObject(1, utc(dueAt));
      }
      release.setObject(2, utc(now));
      release.setArray(3, connection.createArrayOf("bigint", ids.toArray(Long[]::new)));
      release.setString(4, workerId);
      return release.executeUpdate();
    }
  }
}
