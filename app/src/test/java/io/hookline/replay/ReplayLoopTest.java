package io.hookline.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookline.api.ApiTest;
import io.hookline.delivery.DeliveryRows;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** In a worker process the replay loop runs jobs by itself. */
class ReplayLoopTest extends ApiTest {

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  @Override
  protected Map<String, String> extraProperties() {
    return Map.of("hookline.worker.enabled", "true", "hookline.replay.batch-size", "2");
  }

  @Test
  void workersRunAJobToDone() {
    DeliveryRows rows = new DeliveryRows(resolver.resolve(dataSource));
    String tenant = newTenant("looped");
    String hook = rows.webhook(tenant, "*", "https://loop.example.com");
    Instant then = Instant.parse("2030-03-01T10:00:00Z");
    for (int i = 0; i < 5; i++) {
      rows.delivery(rows.event(tenant, "loop_" + i, "order.created", then), hook, "dropped",
          then);
    }

    Response job = call("POST", "/replays", ADMIN, "{\"filter\": {\"webhook\": \"" + hook
        + "\"}, \"retry\": false}");
    assertThat(job.status()).as(job.body()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(
        call("GET", "/replays/" + job.text("id"), ADMIN, null).text("status")));
    Response done = call("GET", "/replays/" + job.text("id"), ADMIN, null);
    assertThat(done.json().get("done").getIntValue()).isEqualTo(5);
    assertThat(rows.count("SELECT count(*) FROM hookline.replay_item WHERE replay_id = ?"
        + " AND state = 'done'", job.text("id"))).isEqualTo(5);
    // Moved (the delivery engine, when it runs here too, may have sent them on since).
    assertThat(rows.count("SELECT count(*) FROM hookline.delivery WHERE webhook_id = ?"
        + " AND retry = false AND updated_at >= ?", hook,
        Instant.parse(job.text("createdAt")))).isEqualTo(5);
  }
}
