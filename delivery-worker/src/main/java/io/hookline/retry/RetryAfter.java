package io.hookline.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * @return how long the receiver asked to wait from {@code now}, or null when the header is
   *     absent or unreadable (then the schedule alone decides); a date in the past gives zero
   */
  public static Duration parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    if (value.chars().allMatch(Character::isDigit)) {
      // Anything beyond 19 digits is absurd; the cap applies to it anyway.
      return value.length() > 18 ? Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L)
          : Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
