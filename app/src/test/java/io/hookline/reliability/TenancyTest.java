package io.hookline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * For every endpoint: another tenant's key never reaches this tenant's data (404, or absent from
 * its listings), a revoked key is refused (401), and a tenant key on admin calls gets 403.
 */
class TenancyTest extends ApiTest {
  private String ownerKey;
  private String strangerKey;
  private String revokedKey;
  private String webhookId;
  private String eventId;
  private String deliveryId;
  private String replayId;

  private record Call(String method, String path, String body) {}

  @BeforeAll
  void seed() {
    String owner = newTenant("owner");
    ownerKey = newKey(owner);
    strangerKey = newKey(newTenant("stranger"));
    Response revocable = call("POST", "/tenants/" + owner + "/api-keys", ADMIN, null);
    revokedKey = revocable.text("key");
    assertThat(call("DELETE", "/tenants/" + owner + "/api-keys/" + revocable.text("id"), ADMIN,
        null).status()).isEqualTo(204);

    Response webhook = call("POST", "/webHooks", ownerKey, "{\"event\":\"order.*\","
        + "\"webHookParameters\":[{\"type\":\"json\",\"url\":\"https://example.com/hooks\"}]}");
    assertThat(webhook.status()).isEqualTo(201);
    webhookId = webhook.text("id");
    Response event = call("POST", "/events", ownerKey,
        "{\"event\":\"order.created\",\"data\":{\"order_id\":1}}");
    assertThat(event.status()).isEqualTo(202);
    eventId = event.text("id");
    Response deliveries = call("GET", "/events/" + eventId + "/deliveries", ownerKey, null);
    assertThat(deliveries.status()).isEqualTo(200);
    deliveryId = deliveries.json().get("items").get(0).get("id").getStringValue();
    Response replay = call("POST", "/replays", ownerKey,
        "{\"filter\":{\"webhook\":\"" + webhookId + "\"},\"dryRun\":false}");
    assertThat(replay.status()).as(replay.body()).isEqualTo(202);
    replayId = replay.text("id");
  }

  private List<Call> scopedCalls() {
    String webhookBody = "{\"event\":\"order.*\",\"webHookParameters\":[{\"type\":\"json\","
        + "\"url\":\"https://example.com/other\"}]}";
    return List.of(
        new Call("GET", "/webHooks/" + webhookId, null),
        new Call("PUT", "/webHooks/" + webhookId, webhookBody),
        new Call("POST", "/webHooks/" + webhookId + "/secret/rotate", null),
        new Call("DELETE", "/webHooks/" + webhookId, null),
        new Call("GET", "/events/" + eventId, null),
        new Call("GET", "/events/" + eventId + "/deliveries", null),
        new Call("GET", "/deliveries/" + deliveryId, null),
        new Call("POST", "/deliveries/" + deliveryId + "/replay", null),
        new Call("GET", "/replays/" + replayId, null),
        new Call("POST", "/replays", "{\"webhook\":\"" + webhookId + "\",\"fromEvents\":"
            + "{\"since\":\"2020-01-01T00:00:00Z\"}}"));
  }

  @Test
  void anotherTenantsKeyFindsNothing() {
    for (Call c : scopedCalls()) {
      Response response = call(c.method(), c.path(), strangerKey, c.body());
      assertThat(response.status()).as("%s %s", c.method(), c.path()).isEqualTo(404);
      assertThat(response.contentType()).startsWith("application/problem+json");
    }
    assertThat(call("GET", "/webHooks", strangerKey, null).body()).doesNotContain(webhookId);
    assertThat(call("GET", "/deliveries", strangerKey, null).body()).doesNotContain(deliveryId);
    assertThat(call("GET", "/deliveries?webhook=" + webhookId, strangerKey, null).body())
        .doesNotContain(deliveryId);
    // The owner still sees everything untouched.
    assertThat(call("GET", "/webHooks/" + webhookId, ownerKey, null).status()).isEqualTo(200);
    assertThat(call("GET", "/deliveries/" + deliveryId, ownerKey, null).status()).isEqualTo(200);
  }

  @Test
  void aRevokedKeyIsRefusedEverywhere() {
    List<Call> calls = new java.util.ArrayList<>(scopedCalls());
    calls.add(new Call("GET", "/webHooks", null));
    calls.add(new Call("POST", "/webHooks", "{}"));
    calls.add(new Call("POST", "/events", "{\"event\":\"a\",\"data\":{}}"));
    calls.add(new Call("GET", "/deliveries", null));
    calls.add(new Call("POST", "/replays", "{\"filter\":{},\"dryRun\":true}"));
    for (Call c : calls) {
      Response response = call(c.method(), c.path(), revokedKey, c.body());
      assertThat(response.status()).as("%s %s", c.method(), c.path()).isEqualTo(401);
    }
  }

  @Test
  void tenantKeysGet403OnAdminCalls() {
    assertThat(call("POST", "/tenants", ownerKey, "{\"name\":\"x\"}").status()).isEqualTo(403);
    assertThat(call("POST", "/tenants/ten_x/api-keys", ownerKey, null).status()).isEqualTo(403);
    assertThat(call("DELETE", "/tenants/ten_x/api-keys/key_x", ownerKey, null).status())
        .isEqualTo(403);
  }
}
