package io.hookline.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.tree.JsonNode;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Every /webHooks verb on its happy path, in Shoprenter's field shapes. */
class WebhookApiTest extends SubscriptionTest {
  static final String FULL = """
      {"event": "order.*", "status": "1", "label": "ERP sync",
       "webHookParameters": [
         {"type": "json", "url": "https://erp.example.com/hooks", "fields": ["order_id", "total"]},
         {"type": "xml", "url": "http://legacy.example.com:8081/in?x=1"}],
       "webHookDelay": {"delay": 10, "delayUnit": "minute"},
       "verifierToken": "shared-token",
       "headers": {"X-Custom": "static value", "Authorization": "Bearer receiver-key"}}""";

  @Test
  void createAnswersTheShoprenterShapeWithLocationAndSecret() {
    String key = tenantWithKey("creating")[1];
    Response response = created(key, FULL);

    JsonNode body = response.json();
    String id = body.get("id").getStringValue();
    String href = server.getURL() + "/webHooks/" + id;
    assertThat(id).startsWith("wh_").hasSize(25);
    assertThat(response.headers().firstValue("location")).hasValue(href);
    assertThat(body.get("href").getStringValue()).isEqualTo(href);
    assertThat(body.get("event").getStringValue()).isEqualTo("order.*");
    assertThat(body.get("status").getStringValue()).isEqualTo("1");
    assertThat(body.get("label").getStringValue()).isEqualTo("ERP sync");
    JsonNode first = body.get("webHookParameters").get(0);
    assertThat(first.get("type").getStringValue()).isEqualTo("json");
    assertThat(first.get("url").getStringValue()).isEqualTo("https://erp.example.com/hooks");
    assertThat(first.get("fields").get(1).getStringValue()).isEqualTo("total");
    assertThat(first.get("webHook").get("href").getStringValue()).isEqualTo(href);
    JsonNode second = body.get("webHookParameters").get(1);
    assertThat(second.get("type").getStringValue()).isEqualTo("xml");
    assertThat(second.get("fields")).as("absent when not set").isNull();
    assertThat(body.get("webHookDelay").get("delay").getIntValue()).isEqualTo(10);
    assertThat(body.get("webHookDelay").get("delayUnit").getStringValue()).isEqualTo("minute");
    assertThat(body.get("verifierToken").getStringValue()).isEqualTo("shared-token");
    assertThat(body.get("headers").get("X-Custom").getStringValue()).isEqualTo("static value");
    assertThat(body.get("headers").get("Authorization").getStringValue())
        .isEqualTo("Bearer receiver-key");
    String secret = body.get("secret").getStringValue();
    assertThat(secret).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    assertThat(body.get("createdAt").getStringValue()).endsWith("Z");
    assertThat(body.get("updatedAt").getStringValue()).isEqualTo(
        body.get("createdAt").getStringValue());
    assertThat(body.get("disabledReason")).isNull();
    assertThat(body.get("disabledAt")).isNull();

    assertThat(queryOne("SELECT delay_amount || ' ' || delay_unit FROM hookline.webhook"
        + " WHERE id = ?", id)).isEqualTo("10 minute");
    assertThat(query("SELECT position, format, url, array_to_string(fields, '|')"
        + " FROM hookline.destination WHERE webhook_id = ? ORDER BY position", id))
        .containsExactly(
            java.util.List.of("0", "json", "https://erp.example.com/hooks", "order_id|total"),
            java.util.Arrays.asList("1", "xml", "http://legacy.example.com:8081/in?x=1", null));
  }

  @Test
  void minimalBodyTakesTheDefaultsAndAnswersAnEmptyDelayList() {
    String key = tenantWithKey("minimal")[1];
    JsonNode body = created(key, MINIMAL).json();
    assertThat(body.get("status").getStringValue()).isEqualTo("1");
    assertThat(body.get("webHookDelay").isArray()).isTrue();
    assertThat(body.get("webHookDelay").size()).isZero();
    assertThat(body.get("label").isNull()).isTrue();
    assertThat(body.get("verifierToken").isNull()).isTrue();
    assertThat(body.get("headers").isObject()).isTrue();
    assertThat(body.get("headers").size()).isZero();

    Response typeless = created(key, """
        {"event": "*", "webHookParameters": [{"url": "https://hooks.example.com/x"}]}""");
    assertThat(typeless.json().get("webHookParameters").get(0).get("type").getStringValue())
        .isEqualTo("json");
  }

  @Test
  void getShowsTheSameResourceWithItsSecret() {
    String key = tenantWithKey("showing")[1];
    Response created = created(key, FULL);
    Response shown = call("GET", "/webHooks/" + created.text("id"), key, null);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json()).isEqualTo(created.json());
  }

  @Test
  void putReplacesTheWholeResourceButNotTheSecret() {
    String key = tenantWithKey("replacing")[1];
    Response created = created(key, FULL);
    String id = created.text("id");
    Response replaced = call("PUT", "/webHooks/" + id, key, """
        {"event": "customer.created", "status": "1", "secret": "whsec_ignored",
         "webHookParameters": [{"type": "xml", "url": "https://new.example.com/"}]}""");

    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    JsonNode body = replaced.json();
    assertThat(body.get("id").getStringValue()).isEqualTo(id);
    assertThat(body.get("event").getStringValue()).isEqualTo("customer.created");
    assertThat(body.get("label").isNull()).as("omitted fields are cleared").isTrue();
    assertThat(body.get("webHookDelay").size()).isZero();
    assertThat(body.get("verifierToken").isNull()).isTrue();
    assertThat(body.get("headers").size()).isZero();
    assertThat(body.get("webHookParameters").size()).isEqualTo(1);
    assertThat(body.get("webHookParameters").get(0).get("url").getStringValue())
        .isEqualTo("https://new.example.com/");
    assertThat(body.get("secret").getStringValue()).isEqualTo(created.text("secret"));
    assertThat(body.get("createdAt")).isEqualTo(created.json().get("createdAt"));
    assertThat(call("GET", "/webHooks/" + id, key, null).json()).isEqualTo(body);

    // Old destinations stay (deliveries point at them), marked removed.
    assertThat(count("SELECT count(*) FROM hookline.destination WHERE webhook_id = ?", id))
        .isEqualTo(3);
    assertThat(count("SELECT count(*) FROM hookline.destination"
        + " WHERE webhook_id = ? AND removed_at IS NULL", id)).isEqualTo(1);
  }

  @Test
  void aGetBodyCanBeEditedAndSentBack() {
    String key = tenantWithKey("roundtrip")[1];
    Response created = created(key, FULL);
    String edited = created.body().replace("\"ERP sync\"", "\"ERP sync 2\"");
    Response replaced = call("PUT", "/webHooks/" + created.text("id"), key, edited);
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.text("label")).isEqualTo("ERP sync 2");
    assertThat(replaced.json().get("webHookParameters"))
        .isEqualTo(created.json().get("webHookParameters"));
    assertThat(replaced.json().get("webHookDelay")).isEqualTo(created.json().get("webHookDelay"));
  }

  @Test
  void deleteAnswers204AndTheWebhookIsGoneButKept() {
    String key = tenantWithKey("deleting")[1];
    String id = created(key, MINIMAL).text("id");
    Response deleted = call("DELETE", "/webHooks/" + id, key, null);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(call("GET", "/webHooks/" + id, key, null).status()).isEqualTo(404);
    assertThat(call("DELETE", "/webHooks/" + id, key, null).status()).isEqualTo(404);
    assertThat(call("PUT", "/webHooks/" + id, key, MINIMAL).status()).isEqualTo(404);
    assertThat(call("POST", "/webHooks/" + id + "/secret/rotate", key, null).status())
        .isEqualTo(404);
    assertThat(call("GET", "/webHooks", key, null).json().get("items").size()).isZero();
    assertThat(count("SELECT count(*) FROM hookline.webhook"
        + " WHERE id = ? AND deleted_at IS NOT NULL", id)).isEqualTo(1);
  }

  @Test
  void anotherTenantsWebhookIsNotFoundForEveryVerb() {
    String owner = tenantWithKey("owner")[1];
    String[] other = tenantWithKey("other");
    String id = created(owner, MINIMAL).text("id");
    for (Response response : new Response[] {
        call("GET", "/webHooks/" + id, other[1], null),
        call("PUT", "/webHooks/" + id, other[1], MINIMAL),
        call("DELETE", "/webHooks/" + id, other[1], null),
        call("POST", "/webHooks/" + id + "/secret/rotate", other[1], null)}) {
      assertThat(response.status()).isEqualTo(404);
      assertThat(response.contentType()).startsWith("application/problem+json");
    }
    assertThat(call("GET", "/webHooks/wh_doesnotexist", owner, null).status()).isEqualTo(404);
    // Naming the owner's tenant does not help another tenant's key either.
    String ownerTenant = queryOne("SELECT tenant_id FROM hookline.webhook WHERE id = ?", id);
    assertThat(call("GET", "/webHooks/" + id + "?tenant=" + ownerTenant, other[1], null)
        .status()).isEqualTo(404);
    assertThat(call("GET", "/webHooks", other[1], null).json().get("items").size()).isZero();
    // Nothing changed for the owner.
    Response shown = call("GET", "/webHooks/" + id, owner, null);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json().get("webHookParameters").size()).isEqualTo(1);
  }

  @Test
  void adminNamesTheTenantWithAQueryParameterOrBodyField() {
    String tenant = newTenant("administered");
    Response missing = call("POST", "/webHooks", ADMIN, MINIMAL);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(errorFields(missing)).containsExactly("tenant");

    Response byQuery = call("POST", "/webHooks?tenant=" + tenant, ADMIN, MINIMAL);
    assertThat(byQuery.status()).isEqualTo(201);
    Response byBody = call("POST", "/webHooks", ADMIN,
        MINIMAL.replace("{\"event\"", "{\"tenant\": \"" + tenant + "\", \"event\""));
    assertThat(byBody.status()).as(byBody.body()).isEqualTo(201);
    assertThat(count("SELECT count(*) FROM hookline.webhook WHERE tenant_id = ?", tenant))
        .isEqualTo(2);
    assertThat(call("POST", "/webHooks?tenant=ten_unknown", ADMIN, MINIMAL).status())
        .isEqualTo(404);

    Response list = call("GET", "/webHooks?tenant=" + tenant, ADMIN, null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("items").size()).isEqualTo(2);
    assertThat(list.text("href")).endsWith("/webHooks?page=0&limit=25&tenant=" + tenant);
    assertThat(call("GET", "/webHooks", ADMIN, null).status()).isEqualTo(400);

    String id = byQuery.text("id");
    assertThat(call("GET", "/webHooks/" + id + "?tenant=" + tenant, ADMIN, null).status())
        .isEqualTo(200);
    assertThat(call("GET", "/webHooks/" + id, ADMIN, null).status())
        .as("the admin may follow an href without naming the tenant").isEqualTo(200);
    assertThat(call("GET", "/webHooks/" + id + "?tenant=" + newTenant("elsewhere"), ADMIN, null)
        .status()).isEqualTo(404);
    assertThat(call("PUT", "/webHooks/" + id + "?tenant=" + tenant, ADMIN,
        MINIMAL.replace("order_confirm", "order.paid")).json().get("event").getStringValue())
        .isEqualTo("order.paid");
    assertThat(call("POST", "/webHooks/" + id + "/secret/rotate?tenant=" + tenant, ADMIN, null)
        .status()).isEqualTo(200);
    assertThat(call("DELETE", "/webHooks/" + id + "?tenant=" + tenant, ADMIN, null).status())
        .isEqualTo(204);
  }

  @Test
  void aTenantKeyNamingAnotherTenantIsNotFound() {
    String key = tenantWithKey("named")[1];
    String other = newTenant("not-mine");
    assertThat(call("POST", "/webHooks?tenant=" + other, key, MINIMAL).status()).isEqualTo(404);
    assertThat(call("GET", "/webHooks?tenant=" + other, key, null).status()).isEqualTo(404);
    assertThat(count("SELECT count(*) FROM hookline.webhook WHERE tenant_id = ?", other))
        .isZero();
  }
}
