package io.hookline.retention;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Purges old history in worker processes every {@code hookline.retention.interval}. */
@Singleton
@Requires(property = "hookline.worker.enabled", notEquals = "false")
final class RetentionLoop {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionLoop.class);

  private final Retention retention;

  RetentionLoop(Retention retention) {
    this.retention = retention;
  }

  @Scheduled(initialDelay = "1m", fixedDelay = "${hookline.retention.interval:1h}")
  void purge() {
    try {
      Retention.Purged purged = retention.purge();
      if (purged.total() > 0) {
        LOG.info("Retention deleted {}", purged);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Retention purge failed; trying again at the next interval", e);
    }
  }
}
