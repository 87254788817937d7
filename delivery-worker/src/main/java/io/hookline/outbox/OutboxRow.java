package io.hookline.outbox;

import io.hookline.event.EventLimits;
import io.hookline.event.NewEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A claimed outbox row. {@code textBytes} is the length of PostgreSQL's text of its jsonb data;
 * {@code data} is that text (UTF-8) unless it is over {@link #measuredUpTo} (beyond which the
 * row is over the limit in any rendering): over the payload limit it is parsed to measure the
 * compact form; within it, it is what the worker sends, so that the event's data is rendered
 * as text once.
 */
record OutboxRow(long id, String tenantId, String event, @Nullable String eventId, String kind,
    long textBytes, byte @Nullable [] data, boolean knownTenant) {

  /** Renderings up to this length over the limit are fetched and measured compact. */
  static long measuredUpTo(EventLimits limits) {
    return 2L * limits.maxPayloadBytes();
  }

  /** Why a row cannot become an event; {@code code} tags the rejection metric. */
  record Rejection(String code, String message) {}

  /** Every reason this row cannot become an event; empty when it can. */
  List<Rejection> rejections(EventLimits limits, JsonMapper json) {
    List<Rejection> found = new ArrayList<>();
    if (!knownTenant) {
      found.add(new Rejection("unknown_tenant", "unknown tenant"));
    }
    if (!NewEvent.validName(event)) {
      found.add(new Rejection("invalid_event", "invalid event name: " + NewEvent.NAME_RULE));
    }
    if (eventId != null && !NewEvent.validId(eventId)) {
      found.add(new Rejection("invalid_event_id", "invalid event_id: " + NewEvent.ID_RULE));
    }
    if (!"object".equals(kind)) {
      found.add(new Rejection("data_not_object", "data is not a JSON object but " + kind));
    } else if (textBytes > measuredUpTo(limits)) {
      found.add(new Rejection("too_large", "data is " + textBytes + " bytes as PostgreSQL"
          + " renders it, over twice the limit of " + limits.maxPayloadBytes() + " bytes"));
    } else if (!limits.fits(textBytes)) {
      long size = compactSize(json);
      if (!limits.fits(size)) {
        found.add(new Rejection("too_large", "data " + limits.overLimit(size)));
      }
    }
    return found;
  }

  /**
   * The compact JSON size that the limit is about. PostgreSQL's rendering is the compact form
   * plus a space after each ':' and ',' (numbers aside, which both write in a few bytes), so only
   * a row whose rendering is over the limit is parsed to measure, and one over twice the limit
   * was not even fetched: its compact form is over the limit too.
   */
  private long compactSize(JsonMapper json) {
    try {
      return EventLimits.serializedSize(json, json.readValue(data, JsonNode.class));
    } catch (IOException e) {
      throw new IllegalStateException("PostgreSQL rendered outbox row " + id
          + " as JSON that does not parse", e);
    }
  }
}
