package io.hookline.event;

import io.hookline.problem.Problem.FieldError;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A POST /events body, checked field by field so that every bad field is named at once. */
record IncomingEvent(String name, JsonNode data, @Nullable String id, @Nullable String tenant) {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Set<String> FIELDS = Set.of("event", "data", "id", "tenant");

  /**
   * Reads the body, and checks the Idempotency-Key header with it; {@code tenantRequired} for
   * the admin, who names the tenant in the body.
   */
  static IncomingEvent read(@Nullable JsonNode body, @Nullable String idempotencyKey,
      boolean tenantRequired) {
    if (body == null || !body.isObject()) {
      throw ProblemException.invalid(List.of(new FieldError("body",
          "must be a JSON object with event and data")));
    }
    List<FieldError> errors = new ArrayList<>();
    String name = string(body, "event", errors);
    if (name != null && !NewEvent.validName(name)) {
      errors.add(new FieldError("event", NewEvent.NAME_RULE));
    } else if (body.get("event") == null || body.get("event").isNull()) {
      errors.add(new FieldError("event", "is required"));
    }
    JsonNode data = body.get("data");
    if (data == null || data.isNull()) {
      errors.add(new FieldError("data", "is required: a JSON object"));
    } else if (!data.isObject()) {
      errors.add(new FieldError("data", "must be a JSON object"));
    }
    String id = string(body, "id", errors);
    if (id != null && !NewEvent.validId(id)) {
      errors.add(new FieldError("id", NewEvent.ID_RULE));
    }
    String tenant = string(body, "tenant", errors);
    if (tenantRequired && (tenant == null || tenant.isBlank())) {
      errors.add(new FieldError("tenant", "is required when calling with the admin token"));
    }
    for (Map.Entry<String, JsonNode> field : body.entries()) {
      if (!FIELDS.contains(field.getKey())) {
        errors.add(new FieldError(field.getKey(), "is not a known field"));
      }
    }
    if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 255)) {
      errors.add(new FieldError(IDEMPOTENCY_KEY, "must be 1 to 255 characters"));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    return new IncomingEvent(name, data, id, tenant);
  }

  /**
   * The SHA-256 of the request an Idempotency-Key stands for: event, data and id as canonical
   * JSON (object keys sorted at every depth), so that the same request with its keys in another
   * order is still the same request.
   */
  byte[] hash(JsonMapper json) {
    Map<String, JsonNode> request = new LinkedHashMap<>();
    request.put("event", JsonNode.createStringNode(name));
    request.put("data", data);
    request.put("id", id == null ? JsonNode.nullNode() : JsonNode.createStringNode(id));
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(json.writeValueAsBytes(canonical(JsonNode.createObjectNode(request))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      node.entries().forEach(field -> sorted.put(field.getKey(), canonical(field.getValue())));
      return JsonNode.createObjectNode(sorted);
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      node.values().forEach(item -> items.add(canonical(item)));
      return JsonNode.createArrayNode(items);
    }
    return node;
  }

  /** A string field, or null when absent or JSON null; a value of another type is an error. */
  private static String string(JsonNode body, String field, List<FieldError> errors) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return value.getStringValue();
  }
}
