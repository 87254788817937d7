package io.hookline.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * What receivers get and POST /events answers, fields in this order:
 * {@code {"id", "event", "created_at", "data"}}.
 */
@Serdeable
public record Envelope(String id, String event, @JsonProperty("created_at") String createdAt,
    JsonNode data) {

  /** The one rendering of an event's time, shared by API answers and delivery bodies. */
  public static String timestamp(Instant createdAt) {
    return DateTimeFormatter.ISO_INSTANT.format(createdAt.truncatedTo(ChronoUnit.MILLIS));
  }
}
