package io.hookline.delivery;

import io.hookline.database.QueuePlans;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.retry.annotation.Retryable;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transaction per batch of finished attempts: the guarded delivery updates and attempt rows,
 * then endpoint health. A database hiccup is retried briefly; if it persists the claims simply
 * expire and the sweeper sends those deliveries again (at least once).
 */
@Singleton
class WriteOutcomes {
  private static final Logger LOG = LoggerFactory.getLogger(WriteOutcomes.class);

  private final DataSource dataSource;
  private final Duration disableAfter;

  WriteOutcomes(DataSource dataSource, DataSourceResolver resolver, DeliverySettings settings) {
    this.dataSource = resolver.resolve(dataSource);
    this.disableAfter = settings.disableAfter();
  }

  /** Answers the ids of the deliveries recorded (those still claimed by this worker). */
  @Retryable(attempts = "3", delay = "200ms", includes = SQLException.class)
  public Set<Long> write(String workerId, List<Recorded> batch, Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        QueuePlans.byIndex(connection);
        Set<Long> moved = new HashSet<>(RecordOutcomes.record(connection, workerId, batch, now));
        List<Recorded> recorded = batch.stream()
            .filter(r -> moved.contains(r.delivery().id())).toList();
        List<String> disabled = EndpointHealth.apply(connection, recorded, now, disableAfter);
        connection.commit();
        if (!disabled.isEmpty()) {
          LOG.warn("Disabled webhooks {}: their endpoints are gone or keep failing", disabled);
        }
        if (moved.size() < batch.size()) {
          LOG.warn("{} outcomes not recorded: their claims had expired and were taken over",
              batch.size() - moved.size());
        }
        return moved;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }
}
