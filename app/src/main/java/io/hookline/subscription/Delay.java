package io.hookline.subscription;

import io.hookline.problem.Problem.FieldError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How long after its event a delivery's first attempt is made: Shoprenter's webHookDelay. */
@Serdeable
@Schema(description = "Delay of each delivery's first attempt after its event")
record Delay(
    @Schema(minimum = "0") int delay,
    @Schema(allowableValues = {"second", "minute", "hour", "day"}) String delayUnit) {

  /** Longest delay accepted, in seconds: 30 days. */
  static final long MAX_SECONDS = 30L * 24 * 3600;
  private static final Map<String, Long> UNIT_SECONDS =
      Map.of("second", 1L, "minute", 60L, "hour", 3600L, "day", 86400L);
  private static final Set<String> KNOWN = Set.of("delay", "delayUnit");

  /**
   * Reads webHookDelay: absent, null and {@code []} (Shoprenter's "none") mean no delay. Adds a
   * complaint per bad field and answers null for them.
   */
  @Nullable
  static Delay read(@Nullable JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull() || (node.isArray() && node.size() == 0)) {
      return null;
    }
    if (!node.isObject()) {
      errors.add(new FieldError("webHookDelay",
          "must be an object {\"delay\": n, \"delayUnit\": \"minute\"} or [] for none"));
      return null;
    }
    WebhookForm.rejectUnknown(node, "webHookDelay.", KNOWN, Set.of(), errors);
    int before = errors.size();
    JsonNode unitNode = node.get("delayUnit");
    String unit = null;
    if (unitNode == null || unitNode.isNull()) {
      errors.add(new FieldError("webHookDelay.delayUnit", "is required"));
    } else if (!unitNode.isString() || !UNIT_SECONDS.containsKey(unitNode.getStringValue())) {
      errors.add(new FieldError("webHookDelay.delayUnit",
          "must be one of second, minute, hour, day"));
    } else {
      unit = unitNode.getStringValue();
    }
    JsonNode amount = node.get("delay");
    if (amount == null || amount.isNull()) {
      errors.add(new FieldError("webHookDelay.delay", "is required"));
    } else if (!WebhookForm.isInteger(amount) || amount.getBigIntegerValue().signum() < 0) {
      errors.add(new FieldError("webHookDelay.delay", "must be a whole number, 0 or more"));
    } else if (amount.getBigIntegerValue().bitLength() > 31 || (unit != null
        && amount.getLongValue() * UNIT_SECONDS.get(unit) > MAX_SECONDS)) {
      errors.add(new FieldError("webHookDelay.delay", "must be at most 30 days in all"));
    }
    return errors.size() == before ? new Delay(amount.getIntValue(), unit) : null;
  }
}
