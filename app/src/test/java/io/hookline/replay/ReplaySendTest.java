package io.hookline.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.hookline.api.ApiTest;
import io.hookline.delivery.DeliveryRows;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.model.HttpRequest;

/**
 * Replays end to end: the real workers (delivery engine and replay runner) send what a replay
 * moved, with the event's id as webhook-id and an attempt recorded with trigger 'replay'.
 */
class ReplaySendTest extends ApiTest {
  static final Instant T0 = Instant.now().minus(Duration.ofDays(1));

  final ClientAndServer receiver = ClientAndServer.startClientAndServer();

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  @Override
  protected Map<String, String> extraProperties() {
    return Map.of("hookline.worker.enabled", "true",
        "hookline.delivery.allow-private-targets", "true");
  }

  @AfterAll
  void stopReceiver() {
    receiver.stop();
  }

  @Test
  void aReplayedDeliveryIsSentAgainWithTheSameWebhookId() {
    receiver.when(request().withPath("/again")).respond(response().withStatusCode(200));
    DeliveryRows rows = new DeliveryRows(resolver.resolve(dataSource));
    String tenant = newTenant("e2e");
    String hook = rows.webhook(tenant, "*", "http://127.0.0.1:" + receiver.getPort() + "/again");
    long single = rows.delivery(rows.event(tenant, "ord_single", "order.created", T0), hook,
        "failed", T0);
    long bulk = rows.delivery(rows.event(tenant, "ord_bulk", "order.created", T0), hook,
        "dropped", T0);

    assertThat(call("POST", "/deliveries/dlv_" + single + "/replay", ADMIN, null).status())
        .isEqualTo(202);
    assertThat(call("POST", "/replays", ADMIN, "{\"filter\": {\"webhook\": \"" + hook
        + "\", \"status\": \"dropped\"}}").status()).isEqualTo(202);

    for (long delivery : new long[] {single, bulk}) {
      await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(
          rows.delivery(delivery).get("status")));
      assertThat(rows.column("SELECT trigger FROM hookline.attempt WHERE delivery_id = ?",
          delivery)).containsExactly("replay");
    }
    HttpRequest[] received = receiver.retrieveRecordedRequests(request().withPath("/again"));
    assertThat(received).extracting(r -> r.getFirstHeader("webhook-id"))
        .containsExactlyInAnyOrder("ord_single", "ord_bulk");
  }

  /**
   * The operator's path: a delivered webhook, then `hookline replay dlv_…` run as the CLI runs
   * (picocli, over HTTP, with the admin token). The receiver gets the same webhook-id again with
   * a fresh signature that the independent Standard Webhooks library accepts.
   */
  @Test
  void theCliReplayReachesTheReceiverWithTheSameWebhookIdAndAValidSignature() throws Exception {
    receiver.when(request().withPath("/cli")).respond(response().withStatusCode(200));
    String key = newKey(newTenant("cli-e2e"));
    Response webhook = call("POST", "/webHooks", key, "{\"event\":\"order.*\","
        + "\"webHookParameters\":[{\"type\":\"json\",\"url\":\"http://127.0.0.1:"
        + receiver.getPort() + "/cli\"}]}");
    assertThat(webhook.status()).isEqualTo(201);
    String eventId = call("POST", "/events", key,
        "{\"event\":\"order.paid\",\"data\":{\"order_id\":7}}").text("id");
    DeliveryRows rows = new DeliveryRows(resolver.resolve(dataSource));
    await().atMost(Duration.ofSeconds(30)).until(() -> received("/cli").length == 1);
    String delivery = call("GET", "/events/" + eventId + "/deliveries", key, null).json()
        .get("items").get(0).get("id").getStringValue();
    await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(
        rows.delivery(Long.parseLong(delivery.substring(4))).get("status")));

    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine cli = io.hookline.Hookline.commandLine();
    cli.setOut(new java.io.PrintWriter(out, true));
    int exit = cli.execute("replay", delivery, "--url", server.getURL().toString(),
        "--token", ADMIN);
    assertThat(exit).as(out.toString()).isZero();

    await().atMost(Duration.ofSeconds(30)).until(() -> received("/cli").length == 2);
    HttpRequest[] both = received("/cli");
    assertThat(both).extracting(r -> r.getFirstHeader("webhook-id"))
        .containsExactly(eventId, eventId);
    for (HttpRequest got : both) {
      java.util.Map<String, java.util.List<String>> headers = new java.util.HashMap<>();
      got.getHeaderList().forEach(h -> headers.put(h.getName().getValue().toLowerCase(),
          h.getValues().stream().map(v -> v.getValue()).toList()));
      new com.standardwebhooks.Webhook(webhook.text("secret")).verify(
          new String(got.getBodyAsRawBytes(), java.nio.charset.StandardCharsets.UTF_8),
          headers);
    }
    assertThat(rows.column("SELECT trigger FROM hookline.attempt WHERE delivery_id = ?"
        + " ORDER BY id", Long.parseLong(delivery.substring(4))))
        .containsExactly("scheduled", "replay");
  }

  /**
   * Attempts are timed by Hookline's own histogram; Micronaut's client timer, which would keep a
   * timer per subscriber URL path, is not kept. The API's server timer still is.
   */
  @Test
  void attemptsAreTimedOnceAndNotPerSubscriberUrl() {
    receiver.when(request().withPath("/timed/.*")).respond(response().withStatusCode(200));
    String key = newKey(newTenant("timed"));
    assertThat(call("POST", "/webHooks", key, "{\"event\":\"*\",\"webHookParameters\":["
        + "{\"type\":\"json\",\"url\":\"http://127.0.0.1:" + receiver.getPort() + "/timed/a\"},"
        + "{\"type\":\"json\",\"url\":\"http://127.0.0.1:" + receiver.getPort() + "/timed/b\"}"
        + "]}").status()).isEqualTo(201);
    call("POST", "/events", key, "{\"event\":\"order.paid\",\"data\":{}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> received("/timed/.*").length == 2);
    await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/metrics", null, null).body()
        .contains("hookline_delivery_attempt_duration_seconds_count"));

    String metrics = call("GET", "/metrics", null, null).body();
    assertThat(metrics).contains("http_server_requests_seconds_count")
        .doesNotContain("http_client_requests").doesNotContain("/timed/a");
  }

  private HttpRequest[] received(String path) {
    return receiver.retrieveRecordedRequests(request().withPath(path));
  }
}
