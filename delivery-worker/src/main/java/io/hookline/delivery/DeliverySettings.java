package io.hookline.delivery;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * The delivery engine's settings ({@code hookline.delivery.*}). Every key has its default here so
 * that a worker-only process needs no configuration file; app's application.yml repeats them
 * with a comment each. TargetPolicy reads {@code allow-private-targets} and
 * {@code allowed-networks} of the same section itself.
 *
 * @param timeout the whole attempt: resolving, connecting, sending and reading the answer
 * @param retrySchedule the delays after the 1st, 2nd, … failed attempt; N steps = 1 + N attempts
 * @param retryJitter each delay is moved by up to ± this fraction (0 turns jitter off)
 * @param maxRetryAfter a receiver's Retry-After is honoured up to this long
 * @param maxInFlight deliveries this process holds at once (attempts running, deliveries waiting
 *     for a slot to their host, outcomes waiting to be written); it claims no more than are free
 * @param maxPerHost attempts to one host at once; more for that host wait in the database
 * @param hostBusyDelay how long a claimed delivery may wait in the worker for a slot to its host
 *     before it is handed back to the queue (due as it was); must be well under lease-margin.
 *     A tenth of it when every slot of the host is busy and none of its attempts ended meanwhile
 * @param batchSize the most deliveries one claim statement takes
 * @param pollInterval how often an idle worker looks for due deliveries
 * @param leaseMargin a claim lasts timeout + this, then the sweeper may hand it to another worker
 * @param disableAfter a webhook whose attempts have all failed for this long is disabled
 * @param shutdownGrace on shutdown, how long attempts in flight may finish before release
 * @param queueMetricsInterval how often the due-queue gauges are refreshed from the database
 */
@ConfigurationProperties("hookline.delivery")
public record DeliverySettings(
    @Bindable(defaultValue = "60s") Duration timeout,
    @Bindable(defaultValue = "5s,5m,30m,2h,5h,10h,14h,20h,24h") List<Duration> retrySchedule,
    @Bindable(defaultValue = "0.2") double retryJitter,
    @Bindable(defaultValue = "1h") Duration maxRetryAfter,
    @Bindable(defaultValue = "2048") int maxInFlight,
    @Bindable(defaultValue = "64") int maxPerHost,
    @Bindable(defaultValue = "5s") Duration hostBusyDelay,
    @Bindable(defaultValue = "500") int batchSize,
    @Bindable(defaultValue = "250ms") Duration pollInterval,
    @Bindable(defaultValue = "30s") Duration leaseMargin,
    @Bindable(defaultValue = "5d") Duration disableAfter,
    @Bindable(defaultValue = "10s") Duration shutdownGrace,
    @Bindable(defaultValue = "15s") Duration queueMetricsInterval) {

  public DeliverySettings {
    retrySchedule = retrySchedule == null ? List.of() : List.copyOf(retrySchedule);
    require(timeout.isPositive(), "timeout must be positive");
    require(retrySchedule.stream().noneMatch(Duration::isNegative),
        "retry-schedule steps must not be negative");
    require(retryJitter >= 0 && retryJitter < 1, "retry-jitter must be in [0, 1)");
    require(maxInFlight > 0 && maxPerHost > 0 && batchSize > 0,
        "max-in-flight, max-per-host and batch-size must be positive");
    require(hostBusyDelay.compareTo(leaseMargin.dividedBy(2)) <= 0,
        "host-busy-delay must be at most half of lease-margin (waiting eats into the lease)");
  }

  /** How long a claim lasts: the whole attempt plus time to record its outcome. */
  public Duration lease() {
    return timeout.plus(leaseMargin);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("hookline.delivery: " + message);
    }
  }
}
