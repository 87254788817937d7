package io.hookline.delivery;

import io.hookline.problem.Problem.FieldError;
import io.micronaut.core.annotation.Nullable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which deliveries a listing, a dry run or a bulk replay means. Every criterion is optional; a
 * null tenant means every tenant (admin only). {@code since} (inclusive) and {@code until}
 * (exclusive) bound when the delivery was created. The same predicate serves the listing, the
 * dry-run count and a replay job's items, so a dry run counts exactly what a replay would take.
 */
public record DeliveryFilter(@Nullable String tenant, @Nullable String webhook,
    List<String> statuses, @Nullable String event, @Nullable String eventType,
    @Nullable Instant since, @Nullable Instant until) {

  /** The rows {@link #where} speaks of. */
  public static final String FROM =
      "hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk";

  /** Every id and event name Hookline has matches this; anything else cannot match a row. */
  private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9_:.-]{1,200}");

  public static final List<String> STATES =
      List.of("pending", "sending", "delivered", "failed", "dropped");

  /**
   * Reads the criteria as they come in a query string or request body; each bad one adds an
   * error to {@code errors}, its field named {@code prefix} + name.
   */
  public static DeliveryFilter parse(@Nullable String tenant, @Nullable String webhook,
      @Nullable String status, @Nullable String event, @Nullable String eventType,
      @Nullable String since, @Nullable String until, String prefix, List<FieldError> errors) {
    List<String> statuses = new ArrayList<>();
    if (present(status)) {
      for (String state : status.split(",")) {
        String value = state.strip();
        if (!STATES.contains(value)) {
          errors.add(new FieldError(prefix + "status",
              "must be one of " + String.join(", ", STATES) + " (comma-separated for several)"));
          break;
        }
        statuses.add(value);
      }
    }
    plausible(tenant, prefix + "tenant", errors);
    plausible(webhook, prefix + "webhook", errors);
    plausible(event, prefix + "event", errors);
    plausible(eventType, prefix + "eventType", errors);
    Instant from = instant(since, prefix + "since", errors);
    Instant to = instant(until, prefix + "until", errors);
    if (from != null && to != null && !from.isBefore(to)) {
      errors.add(new FieldError(prefix + "until", "must be later than since"));
    }
    return new DeliveryFilter(blankToNull(tenant), blankToNull(webhook), List.copyOf(statuses),
        blankToNull(event), blankToNull(eventType), from, to);
  }

  /** Whether a text could be an id or event name (never NUL, never kilobytes). */
  public static boolean plausible(@Nullable String value) {
    return value != null && PLAUSIBLE.matcher(value).matches();
  }

  private static void plausible(@Nullable String value, String field, List<FieldError> errors) {
    if (present(value) && !plausible(value.strip())) {
      errors.add(new FieldError(field, "is not an id or event name Hookline could have made"));
    }
  }

  /**
   * An ISO-8601 timestamp ({@code 2026-01-31T09:00:00Z}, any offset) or a date (midnight UTC);
   * null when absent, and an error when it is neither.
   */
  @Nullable
  public static Instant instant(@Nullable String value, String field, List<FieldError> errors) {
    if (!present(value)) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeParseException notATimestamp) {
      try {
        return LocalDate.parse(value.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notADate) {
        errors.add(new FieldError(field,
            "must be an ISO-8601 timestamp such as 2026-01-31T09:00:00Z, or a date"));
        return null;
      }
    }
  }

  /**
   * The condition over {@code hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk};
   * appends its parameters, in order, to {@code parameters}.
   */
  public String where(List<Object> parameters) {
    List<String> conditions = new ArrayList<>(List.of("TRUE"));
    add(conditions, parameters, "d.tenant_id = ?", tenant);
    add(conditions, parameters, "d.webhook_id = ?", webhook);
    add(conditions, parameters, "d.status = ANY (?)",
        statuses.isEmpty() ? null : statuses.toArray(String[]::new));
    add(conditions, parameters, "e.id = ?", event);
    add(conditions, parameters, "e.event = ?", eventType);
    add(conditions, parameters, "d.created_at >= ?", since == null ? null : at(since));
    add(conditions, parameters, "d.created_at < ?", until == null ? null : at(until));
    return String.join(" AND ", conditions);
  }

  /** Binds parameters that {@link #where} collected, from index {@code first} on. */
  public static void bind(PreparedStatement statement, int first, List<Object> parameters)
      throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      if (value instanceof String[] texts) {
        value = statement.getConnection().createArrayOf("text", texts);
      }
      statement.setObject(first + i, value);
    }
  }

  private static void add(List<String> conditions, List<Object> parameters, String condition,
      @Nullable Object value) {
    if (value != null) {
      conditions.add(condition);
      parameters.add(value);
    }
  }

  public static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static boolean present(@Nullable String value) {
    return value != null && !value.isBlank();
  }

  @Nullable
  private static String blankToNull(@Nullable String value) {
    return present(value) ? value.strip() : null;
  }
}
