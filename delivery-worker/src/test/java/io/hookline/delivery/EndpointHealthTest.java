package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Webhooks that stop answering are disabled; deliveries of disabled ones are not sent. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointHealthTest extends WorkerTest {
  @Inject
  DeliveryMetrics metrics;
  @Inject
  MeterRegistry registry;

  @Test
  void goneDropsAndDisablesTheWebhookWithItsPendingDeliveries() throws Exception {
    receiver.when(request().withPath("/gone")).respond(response().withStatusCode(410));
    String webhook = db.webhook();
    long destination = db.destination(webhook, "json", url("/gone"));
    long now = db.delivery(db.event("e1", "a", "{}", START), webhook, destination, START);
    long later = db.delivery(db.event("e2", "a", "{}", START), webhook, destination,
        START.plusSeconds(3600));

    worker.workOnce();

    assertThat(db.delivery(now)).containsEntry("status", "dropped")
        .containsEntry("reason", "HTTP 410 Gone: the endpoint is gone, the webhook is disabled");
    assertThat(db.attempts(now).getFirst()).containsEntry("status_code", 410)
        .containsEntry("outcome", "dropped");
    assertThat(db.webhookRow(webhook)).containsEntry("enabled", false)
        .containsEntry("disabled_reason", "the endpoint answered 410 Gone")
        .containsEntry("disabled_at", START);
    assertThat(db.delivery(later)).containsEntry("status", "dropped")
        .containsEntry("reason", "webhook disabled");
  }

  @Test
  void failingSinceIsSetByTheFirstFailureAndClearedByASuccess() throws Exception {
    receiver.when(request().withPath("/flaky")).respond(response().withStatusCode(500));
    long id = db.pending(url("/flaky"), START);
    String webhook = (String) db.delivery(id).get("webhook_id");

    worker.workOnce();
    assertThat(db.webhookRow(webhook)).containsEntry("failing_since", START);

    clock.advance(Duration.ofSeconds(10));
    worker.workOnce();
    assertThat(db.webhookRow(webhook)).containsEntry("failing_since", START);

    receiver.reset();
    receiver.when(request().withPath("/flaky")).respond(response().withStatusCode(200));
    clock.advance(Duration.ofMinutes(1));
    worker.workOnce();
    assertThat(db.delivery(id)).containsEntry("status", "delivered");
    assertThat(db.webhookRow(webhook)).containsEntry("failing_since", null)
        .containsEntry("enabled", true);
  }

  @Test
  void aWebhookFailingForDisableAfterIsDisabled() throws Exception {
    receiver.when(request().withPath("/dead")).respond(response().withStatusCode(503));
    long id = db.pending(url("/dead"), START);
    String webhook = (String) db.delivery(id).get("webhook_id");
    long other = db.delivery(db.event("e3", "a", "{}", START), webhook,
        (Long) db.delivery(id).get("destination_id"), START.plusSeconds(600));
    db.update("UPDATE hookline.webhook SET failing_since = ? WHERE id = ?",
        Timestamp.from(START.minus(Duration.ofDays(5)).minusSeconds(1)), webhook);

    worker.workOnce();

    assertThat(db.webhookRow(webhook)).containsEntry("enabled", false)
        .containsEntry("disabled_at", START)
        .containsEntry("disabled_reason", "every delivery attempt failed since 2026-11-17T09:59:59Z");
    assertThat(db.delivery(id)).containsEntry("status", "dropped")
        .containsEntry("reason", "webhook disabled");
    assertThat(db.delivery(other)).containsEntry("status", "dropped");
  }

  @Test
  void aWebhookFailingForLessIsKept() throws Exception {
    receiver.when(request().withPath("/sick")).respond(response().withStatusCode(503));
    long id = db.pending(url("/sick"), START);
    String webhook = (String) db.delivery(id).get("webhook_id");
    db.update("UPDATE hookline.webhook SET failing_since = ? WHERE id = ?",
        Timestamp.from(START.minus(Duration.ofDays(5)).plusSeconds(1)), webhook);

    worker.workOnce();

    assertThat(db.webhookRow(webhook)).containsEntry("enabled", true);
    assertThat(db.delivery(id)).containsEntry("status", "pending");
  }

  @Test
  void aClaimedDeliveryOfADisabledOrDeletedWebhookIsDroppedUnsent() throws Exception {
    long disabled = db.pending(url("/never"), START);
    long deleted = db.pending(url("/never"), START);
    db.update("UPDATE hookline.webhook SET enabled = false WHERE id = ?",
        db.delivery(disabled).get("webhook_id"));
    db.update("UPDATE hookline.webhook SET deleted_at = now() WHERE id = ?",
        db.delivery(deleted).get("webhook_id"));

    WorkCounts counts = worker.workOnce();

    assertThat(counts.dropped()).isEqualTo(2);
    assertThat(db.delivery(disabled)).containsEntry("status", "dropped")
        .containsEntry("reason", "webhook disabled").containsEntry("attempt_count", 0);
    assertThat(db.delivery(deleted)).containsEntry("status", "dropped")
        .containsEntry("reason", "webhook deleted");
    assertThat(db.attempts(disabled)).isEmpty();
    assertThat(received("/never")).isEmpty();
  }

  @Test
  void metricsCountAttemptsAndWatchTheQueue() throws Exception {
    receiver.when(request().withPath("/m")).respond(response().withStatusCode(200));
    double before = registry.counter("hookline.delivery.attempts", "outcome", "delivered").count();
    db.pending(url("/m"), START);
    worker.workOnce();
    for (int i = 0; i < 3; i++) {
      db.pending(url("/m"), START.minusSeconds(300));
    }
    db.pending(url("/m"), START.plusSeconds(60));

    metrics.refreshQueue();

    assertThat(registry.counter("hookline.delivery.attempts", "outcome", "delivered").count())
        .isEqualTo(before + 1);
    assertThat(registry.get("hookline.delivery.attempt.duration").timer().count()).isPositive();
    assertThat(registry.get("hookline.delivery.queue.depth").gauge().value()).isEqualTo(3);
    assertThat(registry.get("hookline.delivery.queue.oldest.age").gauge().value())
        .isEqualTo(300);
    assertThat(registry.get("hookline.delivery.in.flight").gauge().value()).isZero();
  }
}
