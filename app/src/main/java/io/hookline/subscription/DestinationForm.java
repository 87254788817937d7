package io.hookline.subscription;

import io.hookline.problem.Problem.FieldError;
import io.hookline.target.TargetPolicy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One entry of webHookParameters as a client sent it, once it has passed every rule. */
record DestinationForm(String format, String url, @Nullable List<String> fields) {
  static final int MAX_DESTINATIONS = 20;
  static final int MAX_URL = 2048;
  static final int MAX_FIELDS = 100;
  private static final Set<String> KNOWN = Set.of("type", "url", "fields");
  /** What GET answers and a client may send back unchanged: ignored. */
  private static final Set<String> READ_ONLY = Set.of("webHook");

  /** Reads webHookParameters; each bad entry or field becomes a complaint with its path. */
  static List<DestinationForm> readAll(@Nullable JsonNode node, TargetPolicy targets,
      List<FieldError> errors) {
    List<DestinationForm> destinations = new ArrayList<>();
    if (node == null || node.isNull()) {
      errors.add(new FieldError("webHookParameters", "is required"));
    } else if (!node.isArray() || node.size() == 0 || node.size() > MAX_DESTINATIONS) {
      errors.add(new FieldError("webHookParameters",
          "must be a list of 1 to " + MAX_DESTINATIONS + " destinations"));
    } else {
      for (int i = 0; i < node.size(); i++) {
        DestinationForm form = read(node.get(i), "webHookParameters[" + i + "]", targets, errors);
        if (form != null) {
          destinations.add(form);
        }
      }
    }
    return destinations;
  }

  @Nullable
  private static DestinationForm read(JsonNode node, String path, TargetPolicy targets,
      List<FieldError> errors) {
    if (!node.isObject()) {
      errors.add(new FieldError(path, "must be an object {\"type\", \"url\", \"fields\"}"));
      return null;
    }
    int before = errors.size();
    WebhookForm.rejectUnknown(node, path + ".", KNOWN, READ_ONLY, errors);
    JsonNode type = node.get("type");
    String format = "json";
    if (type != null && !type.isNull()) {
      if (type.isString() && Set.of("json", "xml").contains(type.getStringValue())) {
        format = type.getStringValue();
      } else {
        errors.add(new FieldError(path + ".type", "must be json or xml"));
      }
    }
    String url = url(node.get("url"), path + ".url", targets, errors);
    List<String> fields = fields(node.get("fields"), path + ".fields", errors);
    return errors.size() == before ? new DestinationForm(format, url, fields) : null;
  }

  @Nullable
  private static String url(@Nullable JsonNode node, String path, TargetPolicy targets,
      List<FieldError> errors) {
    if (node == null || node.isNull()) {
      errors.add(new FieldError(path, "is required"));
      return null;
    }
    String problem = node.isString() ? urlProblem(node.getStringValue(), targets)
        : "must be a string";
    if (problem != null) {
      errors.add(new FieldError(path, problem));
      return null;
    }
    return node.getStringValue();
  }

  /** Why a destination URL is refused, or null when it is fine. */
  @Nullable
  static String urlProblem(String text, TargetPolicy targets) {
    if (text.length() > MAX_URL) {
      return "must be at most " + MAX_URL + " characters";
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "must be an absolute http or https URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      return "must be an absolute http or https URL";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not contain a user name or password";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "must name a host";
    }
    if (uri.getPort() > 65535) {
      return "has an invalid port";
    }
    return targets.refusal(uri.getHost());
  }

  @Nullable
  private static List<String> fields(@Nullable JsonNode node, String path,
      List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray() || node.size() > MAX_FIELDS) {
      errors.add(new FieldError(path, "must be a list of at most " + MAX_FIELDS + " field names"));
      return null;
    }
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode field = node.get(i);
      if (!field.isString() || field.getStringValue().isEmpty()
          || field.getStringValue().length() > 200) {
        errors.add(new FieldError(path + "[" + i + "]",
            "must be a non-empty string of at most 200 characters"));
      } else {
        fields.add(field.getStringValue());
      }
    }
    return fields;
  }
}
