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
 * @param backlogWait while a backlog lasts, how long a batch waits for room in this process's
 *     worker, to be handed over to it, before it is written pending for any worker's claim
 */
@ConfigurationProperties("hookline.outbox")
public record OutboxSettings(
    @Bindable(defaultValue = "1s") Duration pollInterval,
    @Bindable(defaultValue = "500") int batchSize,
    @Bindable(defaultValue = "2") int parallelism,
    @Bindable(defaultValue = "100ms") Duration backlogWait) {

  public OutboxSettings {
    if (batchSize < 1 || parallelism < 1 || backlogWait.isNegative()) {
      throw new IllegalArgumentException("hookline.outbox: batch-size and parallelism must be"
          + " positive, backlog-wait not negative");
    }
  }
}
