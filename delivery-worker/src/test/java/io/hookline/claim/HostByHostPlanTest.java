package io.hookline.claim;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.database.QueuePlans;
import io.hookline.database.TestDatabase;
import io.hookline.delivery.Fixtures;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The host-by-host claim reads each host's rows through that host's index, whatever the
 * statistics say: a hanging host's backlog at the head of the queue is not read through by the
 * claims of the other hosts.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostByHostPlanTest implements TestPropertyProvider {
  private static final Instant NOW = Instant.parse("2026-05-04T08:00:00Z");

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>(TestDatabase.fresh());
    properties.put("hookline.worker.enabled", "false");
    return properties;
  }

  @Test
  void onStaleStatisticsAHostsRowsAreStillReadThroughItsOwnIndex() throws Exception {
    DataSource raw = resolver.resolve(dataSource);
    Fixtures db = new Fixtures(raw);
    // a hanging host's backlog, due first, then a healthy host's rows
    long hanging = db.pending("http://hanging.example/", NOW.minusSeconds(3600));
    long healthy = db.pending("http://healthy.example/", NOW.minusSeconds(60));
    String copies = """
        INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id, url,
                                       host, next_attempt_at, created_at, updated_at)
        SELECT d.tenant_id, d.event_pk, d.webhook_id, d.destination_id, d.url, d.host,
               d.next_attempt_at + make_interval(secs => n * 0.01), d.created_at, d.updated_at
          FROM hookline.delivery d, generate_series(1, ?) n WHERE d.id = ?""";
    db.update(copies, 20_000, hanging);
    db.update(copies, 5_000, healthy);
    // statistics taken while the healthy host's rows had no due time yet, as in a busy queue
    // whose rows changed since the last ANALYZE
    db.update("UPDATE hookline.delivery SET next_attempt_at = NULL"
        + " WHERE host = 'healthy.example'");
    db.update("ANALYZE hookline.delivery");
    db.update("UPDATE hookline.delivery SET next_attempt_at = created_at + interval '1 minute'"
        + " WHERE host = 'healthy.example'");

    String plan;
    try (Connection connection = raw.getConnection()) {
      connection.setAutoCommit(false);
      // as the claim runs it
      QueuePlans.byIndex(connection);
      try (PreparedStatement explain = connection.prepareStatement(
          "EXPLAIN " + ClaimDueDeliveries.hostByHostClaim())) {
        explain.setArray(1, connection.createArrayOf("text", new String[] {"hanging.example"}));
        explain.setObject(2, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
        explain.setInt(3, 192);
        explain.setInt(4, 500);
        explain.setInt(5, 500);
        explain.setString(6, "w1");
        explain.setObject(7, OffsetDateTime.ofInstant(NOW.plusSeconds(90), ZoneOffset.UTC));
        explain.setObject(8, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
        StringBuilder lines = new StringBuilder();
        try (ResultSet rows = explain.executeQuery()) {
          while (rows.next()) {
            lines.append(rows.getString(1)).append('\n');
          }
        }
        plan = lines.toString();
      }
      connection.rollback();
    }

    assertThat(plan).contains("Index Scan using delivery_due_host")
        .doesNotContain("Index Scan using delivery_due on");
  }
}
