package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.claim.ReleaseClaims;
import io.hookline.send.PostToTarget;
import io.hookline.send.Slots;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The relay's handoff: deliveries created due now are claimed in the transaction that creates
 * them and started by this process's worker once it commits, without a claim of their own, but
 * only within the worker's room, its hosts' shares, and while no older due rows wait.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandoffTest extends WorkerTest {
  private static final Instant LEASE = START.plusSeconds(90);
  private static final int MAX_IN_FLIGHT = 10;
  private static final int BATCH = 3;

  @Inject
  ClaimDueDeliveries claim;
  @Inject
  ReleaseClaims release;
  @Inject
  DeliverySettings settings;
  @Inject
  PostToTarget post;
  @Inject
  Classification classification;
  @Inject
  WriteOutcomes writer;
  @Inject
  DeliveryMetrics metrics;

  @Override
  Map<String, String> settings() {
    return Map.of("hookline.delivery.max-in-flight", Integer.toString(MAX_IN_FLIGHT),
        "hookline.delivery.batch-size", Integer.toString(BATCH));
  }

  @Test
  void theFreshClaimTakesOnlyTheGivenEventsDueRowsWithinTheHostsShares() throws Exception {
    String webhook = db.webhook();
    long a1 = db.destination(webhook, "json", "http://a.example/1");
    long a2 = db.destination(webhook, "json", "http://A.example:8080/2");
    long a3 = db.destination(webhook, "json", "http://a.example/3");
    long b = db.destination(webhook, "json", "https://b.example/");
    long skipped = db.destination(webhook, "json", "https://skip.example/");
    long fresh = db.event("evt_fresh", "order.paid", "{\"n\": 1}", START);
    long other = db.event("evt_other", "order.paid", "{\"n\": 2}", START.minusSeconds(5));
    long first = db.delivery(fresh, webhook, a1, START);
    long second = db.delivery(fresh, webhook, a2, START);
    long third = db.delivery(fresh, webhook, a3, START);
    long toB = db.delivery(fresh, webhook, b, START);
    long toSkipped = db.delivery(fresh, webhook, skipped, START);
    long later = db.delivery(fresh, webhook, b, START.plusSeconds(60));
    long otherEvent = db.delivery(other, webhook, b, START.minusSeconds(5));

    List<ClaimedDelivery> claimed;
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      claimed = claim.claimFresh(connection, "w1", START, LEASE, List.of(fresh), 10,
          List.of("skip.example"), 2);
      connection.commit();
    }

    // a.example's share is two (its third waits), skip.example is left out, the later
    // delivery is not due, and the other event was not given
    assertThat(claimed).extracting(ClaimedDelivery::id).containsExactlyInAnyOrder(first,
        second, toB);
    assertThat(claimed).allSatisfy(c -> assertThat(c.event().id()).isEqualTo("evt_fresh"));
    assertThat(db.delivery(first)).containsEntry("status", "sending")
        .containsEntry("claimed_by", "w1").containsEntry("claimed_until", LEASE);
    for (long left : List.of(third, toSkipped, later, otherEvent)) {
      assertThat(db.delivery(left)).containsEntry("status", "pending")
          .containsEntry("claimed_by", null);
    }

    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      assertThat(claim.claimFresh(connection, "w1", START, LEASE, List.of(fresh), 1, List.of(),
          2)).extracting(ClaimedDelivery::id).containsExactly(third);
      connection.commit();
    }
  }

  @Test
  void roomIsOfferedOnlyOnceTheClaimComesBackShortAndNeverTwice() throws Exception {
    receiver.when(request().withPath("/slow"))
        .respond(response().withStatusCode(200).withDelay(TimeUnit.SECONDS, 30));
    for (int i = 0; i < BATCH; i++) {
      db.pending(url("/slow"), START.minusSeconds(10 - i));
    }
    Slots slots = new Slots(MAX_IN_FLIGHT, settings.maxPerHost());
    Recorder recorder = new Recorder("w-handoff", writer, clock);
    Dispatch dispatch = new Dispatch(new Dispatch.Parts("w-handoff", settings, clock, claim,
        release, post, classification, metrics, () -> { }), slots, recorder);
    try {
      assertThat(dispatch.reserve()).as("before any claim").isNull();

      assertThat(dispatch.next().claimed()).isEqualTo(BATCH);
      assertThat(dispatch.reserve()).as("after a full claim: due rows may be left").isNull();

      assertThat(dispatch.next().claimed()).isZero();
      // caught up: the free room, a batch at most per reservation
      Dispatch.Reservation first = dispatch.reserve();
      assertThat(first).isNotNull();
      assertThat(first.room()).isEqualTo(BATCH);
      assertThat(first.skipHosts()).isEmpty();
      Dispatch.Reservation second = dispatch.reserve();
      Dispatch.Reservation third = dispatch.reserve();
      assertThat(second.room() + third.room()).isEqualTo(MAX_IN_FLIGHT - 2 * BATCH);
      assertThat(dispatch.reserve()).as("all room is promised").isNull();

      // room promised to the relay is not claimed meanwhile
      long due = db.pending(url("/slow"), START.minusSeconds(1));
      assertThat(dispatch.next().claimed()).isZero();
      assertThat(db.delivery(due)).containsEntry("status", "pending");

      dispatch.cancel(first);
      dispatch.cancel(second);
      dispatch.cancel(third);
      assertThat(dispatch.next().claimed()).isEqualTo(1);
      assertThat(slots.inFlight()).isEqualTo(BATCH + 1);
    } finally {
      dispatch.cancelRunning();
      recorder.close(5_000);
    }
  }

  @Test
  void aFreshEventIsSentWithoutAClaimOfItsOwn() {
    receiver.when(request().withPath("/fresh/.*")).respond(response().withStatusCode(200));
    String webhook = db.webhook();
    for (int i = 1; i <= 3; i++) {
      db.destination(webhook, "json", url("/fresh/" + i));
    }
    Map<String, Object> running = new HashMap<>(properties);
    running.remove("hookline.test.clock");
    running.put("hookline.worker.enabled", "true");
    // the claim loop looks once at start-up and then only when woken
    running.put("hookline.delivery.poll-interval", "1h");
    running.put("hookline.outbox.poll-interval", "1h");
    try (ApplicationContext process = ApplicationContext.run(running)) {
      DeliveryWorker worker = process.getBean(DeliveryWorker.class);
      await("the worker caught up").atMost(Duration.ofSeconds(10))
          .until(() -> peek(worker));

      db.update("INSERT INTO hookline.outbox (tenant_id, event, event_id, data)"
          + " VALUES (?, 'order.paid', 'evt_handed', '{\"n\": 1}')", db.tenant());

      await().atMost(Duration.ofSeconds(15)).until(() -> db.queryLong(
          "SELECT count(*) FROM hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk"
              + " WHERE e.id = 'evt_handed' AND d.status = 'delivered'") == 3);
      assertThat(received("/fresh/.*")).hasSize(3);
      assertThat(process.getBean(MeterRegistry.class).get("hookline.delivery.handed.over")
          .counter().count()).isEqualTo(3);
      assertThat(db.queryLong("SELECT count(*) FROM hookline.attempt a JOIN hookline.delivery d"
          + " ON d.id = a.delivery_id JOIN hookline.event e ON e.pk = d.event_pk"
          + " WHERE e.id = 'evt_handed' AND a.status_code = 200")).isEqualTo(3);
    }
  }

  /** Whether the worker would take fresh deliveries now (the room is given back at once). */
  private static boolean peek(DeliveryWorker worker) {
    return worker.offer().map(h -> {
      worker.withdraw(h);
      return true;
    }).orElse(false);
  }
}
