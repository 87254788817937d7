package io.hookline.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hookline.problem.Problem.FieldError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The body of {@code POST /replays}: either {@code filter} (deliveries to send again) or
 * {@code webhook} with {@code fromEvents} (past events to send to a webhook that has no delivery
 * of them yet). Timestamps stay text here so that a bad one is reported by field name.
 */
@Serdeable
record ReplayRequest(@Nullable Criteria filter, @Nullable JsonNode dryRun,
    @Nullable JsonNode retry, @Nullable String webhook, @Nullable FromEvents fromEvents,
    @Nullable String tenant) {

  /**
   * A true/false field, strictly: the JSON binder would read "maybe" as false, and a replay must
   * never start because a dry run was misspelt.
   */
  static boolean flag(@Nullable JsonNode value, String field, boolean absent,
      List<FieldError> errors) {
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isBoolean()) {
      errors.add(new FieldError(field, "must be true or false"));
      return absent;
    }
    return value.getBooleanValue();
  }

  /** The criteria of a bulk replay, as {@code GET /deliveries} takes them. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Criteria(@Nullable String webhook, @Nullable String status, @Nullable String event,
      @Nullable String eventType, @Nullable String since, @Nullable String until,
      @Nullable String tenant) {}

  /** Events created from {@code since} (inclusive) to {@code until} (exclusive, optional). */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FromEvents(@Nullable String since, @Nullable String until) {}

  /** What a job was asked to do, kept in its row and shown with its progress. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Filter(@Nullable String webhook, @Nullable String status, @Nullable String event,
      @Nullable String eventType, @Nullable String since, @Nullable String until,
      @Nullable String tenant, @Nullable FromEvents fromEvents) {}
}
