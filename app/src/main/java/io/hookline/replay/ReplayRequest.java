package io.hookline.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The body of {@code POST /replays}: either {@code filter} (deliveries to send again) or
 * {@code webhook} with {@code fromEvents} (past events to send to a webhook that has no delivery
 * of them yet). Timestamps stay text here so that a bad one is reported by field name.
 */
@Serdeable
record ReplayRequest(@Nullable Criteria filter, @Nullable Boolean dryRun, @Nullable Boolean retry,
    @Nullable String webhook, @Nullable FromEvents fromEvents, @Nullable String tenant) {

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
