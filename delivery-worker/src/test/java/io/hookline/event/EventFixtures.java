package io.hookline.event;

import io.hookline.database.TestDatabase;
import io.hookline.identity.PublicId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Rows for event tests, written with SQL (webhooks too: their API is another module's subject),
 * and the properties of a fresh, migrated database for delivery-worker contexts.
 */
public final class EventFixtures {
  private final DataSource dataSource;

  /** {@code dataSource}: the raw pool (DataSourceResolver.resolve), used in auto-commit. */
  public EventFixtures(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A fresh database that Flyway migrates when the context starts, with the worker off. */
  public static Map<String, String> database() {
    Map<String, String> properties = new HashMap<>(TestDatabase.fresh());
    properties.put("hookline.worker.enabled", "false");
    return properties;
  }

  public String tenant() {
    String id = PublicId.random("ten");
    update("INSERT INTO hookline.tenant (id, name) VALUES (?, ?)", id, "tenant " + id);
    return id;
  }

  /** An enabled webhook without delay and, as yet, without destinations. */
  public String webhook(String tenant, String pattern) {
    String id = PublicId.random("whk");
    update("INSERT INTO hookline.webhook (id, tenant_id, event, secret) VALUES (?, ?, ?, ?)",
        id, tenant, pattern, "whsec_test");
    return id;
  }

  /** A webhook with one destination at {@code url}. */
  public String webhook(String tenant, String pattern, String url) {
    String id = webhook(tenant, pattern);
    destination(id, url);
    return id;
  }

  public long destination(String webhook, String url) {
    return (Long) rows("""
        INSERT INTO hookline.destination (webhook_id, position, format, url)
        SELECT ?, count(*), 'json', ? FROM hookline.destination
         WHERE webhook_id = ? AND removed_at IS NULL
        RETURNING id""", webhook, url, webhook).get(0).get(0);
  }

  public void delay(String webhook, int amount, String unit) {
    update("UPDATE hookline.webhook SET delay_amount = ?, delay_unit = ? WHERE id = ?",
        amount, unit, webhook);
  }

  public void disable(String webhook) {
    update("UPDATE hookline.webhook SET enabled = false WHERE id = ?", webhook);
  }

  public void delete(String webhook) {
    update("UPDATE hookline.webhook SET deleted_at = now() WHERE id = ?", webhook);
  }

  public void removeDestination(long destination) {
    update("UPDATE hookline.destination SET removed_at = now() WHERE id = ?", destination);
  }

  public long count(String sql, Object... parameters) {
    return ((Number) rows(sql, parameters).get(0).get(0)).longValue();
  }

  public int update(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, parameters)) {
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every row of a query, each as its column values in order. */
  public List<List<Object>> rows(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet result = statement.executeQuery()) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(result.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A timestamptz column as read by {@link #rows}. */
  public static Instant instant(Object timestamp) {
    return timestamp instanceof OffsetDateTime time ? time.toInstant()
        : ((Timestamp) timestamp).toInstant();
  }

  private static PreparedStatement prepare(Connection connection, String sql,
      Object... parameters) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
    return statement;
  }
}
