package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.event.FanOut;
import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mockserver.model.Delay;

/** Workers that die or stop mid-attempt lose nothing: another worker sends their deliveries. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest extends WorkerTest {
  @Inject
  ClaimDueDeliveries claim;
  @Inject
  WriteOutcomes writer;
  @Inject
  DeliverySettings settings;

  @Test
  void anExpiredClaimGoesToAnotherWorker() throws Exception {
    receiver.when(request().withPath("/crash")).respond(response().withStatusCode(200));
    long id = db.pending(url("/crash"), START);
    List<ClaimedDelivery> dead = claim.claim("dead-worker", START, START.plus(settings.lease()),
        10);
    assertThat(dead).extracting(ClaimedDelivery::id).containsExactly(id);

    assertThat(worker.workOnce().claimed()).isZero();
    clock.advance(settings.lease().minusSeconds(1));
    assertThat(worker.workOnce().claimed()).isZero();
    assertThat(db.delivery(id)).containsEntry("status", "sending")
        .containsEntry("claimed_by", "dead-worker");

    clock.advance(Duration.ofSeconds(2));
    WorkCounts counts = worker.workOnce();

    assertThat(counts.delivered()).isEqualTo(1);
    assertThat(db.delivery(id)).containsEntry("status", "delivered")
        .containsEntry("claimed_by", null);
    assertThat(received("/crash")).hasSize(1);

    // The dead worker's late write no longer matches its claim and changes nothing.
    Recorded late = new Recorded(dead.getFirst(), new Outcome.RetryAt(START.plusSeconds(5)),
        new Attempt(START, 5, 500, null, "late"));
    assertThat(writer.write("dead-worker", List.of(late), clock.instant())).isEmpty();
    assertThat(db.delivery(id)).containsEntry("status", "delivered");
    assertThat(db.attempts(id)).hasSize(1);
  }

  @Test
  void deliveriesHandedOverByAProcessThatDiedAreSentOnceTheirLeaseEnds() throws Exception {
    receiver.when(request().withPath("/orphan/.*")).respond(response().withStatusCode(200));
    String webhook = db.webhook();
    db.destination(webhook, "json", url("/orphan/1"));
    db.destination(webhook, "json", url("/orphan/2"));
    long row = db.outbox("order.paid", "{\"n\": 1}");
    // the relay of a process that dies right after its commit: the event's deliveries are
    // written claimed for that process's worker, which never starts them
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      FanOut.Batch batch = FanOut.storeFromOutbox(connection,
          List.of(new FanOut.FromOutbox(row, db.tenant(), "evt_orphan", START)),
          new FanOut.ClaimFor("dead-relay", START.plus(settings.lease()), 10, List.of(), 10));
      assertThat(batch.claimed()).hasSize(2);
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM hookline.outbox WHERE id = ?")) {
        delete.setLong(1, row);
        delete.executeUpdate();
      }
      connection.commit();
    }
    String orphans = "SELECT count(*) FROM hookline.delivery d JOIN hookline.event e"
        + " ON e.pk = d.event_pk WHERE e.id = 'evt_orphan' AND d.status = ?";

    clock.advance(settings.lease().minusSeconds(1));
    assertThat(worker.workOnce().claimed()).as("still the dead process's claim").isZero();
    assertThat(db.queryLong(orphans, "sending")).isEqualTo(2);

    clock.advance(Duration.ofSeconds(2));
    assertThat(worker.workOnce().delivered()).isEqualTo(2);
    assertThat(db.queryLong(orphans, "delivered")).isEqualTo(2);
    assertThat(received("/orphan/.*")).hasSize(2);
  }

  @Test
  void shutdownHandsUnfinishedAttemptsBack() throws Exception {
    receiver.when(request().withPath("/hang")).respond(response().withStatusCode(200)
        .withDelay(new Delay(TimeUnit.SECONDS, 30)));
    long id = db.pending(url("/hang"), START);
    Map<String, Object> stopping = new HashMap<>(properties);
    stopping.put("hookline.delivery.timeout", "40s");
    stopping.put("hookline.delivery.shutdown-grace", "500ms");
    ApplicationContext other = ApplicationContext.run(stopping);
    DeliveryWorker leaving = other.getBean(DeliveryWorker.class);
    CompletableFuture<WorkCounts> step = CompletableFuture.supplyAsync(() -> {
      try {
        return leaving.workOnce();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> received("/hang").length == 1);
    assertThat(db.delivery(id)).containsEntry("status", "sending")
        .containsEntry("claimed_by", leaving.workerId());

    other.close();

    assertThat(db.delivery(id)).containsEntry("status", "pending")
        .containsEntry("claimed_by", null).containsEntry("attempt_count", 0)
        .containsEntry("next_attempt_at", START);
    assertThat(step.get(10, TimeUnit.SECONDS).claimed()).isEqualTo(1);

    receiver.reset();
    receiver.when(request().withPath("/hang")).respond(response().withStatusCode(200));
    assertThat(worker.workOnce().delivered()).isEqualTo(1);
    assertThat(db.delivery(id)).containsEntry("status", "delivered");
  }
}
