package io.hookline.api;

import io.hookline.database.TestDatabase;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of API tests: a Hookline server on a random port over a fresh database of the test
 * JVM's embedded PostgreSQL, no background worker, and plain HTTP calls that never throw on 4xx.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiTest implements TestPropertyProvider {
  public static final String ADMIN = "test-admin-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Inject
  protected EmbeddedServer server;
  @Inject
  protected JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>(TestDatabase.fresh());
    properties.put("micronaut.server.port", "-1");
    properties.put("hookline.admin-token", ADMIN);
    properties.put("hookline.worker.enabled", "false");
    properties.putAll(extraProperties());
    return properties;
  }

  /** Properties a test class adds or overrides. */
  protected Map<String, String> extraProperties() {
    return Map.of();
  }

  public record Response(int status, HttpHeaders headers, String body, JsonNode json) {
    public String text(String field) {
      JsonNode node = json.get(field);
      return node == null || node.isNull() ? null : node.getStringValue();
    }

    public String contentType() {
      return headers.firstValue("content-type").orElse("");
    }
  }

  protected Response call(String method, String path, String token, String body) {
    return call(method, path, token, body, Map.of());
  }

  protected Response call(String method, String path, String token, String body,
      Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = HTTP.send(request.build(),
          HttpResponse.BodyHandlers.ofString());
      boolean isJson = response.headers().firstValue("content-type").orElse("").contains("json");
      JsonNode node = response.body().isEmpty() || !isJson ? JsonNode.nullNode()
          : json.readValue(response.body(), JsonNode.class);
      return new Response(response.statusCode(), response.headers(), response.body(), node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a tenant with the admin token and answers its id. */
  protected String newTenant(String name) {
    Response created = call("POST", "/tenants", ADMIN, "{\"name\":\"" + name + "\"}");
    if (created.status() != 201) {
      throw new IllegalStateException("Could not create a tenant: " + created.body());
    }
    return created.text("id");
  }

  /** Creates an API key of the tenant and answers the key itself. */
  protected String newKey(String tenantId) {
    Response created = call("POST", "/tenants/" + tenantId + "/api-keys", ADMIN, null);
    if (created.status() != 201) {
      throw new IllegalStateException("Could not create a key: " + created.body());
    }
    return created.text("key");
  }
}
