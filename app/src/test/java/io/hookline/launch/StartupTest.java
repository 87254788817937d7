package io.hookline.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.database.LocalPostgres;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting Hookline the two ways users do: embedded PostgreSQL, or HOOKLINE_DATABASE_URL. */
class StartupTest {
  private static final Map<String, Object> RANDOM_PORT = Map.of("micronaut.server.port", -1);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void embeddedDatabaseKeepsDataAcrossRestartsAndTheGeneratedAdminToken() throws Exception {
    Map<String, String> env = Map.of("HOOKLINE_DATA_DIR", dataDir.toString());
    String tenant;
    String token;
    try (Startup.Running first = Startup.start(env, true, false, RANDOM_PORT)) {
      token = Files.readString(dataDir.resolve("admin-token")).strip();
      assertThat(token).startsWith("hka_");
      tenant = post(first, "/tenants", token, "{\"name\":\"kept\"}").body();
      assertThat(tenant).contains("\"name\":\"kept\"");
    }
    try (Startup.Running second = Startup.start(env, true, false, RANDOM_PORT)) {
      assertThat(Files.readString(dataDir.resolve("admin-token")).strip()).isEqualTo(token);
      String id = tenant.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
      HttpResponse<String> key = post(second, "/tenants/" + id + "/api-keys", token, "");
      assertThat(key.statusCode()).isEqualTo(201);
    }
  }

  @Test
  void externalDatabaseByLibpqUrl() throws Exception {
    try (LocalPostgres external = LocalPostgres.start(dataDir.resolve("external"))) {
      String url = "postgres://" + external.user() + ":" + external.password() + "@127.0.0.1:"
          + external.port() + "/" + LocalPostgres.DATABASE;
      Map<String, String> env = Map.of("HOOKLINE_DATABASE_URL", url,
          "HOOKLINE_ADMIN_TOKEN", "external-admin-token-123456",
          "HOOKLINE_DATA_DIR", dataDir.resolve("unused").toString());
      try (Startup.Running running = Startup.start(env, true, false,
          Map.of("micronaut.server.port", -1,
              "hookline.admin-token", "external-admin-token-123456"))) {
        assertThat(running.embedded()).isNull();
        HttpResponse<String> created =
            post(running, "/tenants", "external-admin-token-123456", "{\"name\":\"ext\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(Files.exists(dataDir.resolve("unused/postgres"))).isFalse();
      }
    }
  }

  private static HttpResponse<String> post(Startup.Running running, String path, String token,
      String body) throws Exception {
    URI uri = running.context().getBean(EmbeddedServer.class).getURI().resolve(path);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void apiAnswers503WhileTheDatabaseIsAwayAndRecoversOnItsOwn() throws Exception {
    Path pgDir = dataDir.resolve("restarting");
    LocalPostgres external = LocalPostgres.start(pgDir);
    int port = external.port();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + external.user()
        + "&password=" + external.password();
    String token = "restart-admin-token-123456";
    try (Startup.Running running = Startup.start(Map.of("HOOKLINE_DATABASE_URL", url,
        "HOOKLINE_ADMIN_TOKEN", token), true, false, Map.of("micronaut.server.port", -1,
        "hookline.admin-token", token, "datasources.default.connection-timeout", 1000))) {
      assertThat(post(running, "/tenants", token, "{\"name\":\"before\"}").statusCode())
          .isEqualTo(201);
      external.close();
      HttpResponse<String> away = post(running, "/tenants", token, "{\"name\":\"away\"}");
      assertThat(away.statusCode()).isEqualTo(503);
      assertThat(away.headers().firstValue("content-type")).hasValue("application/problem+json");
      assertThat(away.body()).contains("database is unavailable").doesNotContain("Exception");

      external = LocalPostgres.start(pgDir, port);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
          .until(() -> post(running, "/tenants", token, "{\"name\":\"after\"}")
              .statusCode() == 201);
    } finally {
      external.close();
    }
  }
}
