package io.hookline.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import io.hookline.delivery.DeliveryRows;
import io.hookline.time.StoppedClock;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.annotation.MockBean;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayApiTest extends ApiTest {
  static final Instant T0 = Instant.parse("2030-03-01T10:00:00Z");
  static final int CAP = 40;

  final StoppedClock clock = new StoppedClock(T0);

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Inject
  ReplayJobs jobs;

  DeliveryRows rows;
  String acme;
  String acmeKey;

  @MockBean(Clock.class)
  Clock clock() {
    return clock;
  }

  @Override
  protected Map<String, String> extraProperties() {
    return Map.of("hookline.replay.max-deliveries", String.valueOf(CAP),
        "hookline.replay.lease", "60s", "hookline.replay.sending-wait", "10m");
  }

  @BeforeAll
  void seed() {
    rows = new DeliveryRows(resolver.resolve(dataSource));
    acme = newTenant("acme");
    acmeKey = newKey(acme);
  }

  @BeforeEach
  void startAfresh() {
    clock.set(T0.plus(Duration.ofDays(1)));
    // Runners take the oldest running job: each test sees only its own.
    rows.exec("DELETE FROM hookline.replay");
  }

  @Test
  void replayingOneDeliveryMovesItsRowPerTheContract() {
    String hook = rows.webhook(acme, "*", "https://one.example.com");
    long delivery = rows.delivery(rows.event(acme, "one_1", "order.created", T0), hook, "dropped",
        T0);
    rows.attempt(delivery, T0, 410, null, "gone", "scheduled");
    rows.exec("UPDATE hookline.delivery SET schedule_step = 3 WHERE id = ?", delivery);

    Response response = call("POST", "/deliveries/dlv_" + delivery + "/replay", acmeKey, null);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(response.text("id")).isEqualTo("dlv_" + delivery);
    assertThat(response.text("status")).isEqualTo("pending");
    assertThat(response.text("nextAttemptAt")).isEqualTo(clock.instant().toString());
    assertThat(response.json().get("reason")).isNull();
    assertThat(response.json().get("attempts").size()).isEqualTo(1);
    Map<String, Object> row = rows.delivery(delivery);
    assertThat(row).containsEntry("status", "pending").containsEntry("next_trigger", "replay")
        .containsEntry("schedule_step", 0).containsEntry("retry", true)
        .containsEntry("attempt_count", 1).containsEntry("next_attempt_at", clock.instant());
    assertThat(row.get("reason")).isNull();
    assertThat(row.get("claimed_by")).isNull();

    Response noRetry = call("POST", "/deliveries/dlv_" + delivery + "/replay", ADMIN,
        "{\"retry\": false}");
    assertThat(noRetry.status()).isEqualTo(202);
    assertThat(rows.delivery(delivery)).containsEntry("retry", false);
  }

  @Test
  void aDeliveryBeingSentIsNotReplayed() {
    String hook = rows.webhook(acme, "*", "https://busy.example.com");
    long delivery = rows.delivery(rows.event(acme, "busy_1", "order.created", T0), hook,
        "sending", T0);

    Response response = call("POST", "/deliveries/dlv_" + delivery + "/replay", acmeKey, "{}");

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(rows.delivery(delivery)).containsEntry("status", "sending")
        .containsEntry("claimed_by", "worker-1").containsEntry("next_trigger", "scheduled");
  }

  @Test
  void aDryRunCountsWhatTheJobThenTakes() {
    String hook = rows.webhook(acme, "*", "https://dry.example.com");
    List<Long> failed = seed(hook, "dry", 5, "failed");
    seed(hook, "dry_ok", 3, "delivered");
    String filter = "{\"filter\": {\"webhook\": \"" + hook + "\", \"status\": \"failed\"}";

    Response dry = call("POST", "/replays", acmeKey, filter + ", \"dryRun\": true}");
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("matched").getLongValue()).isEqualTo(5);
    assertThat(rows.count("SELECT count(*) FROM hookline.replay")).isZero();

    Response job = call("POST", "/replays", acmeKey, filter + "}");
    assertThat(job.status()).as(job.body()).isEqualTo(202);
    assertThat(job.text("id")).startsWith("rpl_");
    assertThat(job.headers().firstValue("location")).hasValue("/replays/" + job.text("id"));
    assertThat(job.text("status")).isEqualTo("running");
    assertThat(job.json().get("matched").getIntValue()).isEqualTo(5);
    assertThat(job.json().get("done").getIntValue()).isZero();
    assertThat(job.json().get("failed").getIntValue()).isZero();
    assertThat(job.json().get("filter").get("status").getStringValue()).isEqualTo("failed");
    assertThat(rows.column("SELECT delivery_id FROM hookline.replay_item WHERE replay_id = ?"
        + " ORDER BY delivery_id", job.text("id"))).containsExactlyElementsOf(failed);
    // The set was fixed at creation: a delivery that fails later is not part of this job.
    seed(hook, "dry_late", 1, "failed");
    runToDone();
    assertThat(call("GET", "/replays/" + job.text("id"), acmeKey, null).json().get("done")
        .getIntValue()).isEqualTo(5);
  }

  @Test
  void aJobRunsStepByStepToDone() {
    String hook = rows.webhook(acme, "*", "https://steps.example.com");
    List<Long> deliveries = seed(hook, "step", 5, "failed");
    String id = start("{\"filter\": {\"webhook\": \"" + hook + "\"}, \"retry\": false}");

    assertThat(jobs.step("runner-a", 2)).isEqualTo(2);
    Response progress = call("GET", "/replays/" + id, acmeKey, null);
    assertThat(progress.text("status")).isEqualTo("running");
    assertThat(progress.json().get("done").getIntValue()).isEqualTo(2);
    assertThat(jobs.step("runner-a", 2)).isEqualTo(2);
    assertThat(jobs.step("runner-a", 2)).isEqualTo(1);

    Response done = call("GET", "/replays/" + id, acmeKey, null);
    assertThat(done.text("status")).isEqualTo("done");
    assertThat(done.json().get("done").getIntValue()).isEqualTo(5);
    assertThat(done.text("finishedAt")).isEqualTo(clock.instant().toString());
    for (long delivery : deliveries) {
      assertThat(rows.delivery(delivery)).containsEntry("status", "pending")
          .containsEntry("next_trigger", "replay").containsEntry("retry", false)
          .containsEntry("next_attempt_at", clock.instant());
    }
    assertThat(jobs.step("runner-a", 2)).isZero();
  }

  @Test
  void aJobNeverReplaysOneDeliveryTwice() {
    String hook = rows.webhook(acme, "*", "https://twice.example.com");
    List<Long> deliveries = seed(hook, "twice", 4, "failed");
    String id = start("{\"filter\": {\"webhook\": \"" + hook + "\"}}");

    assertThat(jobs.step("runner-a", 2)).isEqualTo(2);
    // The worker sends the two moved deliveries; the job goes on with the others only.
    rows.exec("UPDATE hookline.delivery SET status = 'delivered' WHERE id = ANY (?)",
        (Object) deliveries.subList(0, 2).toArray(Long[]::new));
    clock.advance(Duration.ofSeconds(5));
    runToDone("runner-a");

    assertThat(rows.delivery(deliveries.get(0))).containsEntry("status", "delivered");
    assertThat(rows.delivery(deliveries.get(1))).containsEntry("status", "delivered");
    assertThat(rows.delivery(deliveries.get(2))).containsEntry("status", "pending")
        .containsEntry("next_attempt_at", clock.instant());
    assertThat(rows.count("SELECT count(*) FROM hookline.replay_item WHERE replay_id = ?"
        + " AND state = 'done'", id)).isEqualTo(4);
    assertThat(call("GET", "/replays/" + id, acmeKey, null).json().get("done").getIntValue())
        .isEqualTo(4);
  }

  @Test
  void anotherRunnerFinishesTheJobOfOneThatDied() {
    String hook = rows.webhook(acme, "*", "https://dead.example.com");
    List<Long> deliveries = seed(hook, "dead", 5, "failed");
    String id = start("{\"filter\": {\"webhook\": \"" + hook + "\"}}");

    assertThat(jobs.step("runner-a", 2)).isEqualTo(2);
    rows.exec("UPDATE hookline.delivery SET status = 'delivered' WHERE id = ANY (?)",
        (Object) deliveries.subList(0, 2).toArray(Long[]::new));
    // runner-a dies here. While its lease lasts nobody else touches the job.
    clock.advance(Duration.ofSeconds(59));
    assertThat(jobs.step("runner-b", 10)).isZero();
    assertThat(rows.one("SELECT claimed_by FROM hookline.replay WHERE id = ?", id))
        .containsEntry("claimed_by", "runner-a");

    clock.advance(Duration.ofSeconds(2));
    assertThat(jobs.step("runner-b", 10)).isEqualTo(3);

    Response done = call("GET", "/replays/" + id, acmeKey, null);
    assertThat(done.text("status")).isEqualTo("done");
    assertThat(done.json().get("done").getIntValue()).isEqualTo(5);
    assertThat(rows.delivery(deliveries.get(0))).containsEntry("status", "delivered");
    assertThat(rows.delivery(deliveries.get(4))).containsEntry("status", "pending");
  }

  @Test
  void anAttemptInFlightIsWaitedForThenFailedWhenItNeverEnds() {
    String hook = rows.webhook(acme, "*", "https://flight.example.com");
    long sending = seed(hook, "flight_s", 1, "sending").get(0);
    long stuck = seed(hook, "flight_x", 1, "sending").get(0);
    seed(hook, "flight_f", 1, "failed");
    String id = start("{\"filter\": {\"webhook\": \"" + hook + "\"}}");

    assertThat(jobs.step("runner-a", 10)).isEqualTo(1);
    assertThat(call("GET", "/replays/" + id, acmeKey, null).text("status")).isEqualTo("running");
    // One attempt ends (the delivery failed again): the next step replays it.
    rows.exec("UPDATE hookline.delivery SET status = 'failed', claimed_by = NULL WHERE id = ?",
        sending);
    clock.advance(Duration.ofMinutes(5));
    assertThat(jobs.step("runner-a", 10)).isEqualTo(1);
    assertThat(rows.delivery(sending)).containsEntry("next_trigger", "replay");
    // The other never ends: after sending-wait its item fails and the job is done.
    clock.advance(Duration.ofMinutes(6));
    assertThat(jobs.step("runner-a", 10)).isEqualTo(1);

    Response done = call("GET", "/replays/" + id, acmeKey, null);
    assertThat(done.text("status")).isEqualTo("done");
    assertThat(done.json().get("done").getIntValue()).isEqualTo(2);
    assertThat(done.json().get("failed").getIntValue()).isEqualTo(1);
    assertThat(rows.delivery(stuck)).containsEntry("status", "sending");
    assertThat(call("GET", "/metrics", null, null).body())
        .containsPattern("hookline_replay_items_total\\{state=\"failed\"} [1-9]");
  }

  @Test
  void pastEventsAreSentToANewWebhook() {
    String tenant = newTenant("backfill");
    String key = newKey(tenant);
    Instant since = T0.plus(Duration.ofHours(1));
    long before = rows.event(tenant, "e_before", "order.created", T0);
    long created = rows.event(tenant, "e_created", "order.created", since);
    long paid = rows.event(tenant, "e_paid", "order.payment.paid", since.plusSeconds(60));
    rows.event(tenant, "e_bare", "order", since.plusSeconds(60));
    rows.event(tenant, "e_invoice", "invoice.sent", since.plusSeconds(60));
    rows.event(newTenant("elsewhere"), "e_other", "order.created", since.plusSeconds(60));
    String hook = rows.webhook(tenant, "order.*", "https://new.example.com/1",
        "https://new.example.com/2");
    List<Long> destinations = rows.destinations(hook);
    long existing = rows.delivery(created, hook, destinations.get(0), "delivered", since);
    String body = "{\"webhook\": \"" + hook + "\", \"fromEvents\": {\"since\": \"" + since
        + "\"}";

    Response dry = call("POST", "/replays", key, body + ", \"dryRun\": true}");
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("matched").getLongValue()).isEqualTo(3);

    Response job = call("POST", "/replays", key, body + "}");
    assertThat(job.status()).as(job.body()).isEqualTo(202);
    assertThat(job.json().get("matched").getIntValue()).isEqualTo(3);
    assertThat(job.json().get("filter").get("fromEvents").get("since").getStringValue())
        .isEqualTo(since.toString());
    List<Map<String, Object>> made = rows.rows("""
        SELECT d.event_pk, d.destination_id, d.url, d.status, d.next_attempt_at, d.tenant_id
          FROM hookline.delivery d WHERE d.webhook_id = ? AND d.id <> ?
         ORDER BY d.event_pk, d.destination_id""", hook, existing);
    assertThat(made).extracting(r -> r.get("event_pk") + "@" + r.get("url")).containsExactly(
        created + "@https://new.example.com/2", paid + "@https://new.example.com/1",
        paid + "@https://new.example.com/2");
    assertThat(made).allSatisfy(r -> {
      assertThat(r.get("status")).isEqualTo("pending");
      assertThat(r.get("next_attempt_at")).isNull();
      assertThat(r.get("tenant_id")).isEqualTo(tenant);
    });
    assertThat(rows.count("SELECT count(*) FROM hookline.delivery WHERE event_pk = ?", before))
        .isZero();

    runToDone();
    assertThat(rows.count("SELECT count(*) FROM hookline.delivery WHERE webhook_id = ?"
        + " AND next_trigger = 'replay' AND next_attempt_at = ?", hook, clock.instant()))
        .isEqualTo(3);
    assertThat(rows.delivery(existing)).containsEntry("status", "delivered");
    Response again = call("POST", "/replays", key, body + ", \"dryRun\": true}");
    assertThat(again.json().get("matched").getLongValue()).isZero();
    Response nothing = call("POST", "/replays", key, body + "}");
    assertThat(nothing.text("status")).isEqualTo("done");
  }

  @Test
  void badReplayRequestsAreRefusedWholly() {
    Response bad = call("POST", "/replays", acmeKey,
        "{\"filter\": {\"status\": \"lost\", \"since\": \"monday\"}}");
    assertThat(bad.status()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    bad.json().get("errors").values().forEach(e -> fields.add(e.get("field").getStringValue()));
    assertThat(fields).containsExactlyInAnyOrder("filter.status", "filter.since");

    Response everything = call("POST", "/replays", ADMIN, "{\"filter\": {}, \"dryRun\": true}");
    assertThat(everything.status()).isEqualTo(400);
    assertThat(everything.json().get("errors").get(0).get("field").getStringValue())
        .isEqualTo("filter");
    Response noSince = call("POST", "/replays", acmeKey, "{\"webhook\": \"whk_x\", "
        + "\"fromEvents\": {}}");
    assertThat(noSince.status()).isEqualTo(400);
    assertThat(noSince.json().get("errors").get(0).get("field").getStringValue())
        .isEqualTo("fromEvents.since");
    assertThat(call("POST", "/replays", acmeKey, "{\"webhook\": \"whk_nope\", "
        + "\"fromEvents\": {\"since\": \"2030-01-01\"}}").status()).isEqualTo(404);

    String other = newTenant("other");
    String otherKey = newKey(other);
    String hook = rows.webhook(acme, "*", "https://mine.example.com");
    assertThat(call("POST", "/replays", otherKey, "{\"filter\": {\"tenant\": \"" + acme
        + "\"}}").status()).isEqualTo(404);
    assertThat(call("POST", "/replays", otherKey, "{\"webhook\": \"" + hook
        + "\", \"fromEvents\": {\"since\": \"2030-01-01\"}}").status()).isEqualTo(404);
    rows.exec("UPDATE hookline.webhook SET enabled = false WHERE id = ?", hook);
    assertThat(call("POST", "/replays", acmeKey, "{\"webhook\": \"" + hook
        + "\", \"fromEvents\": {\"since\": \"2030-01-01\"}}").status()).isEqualTo(409);
    assertThat(rows.count("SELECT count(*) FROM hookline.replay WHERE tenant_id = ?", other))
        .isZero();

    String id = start("{\"filter\": {\"webhook\": \"" + hook + "\"}}");
    assertThat(call("GET", "/replays/" + id, otherKey, null).status()).isEqualTo(404);
    assertThat(call("GET", "/replays/" + id, ADMIN, null).status()).isEqualTo(200);
    assertThat(call("GET", "/replays/rpl_nope", acmeKey, null).status()).isEqualTo(404);
  }

  @Test
  void junkBodiesAreRefusedAndStartNothing() {
    rows.webhook(acme, "*", "https://junk.example.com");
    for (String body : List.of("{\"filter\":{\"status\":null},\"dryRun\":\"maybe\"}",
        "{\"filter\":{\"status\":\"\"},\"dryRun\":\"maybe\"}",
        "{\"filter\":{\"status\":true},\"dryRun\":false}",
        "{\"filter\":{\"webhook\":\"\\u0000\"}}",
        "{\"filter\":{\"status\":[]}}",
        "{\"filter\":\"\",\"unknown\":[", "{\"filter\":[]}", "[]", "null",
        "{\"webhook\":{\"$ne\":1},\"fromEvents\":{\"since\":\"not-a-time\"}}",
        "{\"webhook\":\"\\u0000\",\"fromEvents\":{\"since\":\"2030-01-01\"}}",
        "{\"webhook\":\"wh_x\",\"fromEvents\":{\"since\":\"2030-01-01\"},\"filter\":{}}")) {
      Response response = call("POST", "/replays", acmeKey, body);
      assertThat(response.status()).as(body).isBetween(400, 499);
      assertThat(response.body()).as(body).doesNotContain("java.").doesNotContain("Exception");
    }
    long delivery = seed(rows.webhook(acme, "*", "https://junk.example.com/2"), "junk", 1,
        "failed").get(0);
    for (String body : List.of("{\"retry\": \"maybe\"}", "{\"retry\": 1}", "[]",
        "{\"retry\": {\"deep\": [[[]]]}}")) {
      assertThat(call("POST", "/deliveries/dlv_" + delivery + "/replay", acmeKey, body).status())
          .as(body).isEqualTo(400);
    }
    assertThat(rows.delivery(delivery)).containsEntry("status", "failed");
    for (String id : List.of("%00", "x".repeat(3000), "rpl_%27")) {
      assertThat(call("GET", "/replays/" + id, acmeKey, null).status()).as(id).isEqualTo(404);
    }
    assertThat(rows.count("SELECT count(*) FROM hookline.replay")).isZero();
  }

  @Test
  void aReplayAboveTheCapIsRefusedAndLeavesNothing() {
    String tenant = newTenant("huge");
    String hook = rows.webhook(tenant, "*", "https://huge.example.com");
    seed(tenant, hook, "huge", CAP + 1, "failed");
    long jobs = rows.count("SELECT count(*) FROM hookline.replay");

    Response response = call("POST", "/replays", ADMIN,
        "{\"filter\": {\"tenant\": \"" + tenant + "\"}}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("field").getStringValue())
        .isEqualTo("filter");
    assertThat(rows.count("SELECT count(*) FROM hookline.replay")).isEqualTo(jobs);
  }

  private List<Long> seed(String hook, String prefix, int count, String status) {
    return seed(acme, hook, prefix, count, status);
  }

  private List<Long> seed(String tenant, String hook, String prefix, int count, String status) {
    List<Long> deliveries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      deliveries.add(rows.delivery(rows.event(tenant, prefix + "_" + i, "order.created", T0), hook,
          status, T0));
    }
    return deliveries;
  }

  private String start(String body) {
    Response job = call("POST", "/replays", acmeKey, body);
    assertThat(job.status()).as(job.body()).isEqualTo(202);
    return job.text("id");
  }

  private void runToDone() {
    runToDone("runner-test");
  }

  private void runToDone(String runner) {
    int steps = 0;
    while (rows.count("SELECT count(*) FROM hookline.replay WHERE status = 'running'") > 0) {
      jobs.step(runner, 3);
      assertThat(++steps).as("steps until every job is done").isLessThan(100);
    }
  }
}
