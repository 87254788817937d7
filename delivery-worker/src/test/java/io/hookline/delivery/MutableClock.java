package io.hookline.delivery;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** The clock tests move by hand (only where hookline.test.clock=mutable). */
@Singleton
@Replaces(Clock.class)
@Requires(property = "hookline.test.clock", value = "mutable")
public class MutableClock extends Clock {
  public static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private final AtomicReference<Instant> now = new AtomicReference<>(START);

  public void set(Instant instant) {
    now.set(instant);
  }

  public Instant advance(Duration duration) {
    return now.updateAndGet(t -> t.plus(duration));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
