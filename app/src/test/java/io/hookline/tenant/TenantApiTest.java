package io.hookline.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TenantApiTest extends ApiTest {

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  @Test
  void adminCreatesTenantsAndKeys() {
    Response tenant = call("POST", "/tenants", ADMIN, "{\"name\":\"acme\"}");
    assertThat(tenant.status()).isEqualTo(201);
    assertThat(tenant.text("id")).startsWith("ten_");
    assertThat(tenant.text("name")).isEqualTo("acme");
    assertThat(tenant.text("createdAt")).endsWith("Z");

    Response key = call("POST", "/tenants/" + tenant.text("id") + "/api-keys", ADMIN, null);
    assertThat(key.status()).isEqualTo(201);
    assertThat(key.text("id")).startsWith("key_");
    assertThat(key.text("key")).startsWith("hkl_").hasSize(44);
  }

  @Test
  void keysAreStoredOnlyAsHashes() throws Exception {
    String key = newKey(newTenant("hashed"));
    List<String> stored = new ArrayList<>();
    try (Connection c = resolver.resolve(dataSource).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, tenant_id, key_hash FROM hookline.api_key")) {
      while (rs.next()) {
        stored.add(rs.getString(1) + rs.getString(2)
            + new String(rs.getBytes(3), StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(stored).isNotEmpty().noneMatch(row -> row.contains(key));
  }

  @Test
  void missingWrongAndMalformedCredentialsAnswer401ProblemJson() {
    for (String token : new String[] {null, "hkl_wrong", "", "x".repeat(600)}) {
      Response response = call("GET", "/webHooks", token, null);
      assertThat(response.status()).as("token %s", token).isEqualTo(401);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.json().get("status").getIntValue()).isEqualTo(401);
      assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer");
    }
    Response basic = call("GET", "/webHooks", null, null,
        java.util.Map.of("Authorization", "Basic " + ADMIN));
    assertThat(basic.status()).isEqualTo(401);
  }

  @Test
  void revokedKeysStopWorkingAtOnce() {
    String tenant = newTenant("revoking");
    Response created = call("POST", "/tenants/" + tenant + "/api-keys", ADMIN, null);
    String key = created.text("key");
    assertThat(call("GET", "/webHooks", key, null).status()).isEqualTo(200);

    Response revoked = call("DELETE",
        "/tenants/" + tenant + "/api-keys/" + created.text("id"), ADMIN, null);
    assertThat(revoked.status()).isEqualTo(204);
    assertThat(call("GET", "/webHooks", key, null).status()).isEqualTo(401);
    assertThat(call("DELETE", "/tenants/" + tenant + "/api-keys/" + created.text("id"), ADMIN,
        null).status()).isEqualTo(404);
  }

  @Test
  void tenantKeysCannotManageTenants() {
    String key = newKey(newTenant("plain"));
    Response response = call("POST", "/tenants", key, "{\"name\":\"sneaky\"}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  @Test
  void badTenantBodiesNameTheField() {
    Response empty = call("POST", "/tenants", ADMIN, "{}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("errors").get(0).get("field").getStringValue()).isEqualTo("name");
    assertThat(call("POST", "/tenants", ADMIN, "{\"name\":\"" + "n".repeat(201) + "\"}").status())
        .isEqualTo(400);
    Response broken = call("POST", "/tenants", ADMIN, "{\"name\":");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.body()).doesNotContain("Exception").doesNotContain("at io.");
    assertThat(call("POST", "/tenants/ten_nope/api-keys", ADMIN, null).status()).isEqualTo(404);
  }

  @Test
  void healthAndMetricsAreOpen() {
    Response health = call("GET", "/health", null, null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.text("database")).isEqualTo("UP");
    Response metrics = call("GET", "/metrics", null, null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes")
        // no log-event counter: its turbo filter would run on every logger call of the sender
        .doesNotContain("logback_events");
  }
}
