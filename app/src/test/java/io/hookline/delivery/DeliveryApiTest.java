package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeliveryApiTest extends ApiTest {
  static final Instant T0 = Instant.parse("2030-03-01T10:00:00Z");

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  DeliveryRows rows;
  String acme;
  String acmeKey;
  String globex;
  String globexKey;
  String orders;
  String invoices;

  @BeforeAll
  void seed() {
    rows = new DeliveryRows(resolver.resolve(dataSource));
    acme = newTenant("acme");
    acmeKey = newKey(acme);
    globex = newTenant("globex");
    globexKey = newKey(globex);
    orders = rows.webhook(acme, "order.*", "https://erp.example.com/a", "https://erp.example.com/b");
    invoices = rows.webhook(acme, "invoice.sent", "https://books.example.com/hook");
  }

  @Test
  void anEventsDeliveriesCarryTheirAttempts() {
    long event = rows.event(acme, "ord_1001", "order.created", T0);
    List<Long> destinations = rows.destinations(orders);
    long first = rows.delivery(event, orders, destinations.get(0), "delivered", T0);
    long second = rows.delivery(event, orders, destinations.get(1), "dropped", T0);
    rows.attempt(first, T0.plusSeconds(1), null, "connection refused", null, "scheduled");
    rows.attempt(first, T0.plusSeconds(7), 200, null, "ok", "replay");
    rows.attempt(second, T0.plusSeconds(1), 410, null, "gone", "scheduled");

    Response response = call("GET", "/events/ord_1001/deliveries", acmeKey, null);

    assertThat(response.status()).isEqualTo(200);
    JsonNode items = response.json().get("items");
    assertThat(items.size()).isEqualTo(2);
    JsonNode delivered = items.get(0);
    assertThat(delivered.get("id").getStringValue()).isEqualTo("dlv_" + first);
    assertThat(delivered.get("eventId").getStringValue()).isEqualTo("ord_1001");
    assertThat(delivered.get("webhookId").getStringValue()).isEqualTo(orders);
    assertThat(delivered.get("url").getStringValue()).isEqualTo("https://erp.example.com/a");
    assertThat(delivered.get("status").getStringValue()).isEqualTo("delivered");
    assertThat(delivered.get("attemptCount").getIntValue()).isEqualTo(2);
    assertThat(delivered.get("nextAttemptAt").isNull()).isTrue();
    assertThat(delivered.get("reason")).isNull();
    assertThat(delivered.get("createdAt").getStringValue()).isEqualTo("2030-03-01T10:00:00Z");
    JsonNode refused = delivered.get("attempts").get(0);
    assertThat(refused.get("at").getStringValue()).isEqualTo("2030-03-01T10:00:01Z");
    assertThat(refused.get("durationMs").getIntValue()).isEqualTo(120);
    assertThat(refused.get("statusCode").isNull()).isTrue();
    assertThat(refused.get("error").getStringValue()).isEqualTo("connection refused");
    assertThat(refused.get("response").isNull()).isTrue();
    assertThat(refused.get("trigger").getStringValue()).isEqualTo("scheduled");
    JsonNode ok = delivered.get("attempts").get(1);
    assertThat(ok.get("statusCode").getIntValue()).isEqualTo(200);
    assertThat(ok.get("response").getStringValue()).isEqualTo("ok");
    assertThat(ok.get("trigger").getStringValue()).isEqualTo("replay");
    assertThat(items.get(1).get("reason").getStringValue()).isEqualTo("HTTP 410");
    assertThat(items.get(1).get("attempts").get(0).get("statusCode").getIntValue()).isEqualTo(410);

    Response one = call("GET", "/deliveries/dlv_" + first, acmeKey, null);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("attempts").size()).isEqualTo(2);
    Response asAdmin = call("GET", "/events/ord_1001/deliveries?tenant=" + acme, ADMIN, null);
    assertThat(asAdmin.json().get("items").size()).isEqualTo(2);
  }

  @Test
  void aPendingDeliveryShowsWhenItIsDue() {
    long event = rows.event(acme, "ord_pending", "order.created", T0);
    long pending = rows.delivery(event, orders, "pending", T0);
    Response response = call("GET", "/deliveries/dlv_" + pending, acmeKey, null);
    assertThat(response.text("nextAttemptAt")).isEqualTo("2030-03-01T10:00:00Z");
    assertThat(response.json().get("attempts").size()).isZero();
  }

  @Test
  void anotherTenantsDeliveriesAndEventsAreNotFound() {
    long event = rows.event(acme, "ord_secret", "order.created", T0);
    long delivery = rows.delivery(event, orders, "failed", T0);

    for (Response response : List.of(
        call("GET", "/events/ord_secret/deliveries", globexKey, null),
        call("GET", "/deliveries/dlv_" + delivery, globexKey, null),
        call("POST", "/deliveries/dlv_" + delivery + "/replay", globexKey, "{}"),
        call("GET", "/deliveries?tenant=" + acme, globexKey, null),
        call("GET", "/events/ord_missing/deliveries", acmeKey, null),
        call("GET", "/deliveries/dlv_999999999", acmeKey, null),
        call("GET", "/deliveries/nonsense", acmeKey, null))) {
      assertThat(response.status()).isEqualTo(404);
      assertThat(response.contentType()).startsWith("application/problem+json");
    }
    assertThat(ids(call("GET", "/deliveries?event=ord_secret", globexKey, null))).isEmpty();
    assertThat(ids(call("GET", "/deliveries?event=ord_secret", acmeKey, null)))
        .containsExactly("dlv_" + delivery);
    assertThat(rows.delivery(delivery).get("status")).isEqualTo("failed");
  }

  @Test
  void filtersSelectAndPagesWalkNewestFirst() {
    String tenant = newTenant("paging");
    String key = newKey(tenant);
    String hook = rows.webhook(tenant, "*", "https://p.example.com/1");
    String other = rows.webhook(tenant, "*", "https://p.example.com/2");
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Instant at = T0.plus(Duration.ofHours(i));
      long event = rows.event(tenant, "p_" + i, i % 2 == 0 ? "order.created" : "invoice.sent", at);
      all.add(0, "dlv_" + rows.delivery(event, i < 5 ? hook : other,
          i % 3 == 0 ? "failed" : "delivered", at));
    }

    assertThat(ids(call("GET", "/deliveries", key, null))).isEqualTo(all);
    assertThat(ids(call("GET", "/deliveries?status=failed", key, null)))
        .containsExactly(all.get(0), all.get(3), all.get(6));
    assertThat(ids(call("GET", "/deliveries?status=failed,dropped&webhook=" + hook, key, null)))
        .containsExactly(all.get(3), all.get(6));
    assertThat(ids(call("GET", "/deliveries?eventType=invoice.sent", key, null)))
        .containsExactly(all.get(1), all.get(3), all.get(5));
    assertThat(ids(call("GET", "/deliveries?event=p_4", key, null))).containsExactly(all.get(2));
    assertThat(ids(call("GET", "/deliveries?since=2030-03-01T12:00:00Z&until=2030-03-01T14:00:00Z",
        key, null))).containsExactly(all.get(3), all.get(4));
    assertThat(ids(call("GET", "/deliveries?webhook=" + other, key, null)))
        .containsExactly(all.get(0), all.get(1));

    List<String> walked = new ArrayList<>();
    String path = "/deliveries?limit=3";
    int pages = 0;
    while (path != null) {
      Response page = call("GET", path, key, null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().get("items").size()).isLessThanOrEqualTo(3);
      walked.addAll(ids(page));
      String next = page.text("next");
      path = next == null ? null : "/deliveries?limit=3&cursor=" + next;
      pages++;
    }
    assertThat(walked).isEqualTo(all);
    assertThat(pages).isEqualTo(3);
    Response last = call("GET", "/deliveries?limit=7", key, null);
    assertThat(last.json().get("next").isNull()).isTrue();
  }

  @Test
  void listingsCarryAttemptsOnlyWhenAsked() {
    String tenant = newTenant("attempts");
    String key = newKey(tenant);
    String hook = rows.webhook(tenant, "*", "https://a.example.com/1");
    for (int i = 0; i < 3; i++) {
      long delivery = rows.delivery(rows.event(tenant, "a_" + i, "order.created", T0), hook,
          "failed", T0);
      for (int n = 0; n <= i; n++) {
        rows.attempt(delivery, T0.plusSeconds(n), 500 + n, null, "down " + i, "scheduled");
      }
    }
    Response plain = call("GET", "/deliveries", key, null);
    assertThat(plain.json().get("items").get(0).get("attempts")).isNull();
    JsonNode items = call("GET", "/deliveries?attempts=true", key, null).json().get("items");
    for (int i = 0; i < 3; i++) {
      JsonNode attempts = items.get(2 - i).get("attempts");
      assertThat(attempts.size()).isEqualTo(i + 1);
      assertThat(attempts.get(i).get("statusCode").getIntValue()).isEqualTo(500 + i);
      assertThat(attempts.get(0).get("response").getStringValue()).isEqualTo("down " + i);
    }
  }

  @Test
  void theAdminListsAcrossTenantsOrOne() {
    String one = newTenant("one");
    String two = newTenant("two");
    long a = rows.delivery(rows.event(one, "x_1", "order.created", T0),
        rows.webhook(one, "*", "https://one.example.com"), "failed", T0);
    long b = rows.delivery(rows.event(two, "x_1", "order.created", T0),
        rows.webhook(two, "*", "https://two.example.com"), "failed", T0);
    assertThat(ids(call("GET", "/deliveries?event=x_1", ADMIN, null)))
        .containsExactly("dlv_" + b, "dlv_" + a);
    assertThat(ids(call("GET", "/deliveries?event=x_1&tenant=" + one, ADMIN, null)))
        .containsExactly("dlv_" + a);
    assertThat(call("GET", "/deliveries/dlv_" + b, ADMIN, null).status()).isEqualTo(200);
    assertThat(call("GET", "/events/x_1/deliveries", ADMIN, null).status()).isEqualTo(400);
  }

  @Test
  void everyBadParameterIsNamed() {
    Response response = call("GET", "/deliveries?status=lost&since=yesterday&until=soon"
        + "&cursor=bm9wZQ&limit=501&attempts=maybe", acmeKey, null);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    List<String> fields = new ArrayList<>();
    response.json().get("errors").values().forEach(e -> fields.add(e.get("field").getStringValue()));
    assertThat(fields).containsExactlyInAnyOrder("status", "since", "until", "cursor", "limit",
        "attempts");
    for (String query : List.of("limit=0", "limit=abc", "cursor=%25%25", "cursor=YWZ0ZXI6LTE", "since=2030-13-01",
        "since=2030-03-02&until=2030-03-01")) {
      assertThat(call("GET", "/deliveries?" + query, acmeKey, null).status())
          .as(query).isEqualTo(400);
    }
    assertThat(call("GET", "/deliveries?since=2030-03-01&until=2030-03-01T12:00:00%2B02:00",
        acmeKey, null).status()).isEqualTo(200);
  }

  @Test
  void junkInIdsAndFiltersIsAnsweredCleanly() {
    for (String path : List.of("/events/%00/deliveries", "/events/" + "x".repeat(3000)
        + "/deliveries", "/events/ord_1/deliveries?tenant=%00", "/deliveries/dlv_-1",
        "/deliveries/dlv_99999999999999999999", "/deliveries/%00")) {
      Response response = call("GET", path, path.contains("tenant=") ? ADMIN : acmeKey, null);
      assertThat(response.status()).as(path).isEqualTo(404);
    }
    for (String query : List.of("webhook=%00", "event=%27%20OR%201%3D1", "eventType=a%00b",
        "tenant=%00", "webhook=" + "w".repeat(300))) {
      Response response = call("GET", "/deliveries?" + query, ADMIN, null);
      assertThat(response.status()).as(query).isEqualTo(400);
      assertThat(response.body()).doesNotContain("java.").doesNotContain("Exception");
    }
  }

  private static List<String> ids(Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    response.json().get("items").values().forEach(item -> ids.add(item.get("id").getStringValue()));
    return ids;
  }
}
