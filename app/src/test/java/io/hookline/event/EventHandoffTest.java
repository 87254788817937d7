package io.hookline.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.hookline.api.ApiTest;
import io.hookline.delivery.DeliveryRows;
import io.hookline.delivery.DeliveryWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.model.HttpRequest;

/**
 * POST /events in a process that runs the worker: the event's deliveries due at once are written
 * claimed for that worker by the request's transaction and sent once it commits, without a claim
 * of their own; delayed ones wait in the queue as usual.
 */
class EventHandoffTest extends ApiTest {
  final ClientAndServer receiver = ClientAndServer.startClientAndServer();

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Inject
  DeliveryWorker worker;
  @Inject
  MeterRegistry meters;

  @Override
  protected Map<String, String> extraProperties() {
    // the claim loop looks once at start-up and then only when woken
    return Map.of("hookline.worker.enabled", "true",
        "hookline.delivery.allow-private-targets", "true",
        "hookline.delivery.poll-interval", "1h",
        "hookline.outbox.poll-interval", "1h");
  }

  @AfterAll
  void stopReceiver() {
    receiver.stop();
  }

  @Test
  void anApiEventIsSentWithoutAClaimOfItsOwn() {
    receiver.when(request().withPath("/api/.*")).respond(response().withStatusCode(200));
    DeliveryRows rows = new DeliveryRows(resolver.resolve(dataSource));
    String tenant = newTenant("handoff");
    String key = newKey(tenant);
    rows.webhook(tenant, "order.*", url("/api/1"), url("/api/2"));
    String delayed = rows.webhook(tenant, "order.*", url("/api/later"));
    rows.exec("UPDATE hookline.webhook SET delay_amount = 1, delay_unit = 'hour' WHERE id = ?",
        delayed);
    await("the worker caught up").atMost(Duration.ofSeconds(10)).until(this::workerTakesMore);
    double before = handedOver();

    Response created = call("POST", "/events", key,
        "{\"event\":\"order.created\",\"data\":{\"n\":1},\"id\":\"ord_handed\"}");

    assertThat(created.status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> rows.count("""
        SELECT count(*) FROM hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk
         WHERE e.tenant_id = ? AND e.id = 'ord_handed' AND d.status = 'delivered'""",
        tenant) == 2);
    assertThat(handedOver() - before).isEqualTo(2);
    HttpRequest[] received = receiver.retrieveRecordedRequests(request().withPath("/api/.*"));
    assertThat(received).extracting(HttpRequest::getPath).extracting(Object::toString)
        .containsExactlyInAnyOrder("/api/1", "/api/2");
    assertThat(received).extracting(r -> r.getFirstHeader("webhook-id"))
        .containsOnly("ord_handed");
    List<Map<String, Object>> later = rows.rows("""
        SELECT d.status, d.claimed_by FROM hookline.delivery d
          JOIN hookline.event e ON e.pk = d.event_pk
         WHERE e.tenant_id = ? AND d.webhook_id = ?""", tenant, delayed);
    assertThat(later).hasSize(1);
    assertThat(later.getFirst()).containsEntry("status", "pending")
        .containsEntry("claimed_by", null);

    // a repeat stores nothing and hands nothing over
    Response repeat = call("POST", "/events", key,
        "{\"event\":\"order.created\",\"data\":{\"n\":1},\"id\":\"ord_handed\"}");
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(handedOver() - before).isEqualTo(2);
    assertThat(workerTakesMore()).as("the repeat's room was given back").isTrue();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + receiver.getPort() + path;
  }

  private double handedOver() {
    return meters.get("hookline.delivery.handed.over").counter().count();
  }

  /** Whether the worker would take fresh deliveries now (the room is given back at once). */
  private boolean workerTakesMore() {
    return worker.offer(1).map(h -> {
      worker.withdraw(h);
      return true;
    }).orElse(false);
  }
}
