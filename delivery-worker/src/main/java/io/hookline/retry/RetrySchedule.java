package io.hookline.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: a pure function of the attempt's place in the schedule,
 * the time, the receiver's Retry-After and a random number. The state (schedule_step,
 * next_attempt_at) lives in the delivery row, never here.
 */
public final class RetrySchedule {
  private final List<Duration> steps;
  private final double jitter;
  private final Duration maxRetryAfter;

  /**
   * @param steps the delay after the 1st, 2nd, … failed attempt (N steps: 1 + N attempts)
   * @param jitter each delay moves by a uniform ± this fraction of itself (0: exact)
   * @param maxRetryAfter the longest Retry-After that is honoured
   */
  public RetrySchedule(List<Duration> steps, double jitter, Duration maxRetryAfter) {
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
    }
    this.steps = List.copyOf(steps);
    this.jitter = jitter;
    this.maxRetryAfter = maxRetryAfter;
  }

  /**
   * When to try again after a failed attempt.
   *
   * @param step attempts made before the failed one since creation or the last replay
   * @param now when the failed attempt ended
   * @param retryAfter what the receiver asked for, or null
   * @param random a uniform number in [0, 1) for the jitter
   * @return the next attempt's time, or empty when the schedule is used up
   */
  public Optional<Instant> next(int step, Instant now, Duration retryAfter, DoubleSupplier random) {
    if (step < 0 || step >= steps.size()) {
      return Optional.empty();
    }
    Duration delay = jittered(steps.get(step), random.getAsDouble());
    if (retryAfter != null) {
      Duration asked = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
      if (asked.compareTo(delay) > 0) {
        delay = asked;
      }
    }
    return Optional.of(now.plus(delay));
  }

  /** The step's delay moved by (2u - 1) × jitter of itself, in whole milliseconds. */
  Duration jittered(Duration base, double u) {
    if (jitter == 0) {
      return base;
    }
    double factor = 1 + jitter * (2 * u - 1);
    return Duration.ofMillis(Math.round(base.toMillis() * factor));
  }

  public int attemptsAllowed() {
    return steps.size() + 1;
  }
}
