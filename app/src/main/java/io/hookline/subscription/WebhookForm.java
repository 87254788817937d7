package io.hookline.subscription;

import io.hookline.problem.Problem.FieldError;
import io.hookline.target.TargetPolicy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A POST or PUT body of /webHooks once every rule has passed. The body is read from a JSON tree,
 * not bound to a class, so that each wrong type is named at its own path beside every other
 * complaint instead of failing the whole body at the first one.
 */
record WebhookForm(
    @Nullable String tenant,
    String event,
    boolean enabled,
    @Nullable String label,
    List<DestinationForm> destinations,
    @Nullable Delay delay,
    @Nullable String verifierToken,
    Map<String, String> headers) {

  static final int MAX_EVENT = 200;
  static final int MAX_LABEL = 255;
  static final int MAX_VERIFIER_TOKEN = 512;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final Set<String> KNOWN = Set.of("tenant", "event", "status", "label",
      "webHookParameters", "webHookDelay", "verifierToken", "headers");
  /**
   * What GET answers but a client cannot set: ignored, so that a GET body can be edited and sent
   * back. The secret changes only through POST /webHooks/{id}/secret/rotate.
   */
  private static final Set<String> READ_ONLY = Set.of("href", "id", "secret", "createdAt",
      "updatedAt", "disabledReason", "disabledAt");

  /** Reads a body; answers null when anything was wrong, every problem added to errors. */
  @Nullable
  static WebhookForm read(@Nullable JsonNode body, TargetPolicy targets, List<FieldError> errors) {
    if (body == null || !body.isObject()) {
      errors.add(new FieldError("body", "must be a JSON object"));
      return null;
    }
    int before = errors.size();
    rejectUnknown(body, "", KNOWN, READ_ONLY, errors);
    String tenant = optionalString(body.get("tenant"), "tenant", 200, errors);
    String event = event(body.get("event"), errors);
    boolean enabled = enabled(body.get("status"), errors);
    String label = optionalString(body.get("label"), "label", MAX_LABEL, errors);
    List<DestinationForm> destinations =
        DestinationForm.readAll(body.get("webHookParameters"), targets, errors);
    Delay delay = Delay.read(body.get("webHookDelay"), errors);
    String token = optionalString(body.get("verifierToken"), "verifierToken", MAX_VERIFIER_TOKEN,
        errors);
    if (token != null && !StaticHeaders.isHeaderSafe(token)) {
      errors.add(new FieldError("verifierToken",
          "must be printable ASCII without line breaks or control characters"));
    }
    Map<String, String> headers = StaticHeaders.read(body.get("headers"), errors);
    if (errors.size() != before) {
      return null;
    }
    return new WebhookForm(tenant, event, enabled, label, destinations, delay,
        token == null || token.isEmpty() ? null : token, headers);
  }

  /** Exact names, {@code prefix.*} (any depth below prefix) and {@code *}. */
  static boolean isEventPattern(String event) {
    if (event.equals("*")) {
      return true;
    }
    String name = event.endsWith(".*") ? event.substring(0, event.length() - 2) : event;
    return NAME.matcher(name).matches();
  }

  @Nullable
  private static String event(@Nullable JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError("event", "is required"));
    } else if (!node.isString() || node.getStringValue().length() > MAX_EVENT
        || !isEventPattern(node.getStringValue())) {
      errors.add(new FieldError("event", "must be an event name such as order.created,"
          + " a pattern such as order.* or *, at most " + MAX_EVENT + " characters"));
    } else {
      return node.getStringValue();
    }
    return null;
  }

  private static boolean enabled(@Nullable JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return true;
    }
    if (node.isString() && (node.getStringValue().equals("1")
        || node.getStringValue().equals("0"))) {
      return node.getStringValue().equals("1");
    }
    errors.add(new FieldError("status", "must be \"1\" (enabled) or \"0\" (disabled)"));
    return false;
  }

  @Nullable
  private static String optionalString(@Nullable JsonNode node, String path, int max,
      List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      errors.add(new FieldError(path, "must be a string"));
      return null;
    }
    if (node.getStringValue().length() > max) {
      errors.add(new FieldError(path, "must be at most " + max + " characters"));
      return null;
    }
    return node.getStringValue();
  }

  /** Complains about each field of an object that is neither known nor read-only. */
  static void rejectUnknown(JsonNode object, String prefix, Set<String> known,
      Set<String> readOnly, List<FieldError> errors) {
    for (Map.Entry<String, JsonNode> entry : object.entries()) {
      if (!known.contains(entry.getKey()) && !readOnly.contains(entry.getKey())) {
        errors.add(new FieldError(prefix + entry.getKey(), "is not a known field"));
      }
    }
  }

  /** A JSON number without a fraction: 10, not 10.0 or 1e1. */
  static boolean isInteger(JsonNode node) {
    return node.isNumber() && (node.getNumberValue() instanceof Integer
        || node.getNumberValue() instanceof Long || node.getNumberValue() instanceof BigInteger
        || node.getNumberValue() instanceof Short || node.getNumberValue() instanceof Byte);
  }
}
