package io.hookline.cli;

import io.micronaut.json.tree.JsonNode;
import java.io.PrintWriter;

/** {@code deliveries show}: the delivery's fields, then its attempts as a table. */
final class DeliveryText {
  private static final int RESPONSE_EXCERPT = 60;

  private DeliveryText() {}

  static void print(JsonNode delivery, PrintWriter out) {
    out.printf("%s  %s  (%s attempts)%n", JsonText.text(delivery, "id", ""),
        JsonText.text(delivery, "status", ""), JsonText.text(delivery, "attemptCount", "0"));
    field(out, "event", JsonText.text(delivery, "eventId", "-"));
    field(out, "webhook", JsonText.text(delivery, "webhookId", "-"));
    field(out, "url", JsonText.text(delivery, "url", "-"));
    field(out, "created", JsonText.text(delivery, "createdAt", "-"));
    field(out, "next", JsonText.text(delivery, "nextAttemptAt", "-"));
    String reason = JsonText.text(delivery, "reason", null);
    if (reason != null) {
      field(out, "reason", reason);
    }
    JsonNode attempts = delivery.get("attempts");
    out.println();
    if (attempts == null || attempts.size() == 0) {
      out.println("No attempts yet.");
      out.flush();
      return;
    }
    TextTable table = new TextTable("AT", "TRIGGER", "STATUS", "DURATION", "ERROR", "RESPONSE");
    attempts.values().forEach(a -> table.row(JsonText.text(a, "at", ""),
        JsonText.text(a, "trigger", ""), JsonText.text(a, "statusCode", "-"),
        JsonText.text(a, "durationMs", "?") + " ms", JsonText.text(a, "error", "-"),
        TextTable.excerpt(JsonText.text(a, "response", ""), RESPONSE_EXCERPT)));
    table.print(out);
  }

  private static void field(PrintWriter out, String name, String value) {
    out.printf("%-9s%s%n", name, value);
  }
}
