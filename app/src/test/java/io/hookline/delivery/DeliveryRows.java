package io.hookline.delivery;

import io.hookline.identity.PublicId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Seeds webhooks, events, deliveries and attempts with SQL, and reads rows back, for tests. */
public final class DeliveryRows {
  private final DataSource dataSource;

  public DeliveryRows(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A webhook of the tenant with one destination per url; answers its id. */
  public String webhook(String tenant, String pattern, String... urls) {
    String id = PublicId.random("whk");
    exec("""
        INSERT INTO hookline.webhook (id, tenant_id, event, secret) VALUES (?, ?, ?, ?)""",
        id, tenant, pattern, "whsec_dGVzdA==");
    for (int i = 0; i < urls.length; i++) {
      exec("""
          INSERT INTO hookline.destination (webhook_id, position, format, url)
          VALUES (?, ?, 'json', ?)""", id, i, urls[i]);
    }
    return id;
  }

  /** The destination ids of a webhook, in position order. */
  public List<Long> destinations(String webhook) {
    return column("SELECT id FROM hookline.destination WHERE webhook_id = ? ORDER BY position",
        webhook).stream().map(v -> ((Number) v).longValue()).toList();
  }

  /** An event; answers its pk. */
  public long event(String tenant, String id, String name, Instant createdAt) {
    return ((Number) one("""
        INSERT INTO hookline.event (tenant_id, id, event, data, created_at, source)
        VALUES (?, ?, ?, '{"order_id": 1}'::jsonb, ?, 'api') RETURNING pk""",
        tenant, id, name, at(createdAt)).get("pk")).longValue();
  }

  /** A delivery of the event to the webhook's first destination; answers its key. */
  public long delivery(long eventPk, String webhook, String status, Instant createdAt) {
    return delivery(eventPk, webhook, destinations(webhook).get(0), status, createdAt);
  }

  public long delivery(long eventPk, String webhook, long destination, String status,
      Instant createdAt) {
    return ((Number) one("""
        INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id, url,
            host, status, attempt_count, next_attempt_at, reason, claimed_by, claimed_until,
            created_at, updated_at)
        SELECT e.tenant_id, e.pk, ?, t.id, t.url, t.host, ?, 0, ?, ?, ?, ?, ?, ?
          FROM hookline.event e, hookline.destination t WHERE e.pk = ? AND t.id = ?
        RETURNING id""", webhook, status, at(createdAt),
        status.equals("dropped") ? "HTTP 410" : null,
        status.equals("sending") ? "worker-1" : null,
        status.equals("sending") ? at(createdAt.plusSeconds(90)) : null,
        at(createdAt), at(createdAt), eventPk, destination).get("id")).longValue();
  }

  /** An attempt on the delivery (and its attempt_count moves on). */
  public void attempt(long delivery, Instant at, Integer statusCode, String error,
      String response, String trigger) {
    exec("""
        INSERT INTO hookline.attempt (delivery_id, at, duration_ms, status_code, error, response,
            trigger, outcome)
        VALUES (?, ?, 120, ?, ?, ?, ?, ?)""", delivery, at(at), statusCode, error, response,
        trigger, statusCode != null && statusCode < 300 ? "delivered" : "retry");
    exec("UPDATE hookline.delivery SET attempt_count = attempt_count + 1 WHERE id = ?", delivery);
  }

  public Map<String, Object> delivery(long id) {
    return one("SELECT * FROM hookline.delivery WHERE id = ?", id);
  }

  public Map<String, Object> one(String sql, Object... parameters) {
    List<Map<String, Object>> rows = rows(sql, parameters);
    if (rows.size() != 1) {
      throw new IllegalStateException(rows.size() + " rows for " + sql);
    }
    return rows.get(0);
  }

  public List<Object> column(String sql, Object... parameters) {
    return rows(sql, parameters).stream().map(row -> row.values().iterator().next()).toList();
  }

  public long count(String sql, Object... parameters) {
    return ((Number) one(sql, parameters).values().iterator().next()).longValue();
  }

  public int exec(String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement statement = c.prepareStatement(sql)) {
      bind(statement, parameters);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public List<Map<String, Object>> rows(String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement statement = c.prepareStatement(sql)) {
      bind(statement, parameters);
      List<Map<String, Object>> rows = new ArrayList<>();
      boolean hasRows = statement.execute();
      try (ResultSet rs = hasRows ? statement.getResultSet() : null) {
        while (rs != null && rs.next()) {
          ResultSetMetaData meta = rs.getMetaData();
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rs.getObject(i);
            if (value instanceof java.sql.Timestamp) {
              value = rs.getObject(i, OffsetDateTime.class).toInstant();
            }
            row.put(meta.getColumnLabel(i), value);
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void bind(PreparedStatement statement, Object... parameters)
      throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      Object value = parameters[i] instanceof Instant instant ? at(instant) : parameters[i];
      statement.setObject(i + 1, value);
    }
  }

  private static OffsetDateTime at(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
