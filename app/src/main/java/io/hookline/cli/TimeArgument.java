package io.hookline.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --since}/{@code --until}: an ISO-8601 timestamp (2026-01-31T09:00:00Z), a date (midnight
 * UTC), or a time ago: 90s, 30m, 24h, 7d, 2w.
 */
final class TimeArgument implements ITypeConverter<Instant> {
  private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhdw])");

  private final Clock clock;

  TimeArgument() {
    this(Clock.systemUTC());
  }

  TimeArgument(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Instant convert(String value) {
    Matcher ago = AGO.matcher(value.strip());
    if (ago.matches()) {
      long amount = Long.parseLong(ago.group(1));
      Duration unit = switch (ago.group(2)) {
        case "s" -> Duration.ofSeconds(1);
        case "m" -> Duration.ofMinutes(1);
        case "h" -> Duration.ofHours(1);
        case "d" -> Duration.ofDays(1);
        default -> Duration.ofDays(7);
      };
      return clock.instant().minus(unit.multipliedBy(amount));
    }
    try {
      return OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeParseException notATimestamp) {
      try {
        return LocalDate.parse(value.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notADate) {
        throw new TypeConversionException("'" + value
            + "' is not a time: use 2026-01-31T09:00:00Z, 2026-01-31, or an age such as 24h or 7d");
      }
    }
  }
}
