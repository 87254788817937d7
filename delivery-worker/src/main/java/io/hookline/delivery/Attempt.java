package io.hookline.delivery;

import io.hookline.send.Exchange;
import java.time.Instant;

/**
 * One HTTP attempt as the attempt row keeps it.
 *
 * @param at when it started (the injected clock)
 * @param durationMs how long it took
 * @param statusCode the answer's status, or null when there was none
 * @param error what went wrong when there was no answer, else null
 * @param response the first 4 KiB of the answer's body as text, or null
 */
public record Attempt(Instant at, int durationMs, Integer statusCode, String error,
    String response) {

  static Attempt of(Exchange exchange, Instant at, long durationNanos) {
    int ms = (int) Math.min(Integer.MAX_VALUE, durationNanos / 1_000_000);
    return switch (exchange) {
      case Exchange.Answered a -> new Attempt(at, ms, a.status(), null, a.excerpt());
      case Exchange.Unanswered u -> new Attempt(at, ms, null, u.error(), null);
    };
  }
}
