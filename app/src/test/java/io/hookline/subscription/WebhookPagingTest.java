package io.hookline.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /webHooks pages in Shoprenter's shape, oldest first. */
class WebhookPagingTest extends SubscriptionTest {
  String key;
  final List<String> ids = new ArrayList<>();

  @BeforeAll
  void fiveWebhooks() {
    key = tenantWithKey("paging")[1];
    for (int i = 0; i < 5; i++) {
      ids.add(created(key, MINIMAL.replace("order_confirm", "event" + i)).text("id"));
    }
    // Another tenant's webhooks never appear.
    created(tenantWithKey("noise")[1], MINIMAL);
  }

  String page(int page, int limit) {
    return server.getURL() + "/webHooks?page=" + page + "&limit=" + limit;
  }

  static String href(JsonNode link) {
    return link.isNull() ? null : link.get("href").getStringValue();
  }

  static List<String> itemIds(Response response) {
    List<String> result = new ArrayList<>();
    for (JsonNode item : response.json().get("items").values()) {
      result.add(item.get("id").getStringValue());
    }
    return result;
  }

  @Test
  void firstMiddleAndLastPages() {
    Response first = call("GET", "/webHooks?page=0&limit=2", key, null);
    assertThat(first.status()).isEqualTo(200);
    JsonNode body = first.json();
    assertThat(body.get("href").getStringValue()).isEqualTo(page(0, 2));
    assertThat(body.get("offset").getLongValue()).isZero();
    assertThat(body.get("limit").getIntValue()).isEqualTo(2);
    assertThat(body.get("pageCount").getLongValue()).isEqualTo(3);
    assertThat(href(body.get("first"))).isEqualTo(page(0, 2));
    assertThat(body.get("previous").isNull()).isTrue();
    assertThat(href(body.get("next"))).isEqualTo(page(1, 2));
    assertThat(href(body.get("last"))).isEqualTo(page(2, 2));
    assertThat(itemIds(first)).containsExactly(ids.get(0), ids.get(1));

    Response middle = call("GET", "/webHooks?page=1&limit=2", key, null);
    assertThat(middle.json().get("offset").getLongValue()).isEqualTo(2);
    assertThat(href(middle.json().get("previous"))).isEqualTo(page(0, 2));
    assertThat(href(middle.json().get("next"))).isEqualTo(page(2, 2));
    assertThat(itemIds(middle)).containsExactly(ids.get(2), ids.get(3));

    Response last = call("GET", "/webHooks?page=2&limit=2", key, null);
    assertThat(last.json().get("offset").getLongValue()).isEqualTo(4);
    assertThat(href(last.json().get("previous"))).isEqualTo(page(1, 2));
    assertThat(last.json().get("next").isNull()).isTrue();
    assertThat(itemIds(last)).containsExactly(ids.get(4));
  }

  @Test
  void itemsAreWholeResources() {
    JsonNode item = call("GET", "/webHooks?limit=1", key, null).json().get("items").get(0);
    JsonNode shown = call("GET", "/webHooks/" + ids.get(0), key, null).json();
    assertThat(item).isEqualTo(shown);
    assertThat(item.get("secret").getStringValue()).startsWith("whsec_");
    assertThat(item.get("webHookParameters").get(0).get("webHook").get("href").getStringValue())
        .isEqualTo(server.getURL() + "/webHooks/" + ids.get(0));
  }

  @Test
  void defaultsAreTheFirstPageOf25() {
    Response response = call("GET", "/webHooks", key, null);
    JsonNode body = response.json();
    assertThat(body.get("href").getStringValue()).isEqualTo(page(0, 25));
    assertThat(body.get("limit").getIntValue()).isEqualTo(25);
    assertThat(body.get("pageCount").getLongValue()).isEqualTo(1);
    assertThat(href(body.get("first"))).isEqualTo(href(body.get("last")));
    assertThat(body.get("previous").isNull()).isTrue();
    assertThat(body.get("next").isNull()).isTrue();
    assertThat(itemIds(response)).isEqualTo(ids);
  }

  @Test
  void aPageBeyondTheEndIsEmptyAndPointsBack() {
    Response response = call("GET", "/webHooks?page=7&limit=2", key, null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("items").size()).isZero();
    assertThat(response.json().get("offset").getLongValue()).isEqualTo(14);
    assertThat(href(response.json().get("previous"))).isEqualTo(page(2, 2));
    assertThat(response.json().get("next").isNull()).isTrue();
  }

  @Test
  void anEmptyList() {
    Response response = call("GET", "/webHooks?limit=10", tenantWithKey("empty")[1], null);
    JsonNode body = response.json();
    assertThat(body.get("pageCount").getLongValue()).isZero();
    assertThat(body.get("offset").getLongValue()).isZero();
    assertThat(href(body.get("first"))).isEqualTo(page(0, 10));
    assertThat(href(body.get("last"))).isEqualTo(page(0, 10));
    assertThat(body.get("previous").isNull()).isTrue();
    assertThat(body.get("next").isNull()).isTrue();
    assertThat(body.get("items").isArray()).isTrue();
    assertThat(body.get("items").size()).isZero();
  }

  @Test
  void deletedWebhooksLeaveThePages() {
    String[] other = tenantWithKey("deleting-pages");
    String gone = created(other[1], MINIMAL).text("id");
    String kept = created(other[1], MINIMAL).text("id");
    call("DELETE", "/webHooks/" + gone, other[1], null);
    Response response = call("GET", "/webHooks", other[1], null);
    assertThat(itemIds(response)).containsExactly(kept);
    assertThat(response.json().get("pageCount").getLongValue()).isEqualTo(1);
  }

  @Test
  void badPagingParametersAreNamed() {
    Response response = call("GET", "/webHooks?page=-1&limit=0", key, null);
    assertThat(response.status()).isEqualTo(400);
    assertThat(errorFields(response)).containsExactly("page", "limit");
    assertThat(errorFields(call("GET", "/webHooks?limit=201", key, null)))
        .containsExactly("limit");
    assertThat(errorFields(call("GET", "/webHooks?page=first", key, null)))
        .containsExactly("page");
    assertThat(call("GET", "/webHooks?limit=200", key, null).status()).isEqualTo(200);
  }
}
