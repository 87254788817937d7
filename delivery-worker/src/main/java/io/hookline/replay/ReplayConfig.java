package io.hookline.replay;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How bulk replays run (hookline.replay.*).
 *
 * @param rate deliveries per second one worker process moves back to pending; bounds the burst a
 *     large replay puts on receivers and on the delivery queue
 * @param batchSize deliveries moved per transaction (never more than one second's worth)
 * @param lease how long a runner owns a job after its last step; a runner that died loses the
 *     job to another one after this
 * @param sendingWait how long an item waits for its delivery's attempt in flight to end before it
 *     counts as failed
 * @param maxDeliveries the most deliveries one replay may match; more is refused (narrow the
 *     filter)
 */
@ConfigurationProperties("hookline.replay")
public record ReplayConfig(
    @Bindable(defaultValue = "500") int rate,
    @Bindable(defaultValue = "100") int batchSize,
    @Bindable(defaultValue = "60s") Duration lease,
    @Bindable(defaultValue = "10m") Duration sendingWait,
    @Bindable(defaultValue = "1000000") int maxDeliveries) {

  public ReplayConfig {
    if (rate < 1 || batchSize < 1 || maxDeliveries < 1) {
      throw new IllegalArgumentException(
          "hookline.replay.rate, batch-size and max-deliveries must be at least 1");
    }
  }

  /** Deliveries per step: a batch never holds more than one second's worth of the rate. */
  public int stepSize() {
    return Math.min(batchSize, rate);
  }
}
