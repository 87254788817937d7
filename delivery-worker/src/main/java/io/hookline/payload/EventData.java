package io.hookline.payload;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * What the body is made of: the event's envelope fields and its data as PostgreSQL's jsonb text.
 *
 * @param pk the event row's key (what bodies are cached by)
 * @param id the event id (also webhook-id)
 * @param name the event name
 * @param createdAt when the event was created, already truncated to milliseconds
 * @param data the event's data, JSON text
 */
public record EventData(long pk, String id, String name, Instant createdAt, String data) {

  /** created_at as every Hookline answer renders it: DateTimeFormatter.ISO_INSTANT. */
  public String createdAtText() {
    return DateTimeFormatter.ISO_INSTANT.format(createdAt);
  }
}
