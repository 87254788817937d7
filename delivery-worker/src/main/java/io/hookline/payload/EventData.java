package io.hookline.payload;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * What the body is made of: the event's envelope fields and its data as PostgreSQL's jsonb text.
 *
 * @param pk the event row's key (what bodies are cached by)
 * @param id the event id (also webhook-id)
 * @param name the event name
 * @param createdAt when the event was created, already truncated to milliseconds
 * @param data the event's data, JSON text in UTF-8 as the driver read it (never decoded into a
 *     String: the body renderers parse the bytes; not to be changed)
 */
public record EventData(long pk, String id, String name, Instant createdAt, byte[] data) {

  /** The same, with the data given as text. */
  public EventData(long pk, String id, String name, Instant createdAt, String data) {
    this(pk, id, name, createdAt, data.getBytes(StandardCharsets.UTF_8));
  }

  /** created_at as every Hookline answer renders it: DateTimeFormatter.ISO_INSTANT. */
  public String createdAtText() {
    return DateTimeFormatter.ISO_INSTANT.format(createdAt);
  }
}
