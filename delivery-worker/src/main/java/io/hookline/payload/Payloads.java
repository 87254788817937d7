package io.hookline.payload;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bodies for one claimed batch: each (event, format, fields) is rendered once, however many
 * webhooks receive it. Not shared between batches or threads.
 */
public final class Payloads {
  private final Map<Key, Payload> rendered = new HashMap<>();

  /**
   * @param format "json" or "xml" (the destination's type)
   * @param fields the top-level data keys to keep, or null for all
   */
  public Payload of(EventData event, String format, List<String> fields) {
    return rendered.computeIfAbsent(new Key(event.pk(), format, fields),
        key -> render(event, format, fields));
  }

  public static Payload render(EventData event, String format, List<String> fields) {
    return switch (format) {
      case "json" -> new Payload(JsonEnvelope.render(event, fields), Payload.JSON);
      case "xml" -> new Payload(XmlEnvelope.render(event, fields), Payload.XML);
      default -> throw new IllegalArgumentException("Unknown body format " + format);
    };
  }

  private record Key(long eventPk, String format, List<String> fields) {}
}
