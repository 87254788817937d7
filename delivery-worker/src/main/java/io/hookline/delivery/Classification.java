package io.hookline.delivery;

import io.hookline.delivery.Outcome.Delivered;
import io.hookline.delivery.Outcome.Drop;
import io.hookline.delivery.Outcome.Fail;
import io.hookline.delivery.Outcome.RetryAt;
import io.hookline.retry.RetryAfter;
import io.hookline.retry.RetrySchedule;
import io.hookline.send.Exchange;
import io.hookline.send.Exchange.Answered;
import io.hookline.send.Exchange.Failure;
import io.hookline.send.Exchange.Unanswered;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The one place that decides whether a failure is worth retrying: 2xx is delivered; 408, 429,
 * 5xx and every failure to get an answer (timeout, refused or broken connection, DNS) are
 * retried on the schedule; 410 Gone is dropped and disables the webhook; any other status (3xx
 * included: redirects are never followed) and a refused target are dropped at once.
 */
public final class Classification {
  private final RetrySchedule schedule;
  private final DoubleSupplier random;

  public Classification(RetrySchedule schedule) {
    this(schedule, () -> ThreadLocalRandom.current().nextDouble());
  }

  Classification(RetrySchedule schedule, DoubleSupplier random) {
    this.schedule = schedule;
    this.random = random;
  }

  /**
   * @param step attempts made before this one since creation or the last replay
   * @param retry whether failures of this delivery are retried at all
   * @param now when the attempt ended
   */
  public Outcome classify(Exchange exchange, int step, boolean retry, Instant now) {
    return switch (exchange) {
      case Answered a when a.status() >= 200 && a.status() < 300 -> new Delivered();
      case Answered a when a.status() == 410 ->
          new Drop("HTTP 410 Gone: the endpoint is gone, the webhook is disabled", true);
      case Answered a when a.status() == 408 || a.status() == 429
          || (a.status() >= 500 && a.status() < 600) ->
          retry(step, retry, now, RetryAfter.parse(a.retryAfter(), now), "HTTP " + a.status());
      case Answered a -> new Drop("HTTP " + a.status() + ": not retried", false);
      case Unanswered u when u.failure() == Failure.TARGET_REFUSED
          || u.failure() == Failure.INVALID_REQUEST -> new Drop(u.error(), false);
      case Unanswered u -> retry(step, retry, now, null, u.error());
    };
  }

  private Outcome retry(int step, boolean retry, Instant now, Duration retryAfter, String why) {
    if (!retry) {
      return new Fail("not retried (replayed without retry): " + why);
    }
    return schedule.next(step, now, retryAfter, random)
        .<Outcome>map(RetryAt::new)
        .orElseGet(() -> new Fail("retries exhausted after " + schedule.attemptsAllowed()
            + " attempts: " + why));
  }
}
