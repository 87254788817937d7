package io.hookline.cli;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Hookline's HTTP API as the admin commands use it. Every failure becomes a one-line
 * {@link CommandFailure}: the server cannot be reached, the token was refused, or the server's
 * problem+json detail (with the fields it named).
 */
final class AdminClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String base;
  private final String token;
  private final HttpClient http;

  AdminClient(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  JsonNode post(String path, @Nullable Object body) {
    return send("POST", path, body == null ? null : JsonNode.from(body));
  }

  JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /** {@code path?name=value&…} for the values that are set, encoded. */
  static String query(String path, Map<String, ?> parameters) {
    StringJoiner query = new StringJoiner("&", path + "?", "").setEmptyValue(path);
    parameters.forEach((name, value) -> {
      if (value != null) {
        query.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
      }
    });
    return query.toString();
  }

  /** A path segment, encoded (ids typed by a user may hold anything). */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, @Nullable JsonNode body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JsonText.write(body, false)));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw unreachable("timed out");
    } catch (ConnectException e) {
      throw unreachable("connection refused");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted", 130);
    }
    return answer(response);
  }

  private JsonNode answer(HttpResponse<String> response) {
    int status = response.statusCode();
    JsonNode json = parse(response.body());
    if (status >= 200 && status < 300) {
      return json;
    }
    if (status == 401) {
      throw new CommandFailure("the token was refused");
    }
    String detail = JsonText.text(json, "detail", "HTTP " + status);
    List<String> fields = new ArrayList<>();
    JsonNode errors = json.get("errors");
    if (errors != null && errors.isArray()) {
      errors.values().forEach(error -> fields.add(JsonText.text(error, "field", "?") + " "
          + JsonText.text(error, "message", "is invalid")));
    }
    String line = fields.isEmpty() ? detail : detail + ": " + String.join("; ", fields);
    throw status == 404 ? new CommandFailure.NotFound(line) : new CommandFailure(line);
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JsonNode.nullNode();
    }
    try {
      return JsonText.parse(body);
    } catch (IOException e) {
      // Not JSON (a proxy's error page, say): the status line says enough.
      return JsonNode.nullNode();
    }
  }

  private CommandFailure unreachable(String why) {
    return new CommandFailure("cannot reach Hookline at " + base + ": " + why);
  }
}
