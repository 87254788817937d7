package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockserver.model.Delay;
import org.mockserver.model.HttpError;

/** Every way an attempt can end, as rows: the attempt, and the delivery's next state. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutcomesTest extends WorkerTest {

  @ParameterizedTest
  @CsvSource({
      "200, delivered, delivered", "201, delivered, delivered", "204, delivered, delivered",
      "301, dropped, dropped", "400, dropped, dropped", "404, dropped, dropped",
      "408, pending, retry", "500, pending, retry", "503, pending, retry"})
  void statusDecidesTheOutcome(int status, String deliveryStatus, String attemptOutcome)
      throws Exception {
    receiver.when(request().withPath("/status")).respond(response().withStatusCode(status)
        .withBody(status == 204 ? "" : "answer " + status));
    long id = db.pending(url("/status"), START);

    WorkCounts counts = worker.workOnce();

    assertThat(counts.claimed()).isEqualTo(1);
    Map<String, Object> delivery = db.delivery(id);
    assertThat(delivery).containsEntry("status", deliveryStatus).containsEntry("attempt_count", 1)
        .containsEntry("claimed_by", null).containsEntry("claimed_until", null);
    Map<String, Object> attempt = db.attempts(id).getFirst();
    assertThat(attempt).containsEntry("status_code", status).containsEntry("error", null)
        .containsEntry("response", status == 204 ? "" : "answer " + status)
        .containsEntry("trigger", "scheduled").containsEntry("outcome", attemptOutcome)
        .containsEntry("at", START);
    assertThat((Integer) attempt.get("duration_ms")).isNotNegative();
    switch (deliveryStatus) {
      case "pending" -> assertThat(delivery).containsEntry("next_attempt_at", START.plusSeconds(10))
          .containsEntry("schedule_step", 1).containsEntry("reason", null);
      case "dropped" -> assertThat(delivery).containsEntry("next_attempt_at", null)
          .containsEntry("reason", "HTTP " + status + ": not retried");
      default -> assertThat(delivery).containsEntry("next_attempt_at", null)
          .containsEntry("reason", null);
    }
    assertThat(received("/status")).hasSize(1);
  }

  @Test
  void attemptsAreDeletedWithTheirDelivery() throws Exception {
    receiver.when(request().withPath("/kept")).respond(response().withStatusCode(200));
    long retained = db.pending(url("/kept"), START);
    long purged = db.pending(url("/kept"), START);
    long cascaded = db.pending(url("/kept"), START);
    worker.workOnce();
    assertThat(List.of(retained, purged, cascaded)).allSatisfy(id -> assertThat(db.attempts(id))
        .singleElement().satisfies(a -> assertThat(a).containsEntry("outcome", "delivered")));

    // as retention deletes a delivery, and as deleting its event (or its tenant) does
    db.update("DELETE FROM hookline.delivery WHERE id = ?", purged);
    db.update("DELETE FROM hookline.event WHERE pk = ?", db.delivery(cascaded).get("event_pk"));

    assertThat(db.attempts(purged)).isEmpty();
    assertThat(db.attempts(cascaded)).isEmpty();
    assertThat(db.rows("SELECT 1 FROM hookline.delivery WHERE id = ?", cascaded)).isEmpty();
    assertThat(db.attempts(retained)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]", "2130706433"})
  void privateTargetsAreReachedWhenAllowed(String host) throws Exception {
    receiver.when(request().withPath("/private")).respond(response().withStatusCode(200));
    long id = db.pending("http://" + host + ":" + receiver.getPort() + "/private", START);

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("status", "delivered");
    assertThat(received("/private")).hasSize(1);
  }

  @Test
  void aRedirectIsRecordedNeverFollowed() throws Exception {
    receiver.when(request().withPath("/moved")).respond(response().withStatusCode(302)
        .withHeader("Location", url("/private-target")));
    long id = db.pending(url("/moved"), START);

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("status", "dropped");
    assertThat(db.attempts(id).getFirst()).containsEntry("status_code", 302);
    assertThat(received("/private-target")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"120, 120", "1, 10", "7200, 3600"})
  void retryAfterSecondsWinsWhenLaterAndIsCapped(String header, long expectedSeconds)
      throws Exception {
    receiver.when(request().withPath("/busy")).respond(response().withStatusCode(429)
        .withHeader("Retry-After", header));
    long id = db.pending(url("/busy"), START);

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("status", "pending")
        .containsEntry("next_attempt_at", START.plusSeconds(expectedSeconds));
  }

  @Test
  void retryAfterAsAnHttpDate() throws Exception {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        START.plusSeconds(300).atOffset(ZoneOffset.UTC));
    receiver.when(request().withPath("/busy-date")).respond(response().withStatusCode(429)
        .withHeader("Retry-After", date));
    long id = db.pending(url("/busy-date"), START);

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("next_attempt_at", START.plusSeconds(300));
  }

  @Test
  void aBrokenConnectionIsRetried() throws Exception {
    receiver.when(request().withPath("/reset"))
        .error(HttpError.error().withDropConnection(true));
    long id = db.pending(url("/reset"), START);

    worker.workOnce();

    assertUnanswered(id, "connection");
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    long id = db.pending("http://127.0.0.1:" + closedPort() + "/", START);

    worker.workOnce();

    assertThat(assertUnanswered(id, "connection refused")).isEqualTo("connection refused");
  }

  @Test
  void anUnknownHostIsRetried() throws Exception {
    long id = db.pending("http://no-such-host.invalid/hook", START);

    worker.workOnce();

    assertThat(assertUnanswered(id, "dns: no such host")).contains("no-such-host.invalid");
  }

  @Test
  void noAnswerWithinTheTimeoutIsRetried() throws Exception {
    receiver.when(request().withPath("/slow")).respond(response().withStatusCode(200)
        .withDelay(new Delay(TimeUnit.SECONDS, 6)));
    long id = db.pending(url("/slow"), START);

    worker.workOnce();

    assertThat(assertUnanswered(id, "timeout")).isEqualTo("timeout: no response within 3s");
    assertThat((Integer) db.attempts(id).getFirst().get("duration_ms")).isGreaterThanOrEqualTo(3000);
  }

  @Test
  void onlyTheFirst4KiBOfTheAnswerAreKept() throws Exception {
    // 1 + 2 × 3000 bytes: the 4096th byte is the first half of an é.
    String body = "x" + "é".repeat(3000);
    receiver.when(request().withPath("/big")).respond(response().withStatusCode(500)
        .withBody(body));
    long id = db.pending(url("/big"), START);

    worker.workOnce();

    String kept = (String) db.attempts(id).getFirst().get("response");
    assertThat(kept).isEqualTo("x" + "é".repeat(2047) + "\uFFFD");
  }

  @Test
  void theScheduleRunsOutIntoFailed() throws Exception {
    receiver.when(request().withPath("/down")).respond(response().withStatusCode(500));
    long id = db.pending(url("/down"), START);
    Instant now = START;
    for (Duration step : List.of(Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofHours(1))) {
      worker.workOnce();
      now = now.plus(step);
      assertThat(db.delivery(id)).containsEntry("status", "pending")
          .containsEntry("next_attempt_at", now);
      clock.set(now);
    }

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("status", "failed").containsEntry("attempt_count", 4)
        .containsEntry("reason", "retries exhausted after 4 attempts: HTTP 500")
        .containsEntry("next_attempt_at", null);
    assertThat(db.attempts(id)).extracting(a -> a.get("outcome"))
        .containsExactly("retry", "retry", "retry", "failed");
    assertThat(received("/down")).hasSize(4);
  }

  @Test
  void aReplayWithoutRetryFailsAfterOneAttempt() throws Exception {
    receiver.when(request().withPath("/once")).respond(response().withStatusCode(503));
    long id = db.pending(url("/once"), START);
    db.update("UPDATE hookline.delivery SET retry = false, next_trigger = 'replay' WHERE id = ?",
        id);

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("status", "failed")
        .containsEntry("reason", "not retried (replayed without retry): HTTP 503");
    assertThat(db.attempts(id).getFirst()).containsEntry("trigger", "replay")
        .containsEntry("outcome", "failed");
  }

  @Test
  void aReplayedAttemptIsRecordedAsSuchAndItsRetriesAsScheduled() throws Exception {
    receiver.when(request().withPath("/replayed")).respond(response().withStatusCode(500));
    long id = db.pending(url("/replayed"), START);
    db.update("UPDATE hookline.delivery SET next_trigger = 'replay' WHERE id = ?", id);

    worker.workOnce();

    assertThat(db.attempts(id).getFirst()).containsEntry("trigger", "replay");
    assertThat(db.delivery(id)).containsEntry("next_trigger", "scheduled");
  }

  /** Asserts a retried attempt without an answer; answers its error. */
  private String assertUnanswered(long id, String errorStart) {
    assertThat(db.delivery(id)).containsEntry("status", "pending")
        .containsEntry("next_attempt_at", START.plusSeconds(10));
    Map<String, Object> attempt = db.attempts(id).getFirst();
    assertThat(attempt).containsEntry("status_code", null).containsEntry("response", null)
        .containsEntry("outcome", "retry");
    assertThat((String) attempt.get("error")).startsWith(errorStart);
    return (String) attempt.get("error");
  }
}
