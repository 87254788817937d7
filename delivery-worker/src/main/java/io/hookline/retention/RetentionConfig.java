package io.hookline.retention;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How long history is kept (hookline.retention.*).
 *
 * @param period attempts older than this are deleted, and so are deliveries that reached a final
 *     state (delivered, failed, dropped) longer ago, with their events once no delivery is left
 * @param interval how often a worker process looks for rows to delete
 * @param batchSize rows deleted per statement, so that a purge never holds many locks for long
 */
@ConfigurationProperties("hookline.retention")
public record RetentionConfig(
    @Bindable(defaultValue = "30d") Duration period,
    @Bindable(defaultValue = "1h") Duration interval,
    @Bindable(defaultValue = "1000") int batchSize) {

  public RetentionConfig {
    if (period.isNegative() || period.isZero() || batchSize < 1) {
      throw new IllegalArgumentException(
          "hookline.retention.period must be positive and batch-size at least 1");
    }
  }
}
