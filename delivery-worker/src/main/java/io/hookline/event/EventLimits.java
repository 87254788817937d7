package io.hookline.event;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Limits on incoming events ({@code hookline.events}). The payload limit is measured on the
 * compact JSON of {@code data} in UTF-8, whether the event came by REST or by the outbox, so that
 * one event is accepted or refused the same way on both paths.
 */
@ConfigurationProperties("hookline.events")
public record EventLimits(@Bindable(defaultValue = "262144") int maxPayloadBytes) {

  public boolean fits(long serializedBytes) {
    return serializedBytes <= maxPayloadBytes;
  }

  public String overLimit(long serializedBytes) {
    return "is " + serializedBytes + " bytes serialized; the limit is " + maxPayloadBytes;
  }

  /** The size of {@code data} as compact JSON, the measure of the payload limit. */
  public static int serializedSize(JsonMapper json, JsonNode data) {
    try {
      return json.writeValueAsBytes(data).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
