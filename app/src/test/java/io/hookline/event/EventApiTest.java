package io.hookline.event;

import io.hookline.time.StoppedClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.annotation.MockBean;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventApiTest extends ApiTest {
  private final StoppedClock clock = new StoppedClock(Instant.parse("2026-11-22T22:40:37.356789Z"));

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  EventFixtures db;

  @MockBean(Clock.class)
  Clock clock() {
    return clock;
  }

  @BeforeAll
  void setUp() {
    db = new EventFixtures(resolver.resolve(dataSource));
  }

  @Test
  void answers202WithTheStoredEnvelopeAndCreatesItsDeliveries() {
    String tenant = newTenant("acme");
    String key = newKey(tenant);
    db.webhook(tenant, "order.*", "https://erp.example.com/hooks");
    db.webhook(tenant, "customer.*", "https://crm.example.com/hooks");
    clock.set(Instant.parse("2026-11-22T22:40:37.356789Z"));

    Response created = call("POST", "/events", key, """
        {"event": "order.created", "data": {"order_id": "ord_789abc", "total": 199.98,
         "items": [{"product_id": "prod_123", "quantity": 2}]}}""");

    assertThat(created.status()).isEqualTo(202);
    assertThat(created.contentType()).startsWith("application/json");
    assertThat(created.body()).matches("\\{\"id\":\"evt_[0-9A-Za-z]{22}\",\"event\":\"order.created\","
        + "\"created_at\":\"2026-11-22T22:40:37.356Z\",\"data\":\\{.*\\}\\}");
    assertThat(created.json().get("data").get("total").getDoubleValue()).isEqualTo(199.98);
    assertThat(created.json().get("data").get("items").get(0).get("quantity").getIntValue())
        .isEqualTo(2);
    String id = created.text("id");
    assertThat(db.rows("SELECT d.url, d.status FROM hookline.delivery d JOIN hookline.event e"
        + " ON e.pk = d.event_pk WHERE e.tenant_id = ? AND e.id = ?", tenant, id))
        .containsExactly(List.of("https://erp.example.com/hooks", "pending"));
    assertThat(db.rows("SELECT source FROM hookline.event WHERE id = ?", id))
        .containsExactly(List.of("api"));

    Response shown = call("GET", "/events/" + id, key, null);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.body()).isEqualTo(created.body());
  }

  @Test
  void theCallersIdBecomesTheEventIdAndARepeatAnswersTheFirstEvent() {
    String tenant = newTenant("by-id");
    String key = newKey(tenant);
    db.webhook(tenant, "*", "https://all.example/hook");

    Response first = call("POST", "/events", key,
        "{\"event\":\"payment.received\",\"data\":{\"n\":1},\"id\":\"pay_789xyz:1\"}");
    clock.advance(Duration.ofMinutes(5));
    Response repeat = call("POST", "/events", key,
        "{\"event\":\"payment.failed\",\"data\":{\"n\":2},\"id\":\"pay_789xyz:1\"}");

    assertThat(first.status()).isEqualTo(202);
    assertThat(first.text("id")).isEqualTo("pay_789xyz:1");
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(eventCount(tenant)).isEqualTo(1);
    assertThat(deliveryCount(tenant)).isEqualTo(1);
    // Ids are per tenant: another tenant may use the same one.
    assertThat(call("POST", "/events", newKey(newTenant("other")),
        "{\"event\":\"payment.received\",\"data\":{},\"id\":\"pay_789xyz:1\"}").status())
        .isEqualTo(202);
  }

  @Test
  void anIdempotencyKeyAnswersTheFirstEventFor24HoursAndRefusesAnotherBody() {
    String tenant = newTenant("by-key");
    String key = newKey(tenant);
    Map<String, String> idem = Map.of("Idempotency-Key", "checkout-7f3a");
    String body = "{\"event\":\"order.created\",\"data\":{\"a\":1,\"b\":{\"c\":[1,2],\"d\":null}}}";
    String reordered = "{\"data\":{\"b\":{\"d\":null,\"c\":[1,2]},\"a\":1},\"event\":\"order.created\"}";

    Response first = call("POST", "/events", key, body, idem);
    clock.advance(Duration.ofHours(23));
    Response repeat = call("POST", "/events", key, body, idem);
    Response sameInAnotherOrder = call("POST", "/events", key, reordered, idem);
    Response different = call("POST", "/events", key,
        "{\"event\":\"order.created\",\"data\":{\"a\":2}}", idem);

    assertThat(first.status()).isEqualTo(202);
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(sameInAnotherOrder.status()).isEqualTo(200);
    assertThat(sameInAnotherOrder.text("id")).isEqualTo(first.text("id"));
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.contentType()).startsWith("application/problem+json");
    assertThat(eventCount(tenant)).isEqualTo(1);
    // Keys are per tenant.
    assertThat(call("POST", "/events", newKey(newTenant("elsewhere")), body, idem).status())
        .isEqualTo(202);

    clock.advance(Duration.ofHours(1).plusMillis(1));
    Response afterADay = call("POST", "/events", key,
        "{\"event\":\"order.created\",\"data\":{\"a\":2}}", idem);
    assertThat(afterADay.status()).isEqualTo(202);
    assertThat(afterADay.text("id")).isNotEqualTo(first.text("id"));
    Response repeatOfTheNewOne = call("POST", "/events", key,
        "{\"event\":\"order.created\",\"data\":{\"a\":2}}", idem);
    assertThat(repeatOfTheNewOne.status()).isEqualTo(200);
    assertThat(repeatOfTheNewOne.text("id")).isEqualTo(afterADay.text("id"));
    assertThat(eventCount(tenant)).isEqualTo(2);
  }

  @Test
  void concurrentIdenticalRequestsCreateOneEvent() throws Exception {
    String tenant = newTenant("racing");
    String key = newKey(tenant);
    db.webhook(tenant, "*", "https://all.example/hook");
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Response>> byKey = new ArrayList<>();
      List<Callable<Response>> byId = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        byKey.add(() -> call("POST", "/events", key, "{\"event\":\"race\",\"data\":{}}",
            Map.of("Idempotency-Key", "same-key")));
        byId.add(() -> call("POST", "/events", key,
            "{\"event\":\"race\",\"data\":{},\"id\":\"same-id\"}"));
      }
      for (List<Callable<Response>> requests : List.of(byKey, byId)) {
        List<Response> answers = new ArrayList<>();
        for (Future<Response> answer : threads.invokeAll(requests, 2, TimeUnit.MINUTES)) {
          answers.add(answer.get());
        }
        assertThat(answers).map(Response::status).containsOnly(200, 202)
            .containsOnlyOnce(202);
        assertThat(answers.stream().map(r -> r.text("id")).collect(Collectors.toSet()))
            .hasSize(1);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(eventCount(tenant)).isEqualTo(2);
    assertThat(deliveryCount(tenant)).isEqualTo(2);
  }

  @Test
  void dataOverTheLimitIs413AndAtTheLimitIsAccepted() {
    String key = newKey(newTenant("big"));
    // {"blob":"xxx…"} is 11 bytes plus the x's; the default limit is 262144.
    Response over = call("POST", "/events", key,
        "{\"event\":\"big\",\"data\":{\"blob\":\"" + "x".repeat(262_134) + "\"}}");
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.contentType()).startsWith("application/problem+json");
    assertThat(over.text("detail")).contains("262145").contains("262144");
    assertThat(call("POST", "/events", key,
        "{\"event\":\"big\",\"data\":{\"blob\":\"" + "x".repeat(262_133) + "\"}}").status())
        .isEqualTo(202);
  }

  @Test
  void badRequestsNameEveryBadField() {
    String tenant = newTenant("bad");
    String key = newKey(tenant);
    Map<String, Set<String>> cases = Map.ofEntries(
        Map.entry("{}", Set.of("event", "data")),
        Map.entry("{\"event\":\"order..created\",\"data\":{}}", Set.of("event")),
        Map.entry("{\"event\":\"" + "e".repeat(201) + "\",\"data\":{}}", Set.of("event")),
        Map.entry("{\"event\":\"order.created\",\"data\":[1]}", Set.of("data")),
        Map.entry("{\"event\":\"order.created\",\"data\":null}", Set.of("data")),
        Map.entry("{\"event\":\"order.created\",\"data\":\"{}\"}", Set.of("data")),
        Map.entry("{\"event\":\"order.created\",\"data\":{},\"id\":\"has space\"}", Set.of("id")),
        Map.entry("{\"event\":\"order.created\",\"data\":{},\"id\":\"" + "i".repeat(129) + "\"}",
            Set.of("id")),
        Map.entry("{\"event\":7,\"data\":true,\"id\":5,\"extra\":1,\"Event\":\"x\"}",
            Set.of("event", "data", "id", "extra", "Event")),
        Map.entry("[1,2]", Set.of("body")));
    cases.forEach((body, fields) -> {
      Response response = call("POST", "/events", key, body);
      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(errorFields(response)).as(body).isEqualTo(fields);
    });
    for (String unreadable : new String[] {"{\"event\":", "", "not json"}) {
      Response response = call("POST", "/events", key, unreadable);
      assertThat(response.status()).as(unreadable).isEqualTo(400);
      assertThat(response.contentType()).startsWith("application/problem+json");
    }
    Response longKey = call("POST", "/events", key, "{\"event\":\"a\",\"data\":{}}",
        Map.of("Idempotency-Key", "k".repeat(256)));
    assertThat(errorFields(longKey)).containsExactly("Idempotency-Key");
    assertThat(eventCount(tenant)).isZero();
  }

  @Test
  void eventsAreSeenOnlyByTheirTenant() {
    String mine = newTenant("mine");
    String theirs = newTenant("theirs");
    String myKey = newKey(mine);
    String id = call("POST", "/events", myKey, "{\"event\":\"secret\",\"data\":{}}").text("id");

    assertThat(call("GET", "/events/" + id, myKey, null).status()).isEqualTo(200);
    assertThat(call("GET", "/events/" + id, newKey(theirs), null).status()).isEqualTo(404);
    assertThat(call("GET", "/events/" + id + "?tenant=" + mine, newKey(theirs), null).status())
        .isEqualTo(404);
    assertThat(call("GET", "/events/evt_nope", myKey, null).status()).isEqualTo(404);
    assertThat(call("GET", "/events/" + id + "?tenant=" + mine, ADMIN, null).status())
        .isEqualTo(200);
    assertThat(call("GET", "/events/" + id + "?tenant=" + theirs, ADMIN, null).status())
        .isEqualTo(404);
    assertThat(call("GET", "/events/" + id, ADMIN, null).status()).isEqualTo(400);
  }

  @Test
  void theAdminNamesTheTenantInTheBody() {
    String tenant = newTenant("administered");
    Response created = call("POST", "/events", ADMIN,
        "{\"tenant\":\"" + tenant + "\",\"event\":\"order.created\",\"data\":{}}");
    assertThat(created.status()).isEqualTo(202);
    assertThat(db.rows("SELECT tenant_id FROM hookline.event WHERE id = ?", created.text("id")))
        .containsExactly(List.of(tenant));

    Response missing = call("POST", "/events", ADMIN, "{\"event\":\"order.created\",\"data\":{}}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(errorFields(missing)).containsExactly("tenant");
    assertThat(call("POST", "/events", ADMIN,
        "{\"tenant\":\"ten_nope\",\"event\":\"order.created\",\"data\":{}}").status())
        .isEqualTo(404);
    // A tenant key may name its own tenant, never another.
    String key = newKey(tenant);
    assertThat(call("POST", "/events", key,
        "{\"tenant\":\"" + tenant + "\",\"event\":\"a\",\"data\":{}}").status()).isEqualTo(202);
    assertThat(call("POST", "/events", key,
        "{\"tenant\":\"" + newTenant("another") + "\",\"event\":\"a\",\"data\":{}}").status())
        .isEqualTo(404);
  }

  private static Set<String> errorFields(Response response) {
    Set<String> fields = new java.util.HashSet<>();
    response.json().get("errors").values()
        .forEach(error -> fields.add(error.get("field").getStringValue()));
    return fields;
  }

  private long eventCount(String tenant) {
    return db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ?", tenant);
  }

  private long deliveryCount(String tenant) {
    return db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant);
  }
}
