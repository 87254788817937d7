package io.hookline.outbox;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The outbox relay ({@code hookline.outbox}). LISTEN/NOTIFY wakes it within milliseconds of a
 * commit; the poll interval is only the backstop for a lost notification or a broken LISTEN
 * connection.
 *
 * @param parallelism transactions one process relays at once while a backlog lasts (a full
 *     batch was claimed); one when the outbox is caught up
 */
@ConfigurationProperties("hookline.outbox")
public record OutboxSettings(
    @Bindable(defaultValue = "1s") Duration pollInterval,
    @Bindable(defaultValue = "500") int batchSize,
    @Bindable(defaultValue = "2") int parallelism) {

  public OutboxSettings {
    if (batchSize < 1 || parallelism < 1) {
      throw new IllegalArgumentException("hookline.outbox: batch-size and parallelism must be"
          + " positive");
    }
  }
}
