package io.hookline.event;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An event about to be stored, already checked by whoever received it (the REST API or the
 * outbox relay): its id is the caller's or a generated {@code evt_…}, {@code data} is the JSON
 * text of an object, and {@code createdAt} is millisecond-precise so that every rendering of it
 * (API answers, delivery bodies) is the same string.
 */
public record NewEvent(String tenantId, String id, String name, String data, Instant createdAt,
    Source source) {

  public static final int MAX_NAME_LENGTH = 200;
  public static final String NAME_RULE = "must be words of letters, digits, '_' or '-' joined by"
      + " single dots (order.created), at most " + MAX_NAME_LENGTH + " characters";
  public static final String ID_RULE = "must be 1 to 128 letters, digits, '_', ':' or '-'";

  // Dots only separate non-empty words, so matching is linear: no backtracking blow-up.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_:-]{1,128}");

  /** Where an event came in; stored in {@code event.source}. */
  public enum Source {
    API, OUTBOX;

    public String column() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static boolean validName(String name) {
    return name.length() <= MAX_NAME_LENGTH && NAME.matcher(name).matches();
  }

  public static boolean validId(String id) {
    return id.length() <= 128 && ID.matcher(id).matches();
  }

  /** An event's time: the clock's instant to the millisecond, as the envelope shows it. */
  public static Instant createdAt(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
