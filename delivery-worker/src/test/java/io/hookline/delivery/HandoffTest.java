package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.claim.ReleaseClaims;
import io.hookline.event.FanOut;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The relay's handoff: deliveries created due now are written claimed by the transaction that
 * creates them and started by this process's worker once it commits, without a claim of their
 * own, but only within the worker's room, its hosts' shares, and while no older due rows wait.
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
  void deliveriesDueAtOnceAreWrittenClaimedWithinTheRoomAndEachHostsShare() throws Exception {
    String webhook = db.webhook();
    db.destination(webhook, "json", "http://a.example/1");
    db.destination(webhook, "json", "http://user@A.example:8080/2");
    db.destination(webhook, "json", "http://a.example/3");
    db.destination(webhook, "json", "https://b.example/");
    db.destination(webhook, "json", "https://skip.example/");
    String delayed = db.webhook();
    db.update("UPDATE hookline.webhook SET delay_amount = 1, delay_unit = 'minute' WHERE id = ?",
        delayed);
    db.destination(delayed, "json", "https://c.example/");

    FanOut.Batch batch;
    List<ClaimedDelivery> handed;
    List<String> notified;
    try (Connection listening = resolver.resolve(dataSource).getConnection()) {
      listening.createStatement().execute("LISTEN hookline_delivery");
      try (Connection connection = resolver.resolve(dataSource).getConnection()) {
        connection.setAutoCommit(false);
        batch = FanOut.storeFromOutbox(connection, List.of(outbox("evt_first"),
            outbox("evt_second")), new FanOut.ClaimFor("w1", LEASE, 3, List.of("skip.example"),
            2));
        // the relay passes each event's data as its claim read it
        handed = claim.claimed(connection, "w1", batch.claimed(), Map.of(
            batch.events().getFirst().orElseThrow().pk(), "{\"n\": 1}".getBytes(UTF_8)));
        connection.commit();
      }
      notified = java.util.Arrays.stream(listening.unwrap(org.postgresql.PGConnection.class)
          .getNotifications(10_000)).map(org.postgresql.PGNotification::getParameter).toList();
      listening.createStatement().execute("UNLISTEN *");
    }

    // In the batch's order: a.example's share is two (its third waits), skip.example is left
    // out, c.example's webhook delays its deliveries, and the room of three is spent before the
    // second event's b.example delivery.
    List<Map<String, Object>> rows = db.rows("""
        SELECT e.id AS event, d.url, d.status, d.claimed_by, d.claimed_until, d.id
          FROM hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk
         WHERE e.tenant_id = ? ORDER BY d.id""", db.tenant());
    assertThat(rows).filteredOn(r -> r.get("status").equals("sending"))
        .extracting(r -> r.get("event") + " " + r.get("url"))
        .containsExactly("evt_first http://a.example/1", "evt_first http://user@A.example:8080/2",
            "evt_first https://b.example/");
    assertThat(rows).hasSize(12).allSatisfy(r -> {
      boolean sending = r.get("status").equals("sending");
      assertThat(r.get("status")).isIn("sending", "pending");
      assertThat(r.get("claimed_by")).isEqualTo(sending ? "w1" : null);
      assertThat(r.get("claimed_until")).isEqualTo(sending ? LEASE : null);
    });
    List<Object> sendingIds = rows.stream().filter(r -> r.get("status").equals("sending"))
        .map(r -> r.get("id")).toList();
    assertThat(batch.claimed()).containsExactlyElementsOf(sendingIds.stream()
        .map(id -> ((Number) id).longValue()).toList());
    assertThat(handed).extracting(ClaimedDelivery::id)
        .containsExactlyElementsOf(batch.claimed());
    assertThat(handed).allSatisfy(c -> {
      assertThat(c.event().id()).isEqualTo("evt_first");
      assertThat(new String(c.event().data(), UTF_8)).isEqualTo("{\"n\": 1}");
    });
    // both events still have deliveries due now that wait for a claim; the NOTIFY names their
    // hosts (not c.example's, due in a minute), so that a worker leaving all out can ignore it
    assertThat(batch.events()).allSatisfy(e -> assertThat(e.orElseThrow().dueNow()).isTrue());
    assertThat(batch.dueHosts()).containsExactly("a.example", "b.example", "skip.example");
    assertThat(notified).containsExactly("a.example b.example skip.example");

    // without a claim (the API, or no room) every delivery is written pending
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      FanOut.Batch unclaimed = FanOut.storeFromOutbox(connection, List.of(outbox("evt_third")),
          null);
      connection.commit();
      assertThat(unclaimed.claimed()).isEmpty();
    }
    assertThat(db.queryLong("SELECT count(*) FROM hookline.delivery d JOIN hookline.event e"
        + " ON e.pk = d.event_pk WHERE e.id = 'evt_third' AND d.status = 'pending'"
        + " AND d.claimed_by IS NULL")).isEqualTo(6);
    // relayed by hand: what the relay would delete in its transaction
    db.update("DELETE FROM hookline.outbox WHERE tenant_id = ?", db.tenant());
  }

  @Test
  void aDeliverysHostIsItsDestinationsUrlHostWorkedOutOnce() {
    // the host as claims group deliveries by it: the name or bracketed IPv6 literal, lower case,
    // without user info and port; what V6's generated column stored and V11's destination.host
    // now works out once per destination
    Map<String, String> hosts = new LinkedHashMap<>();
    hosts.put("http://a.example/1", "a.example");
    hosts.put("HTTPS://User:pw@B.Example:8443/x?y#z", "b.example");
    hosts.put("http://[::1]:9/", "[::1]");
    hosts.put("http://[2001:DB8::1]/", "[2001:db8::1]");
    hosts.put("https://c.example", "c.example");
    hosts.put("http://d.example?q", "d.example");
    hosts.put("http://e.example#f", "e.example");
    hosts.put("mailto:nobody", "");
    hosts.put("", "");
    hosts.forEach((url, host) -> {
      long id = db.pending(url, START);
      assertThat(db.rows("SELECT host FROM hookline.delivery WHERE id = ?", id).getFirst())
          .as(url).containsEntry("host", host);
      assertThat(db.rows("SELECT hookline.url_host(?) AS host", url).getFirst()).as(url)
          .containsEntry("host", host);
    });
  }

  /** A batch of deliveries due to a path the receiver answers only after 30 s. */
  private void batchDueToASlowHost(String path) {
    receiver.when(request().withPath(path))
        .respond(response().withStatusCode(200).withDelay(TimeUnit.SECONDS, 30));
    for (int i = 0; i < BATCH; i++) {
      db.pending(url(path), START.minusSeconds(10 - i));
    }
  }

  /** An outbox row of the fixtures' tenant, to be relayed as the event {@code id}. */
  private FanOut.FromOutbox outbox(String id) {
    return new FanOut.FromOutbox(db.outbox("order.paid", "{\"n\": 1}"), db.tenant(), id, START);
  }

  @Test
  void roomIsOfferedOnlyOnceTheClaimComesBackShortAndNeverTwice() throws Exception {
    batchDueToASlowHost("/slow");
    Slots slots = new Slots(MAX_IN_FLIGHT, settings.maxPerHost());
    Recorder recorder = new Recorder("w-handoff", writer, clock);
    Dispatch dispatch = new Dispatch(new Dispatch.Parts("w-handoff", settings, clock, claim,
        release, post, classification, metrics, () -> { }), slots, recorder);
    try {
      assertThat(dispatch.reserve(BATCH)).as("before any claim").isNull();

      assertThat(dispatch.next().claimed()).isEqualTo(BATCH);
      assertThat(dispatch.reserve(BATCH)).as("after a full claim: due rows may be left").isNull();

      assertThat(dispatch.next().claimed()).isZero();
      // caught up: the free room, a batch at most per reservation
      Dispatch.Reservation first = dispatch.reserve(BATCH);
      assertThat(first).isNotNull();
      assertThat(first.room()).isEqualTo(BATCH);
      assertThat(first.skipHosts()).isEmpty();
      Dispatch.Reservation one = dispatch.reserve(1);
      assertThat(one.room()).as("no more than asked").isEqualTo(1);
      dispatch.cancel(one);
      Dispatch.Reservation second = dispatch.reserve(BATCH);
      Dispatch.Reservation third = dispatch.reserve(BATCH);
      assertThat(second.room() + third.room()).isEqualTo(MAX_IN_FLIGHT - 2 * BATCH);
      assertThat(dispatch.reserve(BATCH)).as("all room is promised").isNull();

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
  void roomBesideAHostLeftOutIsOfferedOnceTheClaimTookEveryOtherDueRow() throws Exception {
    batchDueToASlowHost("/crowded");
    Recorder recorder = new Recorder("w-crowded", writer, clock);
    Dispatch dispatch = onePerHost("w-crowded", recorder);
    try {
      assertThat(dispatch.next().claimed()).isEqualTo(BATCH);
      assertThat(dispatch.reserve(BATCH)).as("a full claim: due rows may be left").isNull();
      // the next claim leaves the crowded host out and finds nothing else due: room is offered
      // for other hosts' fresh deliveries, the crowded host's are written pending behind its own
      assertThat(dispatch.next().claimed()).isZero();
      Dispatch.Reservation reservation = dispatch.reserve(BATCH);
      assertThat(reservation).isNotNull();
      String crowded = PostToTarget.hostOf(url("/crowded"));
      assertThat(reservation.skipHosts()).containsExactly(crowded);
      dispatch.cancel(reservation);
      // what wake-ups about deliveries due now may be ignored for (DeliveriesDue)
      assertThat(dispatch.leftOut(crowded)).isTrue();
      assertThat(dispatch.leftOut("other.example")).isFalse();
    } finally {
      dispatch.cancelRunning();
      dispatch.handBackWaiting();
      recorder.close(5_000);
    }
  }

  /**
   * A dispatcher that runs one attempt at a time per host: a host's fill (three) is one running
   * and two waiting.
   */
  private Dispatch onePerHost(String workerId, Recorder recorder) {
    DeliverySettings onePerHost = new DeliverySettings(settings.timeout(),
        settings.retrySchedule(), settings.retryJitter(), settings.maxRetryAfter(),
        MAX_IN_FLIGHT, 1, settings.hostBusyDelay(), BATCH, settings.pollInterval(),
        settings.leaseMargin(), settings.disableAfter(), settings.shutdownGrace(),
        settings.queueMetricsInterval());
    return new Dispatch(new Dispatch.Parts(workerId, onePerHost, clock, claim, release, post,
        classification, metrics, () -> { }), new Slots(MAX_IN_FLIGHT, 1), recorder);
  }

  @Test
  void aBacklogGetsRoomWithDueRowsQueuedLeavingOutAHostWithItsFillThatFellSilent()
      throws Exception {
    batchDueToASlowHost("/backlog");
    // a fourth due row, left in the queue by the claim below
    db.pending(url("/backlog"), START.minusSeconds(1));
    Recorder recorder = new Recorder("w-backlog", writer, clock);
    Dispatch dispatch = onePerHost("w-backlog", recorder);
    String host = PostToTarget.hostOf(url("/backlog"));
    try {
      assertThat(dispatch.next().claimed()).isEqualTo(BATCH);
      assertThat(dispatch.reserve(BATCH)).as("not caught up: due rows wait").isNull();
      // the host has its fill and no attempt of it ends for half the wait: it is not worth
      // waiting for (a host that answers is: see the next test), so it is left out
      Dispatch.Reservation past = dispatch.reserveForBacklog(BATCH,
          TimeUnit.MILLISECONDS.toNanos(200));
      assertThat(past).isNotNull();
      assertThat(past.skipHosts()).containsExactly(host);
      dispatch.cancel(past);

      // its waiting deliveries are handed back for waiting too long: left out without a wait
      long now = System.nanoTime();
      assertThat(dispatch.handBackWaitingSince(now, now - TimeUnit.HOURS.toNanos(1)))
          .isEqualTo(2);
      Dispatch.Reservation reservation = dispatch.reserveForBacklog(5, 0);
      assertThat(reservation).isNotNull();
      assertThat(reservation.room()).as("a batch, and no more than a host's fill")
          .isEqualTo(BATCH);
      assertThat(reservation.skipHosts()).containsExactly(host);
      assertThat(dispatch.reserve(BATCH)).as("three due rows still wait in the queue").isNull();
      dispatch.cancel(reservation);
    } finally {
      dispatch.cancelRunning();
      recorder.close(5_000);
    }
  }

  @Test
  void theDeliveriesWaitingForAHostWithEverySlotSilentAreHandedBackBeforeHostBusyDelay()
      throws Exception {
    batchDueToASlowHost("/silent");
    Recorder recorder = new Recorder("w-silent", writer, clock);
    Dispatch dispatch = onePerHost("w-silent", recorder);
    String host = PostToTarget.hostOf(url("/silent"));
    try {
      long before = System.nanoTime();
      assertThat(dispatch.next().claimed()).isEqualTo(BATCH);
      long hourAgo = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
      // none waited an hour, and the host was heard from (its first attempt started) since
      assertThat(dispatch.handBackWaitingSince(hourAgo, before)).isZero();
      assertThat(dispatch.leftOut(host)).as("its fill: one running, two waiting").isTrue();
      assertThat(db.queryLong("SELECT count(*) FROM hookline.delivery WHERE url LIKE"
          + " '%/silent' AND status = 'sending'")).isEqualTo(BATCH);

      // every slot busy (its one) and not heard from since: both waiting go back, due as they
      // were, and the host stays left out while its slot hangs
      assertThat(dispatch.handBackWaitingSince(hourAgo, System.nanoTime())).isEqualTo(2);
      assertThat(db.queryLong("SELECT count(*) FROM hookline.delivery WHERE url LIKE"
          + " '%/silent' AND status = 'pending' AND claimed_by IS NULL")).isEqualTo(2);
      assertThat(dispatch.leftOut(host)).isTrue();
      assertThat(dispatch.next().claimed()).as("its rows are not claimed again").isZero();
    } finally {
      dispatch.cancelRunning();
      recorder.close(5_000);
    }
  }

  @Test
  void aBacklogWaitingForAHostsFillIsWokenWhenTheHostTakesMore() throws Exception {
    receiver.when(request().withPath("/gate"))
        .respond(response().withStatusCode(200).withDelay(TimeUnit.MILLISECONDS, 500));
    for (int i = 0; i < BATCH; i++) {
      db.pending(url("/gate"), START.minusSeconds(10 - i));
    }
    Recorder recorder = new Recorder("w-gate", writer, clock);
    Dispatch dispatch = onePerHost("w-gate", recorder);
    try {
      assertThat(dispatch.next().claimed()).isEqualTo(BATCH);
      // waits far longer than the first answer takes: only a wake-up returns it in time, and
      // a host whose attempts end is waited for, not left out
      CompletableFuture<Dispatch.Reservation> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return dispatch.reserveForBacklog(BATCH, TimeUnit.SECONDS.toNanos(60));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      Dispatch.Reservation reservation = await().atMost(Duration.ofSeconds(30))
          .until(() -> waiting.getNow(null), r -> r != null);
      assertThat(received("/gate").length).as("woken by the first answer").isPositive();
      assertThat(reservation.skipHosts()).isEmpty();
      dispatch.cancel(reservation);
    } finally {
      dispatch.cancelRunning();
      dispatch.handBackWaiting();
      recorder.close(5_000);
    }
  }

  @Test
  void aBacklogInTheOutboxIsHandedOverBatchByBatch() {
    receiver.when(request().withPath("/drain/.*")).respond(response().withStatusCode(200));
    String webhook = db.webhook();
    db.destination(webhook, "json", url("/drain/1"));
    db.destination(webhook, "json", url("/drain/2"));
    // two attempts at a time: the host's fill is six, so the batches wait for it to take more;
    // a backlog batch has room for three deliveries (the outbox batch), so it takes one event
    // of two deliveries. The wait never times out here: every delivery is handed over, or the
    // test fails.
    try (ApplicationContext process = caughtUpProcess(Map.of("hookline.outbox.batch-size", "3",
        "hookline.delivery.batch-size", "6", "hookline.delivery.max-in-flight", "100",
        "hookline.delivery.max-per-host", "2", "hookline.outbox.backlog-wait", "1h"))) {
      db.update("INSERT INTO hookline.outbox (tenant_id, event, data)"
          + " SELECT ?, 'order.paid', jsonb_build_object('n', n)"
          + " FROM generate_series(1, 11) n", db.tenant());

      await().atMost(Duration.ofSeconds(30)).until(() -> db.queryLong(
          "SELECT count(*) FROM hookline.delivery WHERE url LIKE '%/drain/_'"
              + " AND status = 'delivered'") == 22);
      assertThat(process.getBean(MeterRegistry.class).get("hookline.delivery.handed.over")
          .counter().count()).as("none left pending for a claim").isEqualTo(22);
      assertThat(db.queryLong("SELECT count(*) FROM hookline.outbox")).isZero();
      // each event's own data (the relay hands over the text its claim read, by event)
      Map<String, String> stored = new HashMap<>();
      db.rows("SELECT e.id, e.data->>'n' AS n FROM hookline.event e WHERE EXISTS (SELECT 1"
          + " FROM hookline.delivery d WHERE d.event_pk = e.pk AND d.url LIKE '%/drain/_')")
          .forEach(row -> stored.put((String) row.get("id"), (String) row.get("n")));
      assertThat(stored).hasSize(11);
      for (String path : List.of("/drain/1", "/drain/2")) {
        Map<String, String> sent = new HashMap<>();
        for (org.mockserver.model.HttpRequest r : received(path)) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile(
              "\\{\"id\":\"([^\"]+)\".*,\"data\":\\{\"n\":(\\d+)\\}}")
              .matcher(new String(r.getBody().getRawBytes(), UTF_8));
          assertThat(m.matches()).as(r.getBodyAsString()).isTrue();
          sent.put(m.group(1), m.group(2));
        }
        assertThat(sent).as(path).isEqualTo(stored);
      }
    }
  }

  @Test
  void aBacklogBesideAHostLeftOutTakesAsManyEventsAsItsRoomHasDeliveriesForTheOthers() {
    receiver.when(request().withPath("/beside/hang"))
        .respond(response().withStatusCode(200).withDelay(TimeUnit.SECONDS, 30));
    receiver.when(request().withPath("/beside/ok")).respond(response().withStatusCode(200));
    String webhook = db.webhook();
    // the same receiver under another name: a host of its own, which never answers in time
    db.destination(webhook, "json", "http://localhost:" + receiver.getPort() + "/beside/hang");
    db.destination(webhook, "json", url("/beside/ok"));
    // one attempt at a time to a host, so a host's fill is three and so is a backlog batch's
    // room. The hanging host keeps its fill and falls silent (none of its attempts ends for half
    // of backlog-wait): left out of the room, its deliveries are written pending, and each batch
    // takes three events, whose three other deliveries the room is for; counted at the two
    // deliveries each event stores, a batch would take one event and leave the room two thirds
    // unused.
    try (ApplicationContext process = caughtUpProcess(Map.of("hookline.outbox.batch-size", "6",
        "hookline.delivery.batch-size", "6", "hookline.delivery.max-in-flight", "100",
        "hookline.delivery.max-per-host", "1", "hookline.outbox.backlog-wait", "1s"))) {
      db.update("INSERT INTO hookline.outbox (tenant_id, event, data)"
          + " SELECT ?, 'order.paid', jsonb_build_object('n', n)"
          + " FROM generate_series(1, 16) n", db.tenant());

      await().atMost(Duration.ofSeconds(30)).until(() -> db.queryLong(
          "SELECT count(*) FROM hookline.delivery WHERE url LIKE '%/beside/ok'"
              + " AND status = 'delivered'") == 16);
      // events stored by each relay transaction, in order
      List<Long> perTransaction = db.rows("SELECT count(*) AS events FROM hookline.event"
              + " WHERE tenant_id = ? GROUP BY xmin::text ORDER BY min(pk)", db.tenant())
          .stream().map(row -> ((Number) row.get("events")).longValue()).toList();
      assertThat(perTransaction).as("a first batch of six, then backlog batches")
          .startsWith(6L);
      assertThat(perTransaction.subList(1, perTransaction.size()))
          .as("backlog batches of three events: %s", perTransaction)
          .filteredOn(events -> events == 3).hasSizeGreaterThanOrEqualTo(2);
      assertThat(db.queryLong("SELECT count(*) FROM hookline.delivery"
          + " WHERE url LIKE '%/beside/hang' AND status = 'pending'"))
          .as("the hanging host's, written pending behind its fill").isGreaterThan(0);
    }
  }

  @Test
  void aStoppedWorkerOffersNoRoomToABacklogUntilItStartsAgain() throws Exception {
    try (ApplicationContext process = caughtUpProcess(Map.of())) {
      DeliveryWorker worker = process.getBean(DeliveryWorker.class);
      Optional<DeliveryWorker.Handoff> running = worker.offerForBacklog(BATCH, Duration.ZERO);
      assertThat(running).isPresent();
      worker.withdraw(running.get());

      worker.close();
      assertThat(worker.offerForBacklog(BATCH, Duration.ofSeconds(5))).isEmpty();

      worker.start();
      Optional<DeliveryWorker.Handoff> again = worker.offerForBacklog(BATCH, Duration.ZERO);
      assertThat(again).as("room again once restarted").isPresent();
      worker.withdraw(again.get());
    }
  }

  @Test
  void aFreshEventIsSentWithoutAClaimOfItsOwn() {
    receiver.when(request().withPath("/fresh/.*")).respond(response().withStatusCode(200));
    String webhook = db.webhook();
    for (int i = 1; i <= 3; i++) {
      db.destination(webhook, "json", url("/fresh/" + i));
    }
    try (ApplicationContext process = caughtUpProcess(Map.of())) {

      db.update("INSERT INTO hookline.outbox (tenant_id, event, event_id, data)"
          + " VALUES (?, 'order.paid', 'evt_handed', '{\"n\": 1}')", db.tenant());

      await().atMost(Duration.ofSeconds(15)).until(() -> db.queryLong(
          "SELECT count(*) FROM hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk"
              + " WHERE e.id = 'evt_handed' AND d.status = 'delivered'") == 3);
      assertThat(received("/fresh/.*")).hasSize(3).allSatisfy(r -> assertThat(
          new String(r.getBody().getRawBytes(), UTF_8)).endsWith(",\"data\":{\"n\":1}}"));
      assertThat(process.getBean(MeterRegistry.class).get("hookline.delivery.handed.over")
          .counter().count()).isEqualTo(3);
      assertThat(db.queryLong("SELECT count(*) FROM hookline.attempt a JOIN hookline.delivery d"
          + " ON d.id = a.delivery_id JOIN hookline.event e ON e.pk = d.event_pk"
          + " WHERE e.id = 'evt_handed' AND a.status_code = 200")).isEqualTo(3);
    }
  }

  /**
   * A process running the worker and the relay on the real clock, once its worker is caught up.
   * The claim loop looks once at start-up and then only when woken; the relay only when woken.
   */
  private ApplicationContext caughtUpProcess(Map<String, String> extra) {
    Map<String, Object> running = new HashMap<>(properties);
    running.remove("hookline.test.clock");
    running.put("hookline.worker.enabled", "true");
    running.put("hookline.delivery.poll-interval", "1h");
    running.put("hookline.outbox.poll-interval", "1h");
    running.putAll(extra);
    ApplicationContext process = ApplicationContext.run(running);
    DeliveryWorker worker = process.getBean(DeliveryWorker.class);
    await("the worker caught up").atMost(Duration.ofSeconds(10)).until(() -> peek(worker));
    return process;
  }

  /** Whether the worker would take fresh deliveries now (the room is given back at once). */
  private static boolean peek(DeliveryWorker worker) {
    return worker.offer().map(h -> {
      worker.withdraw(h);
      return true;
    }).orElse(false);
  }
}
