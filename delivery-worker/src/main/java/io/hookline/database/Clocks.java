package io.hookline.database;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The one clock every component reads time from; tests replace it with one they move by hand. */
@Factory
final class Clocks {
  @Singleton
  @Secondary
  Clock clock() {
    return Clock.systemUTC();
  }
}
