package io.hookline.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * A delivery as operators and API callers see it: where one event went, in which state, and every
 * attempt made. {@code nextAttemptAt} is only set while the delivery is pending; {@code reason}
 * only when there is one (a dropped delivery's cause); {@code attempts} is left out of listings
 * that did not ask for it.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeliveryView(String id, String eventId, String webhookId, String url, String status,
    int attemptCount, @Nullable Instant nextAttemptAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String reason, Instant createdAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<Attempt> attempts) {

  /** One HTTP attempt; {@code statusCode} is null when no response came. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Attempt(Instant at, int durationMs, @Nullable Integer statusCode,
      @Nullable String error, @Nullable String response, String trigger) {}

  DeliveryView withAttempts(List<Attempt> loaded) {
    return new DeliveryView(id, eventId, webhookId, url, status, attemptCount, nextAttemptAt,
        reason, createdAt, loaded);
  }
}
