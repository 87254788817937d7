package io.hookline.delivery;

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
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Rows for delivery tests, written with plain SQL as the other modules would write them. */
public final class Fixtures {
  public static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final DataSource dataSource;
  private final String tenant;

  public Fixtures(DataSource dataSource) {
    this.dataSource = dataSource;
    this.tenant = "ten_" + SEQ.incrementAndGet();
    update("INSERT INTO hookline.tenant (id, name) VALUES (?, 'Test')", tenant);
  }

  /** The tenant every row of these fixtures belongs to. */
  public String tenant() {
    return tenant;
  }

  public String webhook() {
    return webhook(SECRET, null, "{}");
  }

  public String webhook(String secret, String verifierToken, String headersJson) {
    String id = "wh_" + SEQ.incrementAndGet();
    update("""
        INSERT INTO hookline.webhook (id, tenant_id, event, secret, verifier_token, headers)
        VALUES (?, ?, '*', ?, ?, ?::jsonb)""", id, tenant, secret, verifierToken, headersJson);
    return id;
  }

  public long destination(String webhook, String format, String url, String... fields) {
    return queryLong("""
        INSERT INTO hookline.destination (webhook_id, position, format, url, fields)
        VALUES (?, (SELECT count(*) FROM hookline.destination WHERE webhook_id = ?), ?, ?, ?)
        RETURNING id""", webhook, webhook, format, url, fields.length == 0 ? null : fields);
  }

  public long event(String id, String name, String dataJson, Instant createdAt) {
    return queryLong("""
        INSERT INTO hookline.event (tenant_id, id, event, data, created_at, source)
        VALUES (?, ?, ?, ?::jsonb, ?, 'api') RETURNING pk""",
        tenant, id, name, dataJson, utc(createdAt));
  }

  public long delivery(long eventPk, String webhook, long destination, Instant due) {
    return queryLong("""
        INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id, url,
                                       host, next_attempt_at, created_at, updated_at)
        SELECT ?, ?, ?, d.id, d.url, d.host, ?, ?, ? FROM hookline.destination d WHERE d.id = ?
        RETURNING id""", tenant, eventPk, webhook, utc(due), utc(due), utc(due), destination);
  }

  /** A new event delivered through a new JSON webhook to the url, due at {@code due}. */
  public long pending(String url, Instant due) {
    String webhook = webhook();
    long destination = destination(webhook, "json", url);
    long event = event("evt_" + SEQ.incrementAndGet(), "order.created", "{\"order\": 1}", due);
    return delivery(event, webhook, destination, due);
  }

  /** An outbox row of this tenant, as a service would write it; answers its id. */
  public long outbox(String event, String dataJson) {
    return queryLong("INSERT INTO hookline.outbox (tenant_id, event, data)"
        + " VALUES (?, ?, ?::jsonb) RETURNING id", tenant, event, dataJson);
  }

  public Map<String, Object> delivery(long id) {
    return rows("SELECT * FROM hookline.delivery WHERE id = ?", id).getFirst();
  }

  public List<Map<String, Object>> attempts(long delivery) {
    return rows("SELECT * FROM hookline.attempt WHERE delivery_id = ? ORDER BY id", delivery);
  }

  public Map<String, Object> webhookRow(String id) {
    return rows("SELECT * FROM hookline.webhook WHERE id = ?", id).getFirst();
  }

  public int update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, args)) {
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long queryLong(String sql, Object... args) {
    return ((Number) rows(sql, args).getFirst().values().iterator().next()).longValue();
  }

  public List<Map<String, Object>> rows(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, args);
        ResultSet r = s.executeQuery()) {
      ResultSetMetaData meta = r.getMetaData();
      List<Map<String, Object>> rows = new ArrayList<>();
      while (r.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object value = r.getObject(i);
          row.put(meta.getColumnLabel(i),
              value instanceof java.sql.Timestamp ? r.getObject(i, OffsetDateTime.class)
                  .toInstant() : value);
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      if (arg instanceof String[] strings) {
        s.setArray(i + 1, c.createArrayOf("text", strings));
      } else {
        s.setObject(i + 1, arg);
      }
    }
    return s;
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
