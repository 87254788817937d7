package io.hookline.subscription;

import io.hookline.time.StoppedClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.annotation.MockBean;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Secret rotation, disabling, deleting and re-enabling, as the rows behind the API show them. */
class WebhookLifecycleTest extends SubscriptionTest {
  static final Instant START = Instant.parse("2026-11-22T10:00:00.123Z");
  final StoppedClock clock = new StoppedClock(START);
  String tenant;
  String key;

  @MockBean(Clock.class)
  Clock clock() {
    return clock;
  }

  @BeforeAll
  void tenant() {
    String[] created = tenantWithKey("lifecycle");
    tenant = created[0];
    key = created[1];
  }

  @Test
  void rotationKeepsThePreviousSecretFor24Hours() {
    Response created = created(key, MINIMAL);
    String id = created.text("id");
    assertThat(created.text("createdAt")).isEqualTo("2026-11-22T10:00:00.123Z");
    clock.advance(Duration.ofHours(1));

    Response rotated = call("POST", "/webHooks/" + id + "/secret/rotate", key, null);
    assertThat(rotated.status()).isEqualTo(200);
    String secret = rotated.text("secret");
    assertThat(secret).startsWith("whsec_").isNotEqualTo(created.text("secret"));
    assertThat(rotated.text("id")).isEqualTo(id);
    assertThat(rotated.text("updatedAt")).isEqualTo("2026-11-22T11:00:00.123Z");
    assertThat(rotated.json().get("webHookParameters"))
        .isEqualTo(created.json().get("webHookParameters"));
    assertThat(call("GET", "/webHooks/" + id, key, null).text("secret")).isEqualTo(secret);

    List<String> row = query("""
        SELECT secret, previous_secret, previous_secret_until FROM hookline.webhook
         WHERE id = ?""", id).get(0);
    assertThat(row.get(0)).isEqualTo(secret);
    assertThat(row.get(1)).isEqualTo(created.text("secret"));
    assertThat(instant("SELECT previous_secret_until FROM hookline.webhook WHERE id = ?", id))
        .isEqualTo(START.plus(Duration.ofHours(25)));

    clock.advance(Duration.ofHours(2));
    Response again = call("POST", "/webHooks/" + id + "/secret/rotate", key, null);
    assertThat(again.text("secret")).isNotEqualTo(secret);
    assertThat(queryOne("SELECT previous_secret FROM hookline.webhook WHERE id = ?", id))
        .isEqualTo(secret);
    assertThat(instant("SELECT previous_secret_until FROM hookline.webhook WHERE id = ?", id))
        .isEqualTo(START.plus(Duration.ofHours(27)));
  }

  @Test
  void disablingDropsPendingDeliveriesOnly() {
    String id = created(key, MINIMAL).text("id");
    long first = pendingDelivery(tenant, id);
    long second = pendingDelivery(tenant, id);
    long sent = pendingDelivery(tenant, id);
    execute("UPDATE hookline.delivery SET status = 'delivered' WHERE id = ?", sent);
    String otherWebhook = created(key, MINIMAL).text("id");
    long untouched = pendingDelivery(tenant, otherWebhook);

    Response disabled = call("PUT", "/webHooks/" + id, key,
        MINIMAL.replace("{\"event\"", "{\"status\": \"0\", \"event\""));
    assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
    assertThat(disabled.text("status")).isEqualTo("0");
    assertThat(disabled.json().get("disabledReason")).as("disabled by its owner").isNull();

    assertThat(deliveries(first, second, sent, untouched)).containsExactly(
        List.of("dropped", "webhook disabled"), List.of("dropped", "webhook disabled"),
        java.util.Arrays.asList("delivered", null), java.util.Arrays.asList("pending", null));
    assertThat(queryOne("SELECT enabled FROM hookline.webhook WHERE id = ?", id)).isEqualTo("f");
  }

  @Test
  void deletingDropsPendingDeliveries() {
    String id = created(key, MINIMAL).text("id");
    long pending = pendingDelivery(tenant, id);
    assertThat(call("DELETE", "/webHooks/" + id, key, null).status()).isEqualTo(204);
    assertThat(deliveries(pending)).containsExactly(List.of("dropped", "webhook deleted"));
    assertThat(instant("SELECT deleted_at FROM hookline.webhook WHERE id = ?", id))
        .isEqualTo(clock.instant());
  }

  @Test
  void enablingAWebhookThatEndpointHealthDisabledClearsWhy() {
    String id = created(key, MINIMAL).text("id");
    execute("""
        UPDATE hookline.webhook
           SET enabled = false, disabled_reason = 'endpoint failing for 5 days',
               disabled_at = ?, failing_since = ?
         WHERE id = ?""", Timestamp.from(START), Timestamp.from(START.minusSeconds(60)), id);

    Response shown = call("GET", "/webHooks/" + id, key, null);
    assertThat(shown.text("status")).isEqualTo("0");
    assertThat(shown.text("disabledReason")).isEqualTo("endpoint failing for 5 days");
    assertThat(shown.text("disabledAt")).isEqualTo("2026-11-22T10:00:00.123Z");

    Response stillDisabled = call("PUT", "/webHooks/" + id, key,
        MINIMAL.replace("{\"event\"", "{\"status\": \"0\", \"event\""));
    assertThat(stillDisabled.text("disabledReason")).isEqualTo("endpoint failing for 5 days");

    Response enabled = call("PUT", "/webHooks/" + id, key, MINIMAL);
    assertThat(enabled.status()).isEqualTo(200);
    assertThat(enabled.text("status")).isEqualTo("1");
    assertThat(enabled.json().get("disabledReason")).isNull();
    assertThat(enabled.json().get("disabledAt")).isNull();
    assertThat(query("""
        SELECT enabled, disabled_reason, disabled_at, failing_since FROM hookline.webhook
         WHERE id = ?""", id)).containsExactly(java.util.Arrays.asList("t", null, null, null));
  }

  @Test
  void anEnabledWebhooksFailureTrackingSurvivesAPut() {
    String id = created(key, MINIMAL).text("id");
    execute("UPDATE hookline.webhook SET failing_since = ? WHERE id = ?",
        Timestamp.from(START), id);
    assertThat(call("PUT", "/webHooks/" + id, key, MINIMAL).status()).isEqualTo(200);
    assertThat(instant("SELECT failing_since FROM hookline.webhook WHERE id = ?", id))
        .isEqualTo(START);
  }

  private List<List<String>> deliveries(long... ids) {
    List<List<String>> rows = new java.util.ArrayList<>();
    for (long id : ids) {
      rows.add(query("SELECT status, reason FROM hookline.delivery WHERE id = ?", id).get(0));
    }
    return rows;
  }

  private Instant instant(String sql, Object... parameters) {
    List<List<String>> rows = query(sql.replace("SELECT ", "SELECT extract(epoch FROM ")
        .replace(" FROM hookline", ")::numeric FROM hookline"), parameters);
    java.math.BigDecimal seconds = new java.math.BigDecimal(rows.get(0).get(0));
    return Instant.ofEpochSecond(seconds.longValue(),
        seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
  }
}
