package io.hookline.cli;

import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The delivery filter that `deliveries list` and `replay` share, named as GET /deliveries and
 * POST /replays name it.
 */
final class DeliveryFilterOptions {
  @Option(names = "--tenant", paramLabel = "ID",
      description = "Deliveries of this tenant (the admin sees every tenant's otherwise).")
  String tenant;
  @Option(names = "--webhook", paramLabel = "ID", description = "Deliveries of this webhook.")
  String webhook;
  @Option(names = "--status", paramLabel = "STATE",
      description = "Only these states: pending, sending, delivered, failed, dropped"
          + " (comma-separated).")
  String status;
  @Option(names = "--event", paramLabel = "NAME", description = "Only events of this name.")
  String event;
  @Option(names = "--since", paramLabel = "T", converter = TimeArgument.class,
      description = "Created at or after T: 2026-01-31T09:00:00Z, 2026-01-31, or 24h, 7d ago.")
  Instant since;
  @Option(names = "--until", paramLabel = "T", converter = TimeArgument.class,
      description = "Created before T.")
  Instant until;

  /** Adds the options given, under the API's names, to a query or request body. */
  void putInto(Map<String, Object> target) {
    put(target, "tenant", tenant);
    put(target, "webhook", webhook);
    put(target, "status", status);
    put(target, "eventType", event);
    put(target, "since", since);
    put(target, "until", until);
  }

  static void put(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value.toString());
    }
  }
}
