package io.hookline.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void seconds() {
    assertThat(RetryAfter.parse("120", NOW)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", NOW)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("99999999999999999999999", NOW)).isGreaterThan(
        Duration.ofDays(365 * 100));
  }

  @Test
  void httpDates() {
    assertThat(RetryAfter.parse("Sun, 22 Nov 2026 10:05:00 GMT", NOW))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(RetryAfter.parse("Sun, 22 Nov 2026 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "-5", "1.5", "22 Nov 2026"})
  void unreadableMeansNone(String header) {
    assertThat(RetryAfter.parse(header, NOW)).isNull();
  }

  @Test
  void absentMeansNone() {
    assertThat(RetryAfter.parse(null, NOW)).isNull();
  }
}
