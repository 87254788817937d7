package io.hookline.delivery;

import java.time.Instant;

/** What an attempt means for its delivery; decided in one place, {@link Classification}. */
public sealed interface Outcome {

  /** A 2xx: done. */
  record Delivered() implements Outcome {}

  /** A transient failure: try again at {@code at}. */
  record RetryAt(Instant at) implements Outcome {}

  /** A transient failure with no retry left (schedule used up, or a replay without retry). */
  record Fail(String reason) implements Outcome {}

  /**
   * A permanent failure, or a delivery that must not be sent: never retried.
   *
   * @param disableWebhook whether the webhook is disabled too (the endpoint answered 410 Gone)
   */
  record Drop(String reason, boolean disableWebhook) implements Outcome {}

  /** The delivery's status afterwards. */
  default String status() {
    return switch (this) {
      case Delivered d -> "delivered";
      case RetryAt r -> "pending";
      case Fail f -> "failed";
      case Drop d -> "dropped";
    };
  }

  /** The attempt row's outcome. */
  default String attemptOutcome() {
    return switch (this) {
      case Delivered d -> "delivered";
      case RetryAt r -> "retry";
      case Fail f -> "failed";
      case Drop d -> "dropped";
    };
  }
}
