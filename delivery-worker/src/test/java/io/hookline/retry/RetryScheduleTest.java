package io.hookline.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final List<Duration> STEPS = List.of(Duration.ofSeconds(5),
      Duration.ofMinutes(5), Duration.ofMinutes(30));

  @Test
  void nStepsMeanOnePlusNAttempts() {
    RetrySchedule schedule = new RetrySchedule(STEPS, 0, Duration.ofHours(1));
    assertThat(schedule.next(0, NOW, null, () -> 0.5)).contains(NOW.plusSeconds(5));
    assertThat(schedule.next(1, NOW, null, () -> 0.5)).contains(NOW.plusSeconds(300));
    assertThat(schedule.next(2, NOW, null, () -> 0.5)).contains(NOW.plusSeconds(1800));
    assertThat(schedule.next(3, NOW, null, () -> 0.5)).isEmpty();
    assertThat(schedule.attemptsAllowed()).isEqualTo(4);
    assertThat(new RetrySchedule(List.of(), 0, Duration.ofHours(1)).next(0, NOW, null, () -> 0))
        .isEmpty();
  }

  @Test
  void jitterStaysWithinItsFraction() {
    RetrySchedule schedule = new RetrySchedule(STEPS, 0.2, Duration.ofHours(1));
    Duration base = Duration.ofMinutes(5);
    assertThat(schedule.jittered(base, 0)).isEqualTo(Duration.ofSeconds(240));
    assertThat(schedule.jittered(base, 0.5)).isEqualTo(base);
    assertThat(schedule.jittered(base, 0.999_999)).isBetween(Duration.ofMillis(359_999),
        Duration.ofSeconds(360));
    Random random = new Random(42);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long ms = Duration.between(NOW, schedule.next(1, NOW, null, random::nextDouble)
          .orElseThrow()).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertThat(min).isBetween(240_000L, 250_000L);
    assertThat(max).isBetween(350_000L, 360_000L);
  }

  @Test
  void retryAfterWinsWhenLaterUpToTheCap() {
    RetrySchedule schedule = new RetrySchedule(STEPS, 0, Duration.ofHours(1));
    assertThat(schedule.next(0, NOW, Duration.ofSeconds(2), () -> 0)).contains(NOW.plusSeconds(5));
    assertThat(schedule.next(0, NOW, Duration.ofSeconds(90), () -> 0))
        .contains(NOW.plusSeconds(90));
    assertThat(schedule.next(0, NOW, Duration.ofHours(5), () -> 0)).contains(NOW.plusSeconds(3600));
    // A cap below the schedule never shortens it.
    assertThat(schedule.next(2, NOW, Duration.ofHours(5), () -> 0))
        .contains(NOW.plusSeconds(3600));
    assertThat(schedule.next(3, NOW, Duration.ofHours(5), () -> 0)).isEmpty();
  }
}
