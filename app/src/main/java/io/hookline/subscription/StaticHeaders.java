package io.hookline.subscription;

import io.hookline.problem.Problem.FieldError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for a webhook's static headers: HTTP token names, values that cannot split or forge
 * a header, and none of the headers that Hookline itself sets or that frame the request.
 */
final class StaticHeaders {
  static final int MAX_HEADERS = 20;
  static final int MAX_VALUE = 4096;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
  /** Lower-case names Hookline sets itself, or that belong to the connection, not the sender. */
  private static final Set<String> RESERVED = Set.of("content-type", "content-length", "host",
      "user-agent", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
      "expect", "proxy-connection", "webhook-id", "webhook-timestamp", "webhook-signature",
      "verifier-token");

  private StaticHeaders() {}

  /** Reads the {@code headers} object; absent or null is none. Bad entries become complaints. */
  static Map<String, String> read(@Nullable JsonNode node, List<FieldError> errors) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return headers;
    }
    if (!node.isObject()) {
      errors.add(new FieldError("headers", "must be an object of header names to values"));
      return headers;
    }
    if (node.size() > MAX_HEADERS) {
      errors.add(new FieldError("headers", "must have at most " + MAX_HEADERS + " headers"));
    }
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, JsonNode> entry : node.entries()) {
      String name = entry.getKey();
      String path = "headers." + name;
      String lower = name.toLowerCase(Locale.ROOT);
      if (!TOKEN.matcher(name).matches()) {
        errors.add(new FieldError(path, "is not a valid HTTP header name"));
      } else if (RESERVED.contains(lower)) {
        errors.add(new FieldError(path, lower.equals("verifier-token")
            ? "is set from verifierToken; use that field"
            : "is set by Hookline and cannot be overridden"));
      } else if (!seen.add(lower)) {
        errors.add(new FieldError(path, "repeats a header name (names ignore case)"));
      }
      JsonNode value = entry.getValue();
      if (!value.isString()) {
        errors.add(new FieldError(path, "must be a string"));
      } else if (value.getStringValue().length() > MAX_VALUE) {
        errors.add(new FieldError(path, "must be at most " + MAX_VALUE + " characters"));
      } else if (!isHeaderSafe(value.getStringValue())) {
        errors.add(new FieldError(path,
            "must be printable ASCII without line breaks or control characters"));
      } else {
        headers.put(name, value.getStringValue());
      }
    }
    return headers;
  }

  /** Printable ASCII, spaces and tabs: nothing that ends a header line or needs an encoding. */
  static boolean isHeaderSafe(String value) {
    return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f));
  }
}
