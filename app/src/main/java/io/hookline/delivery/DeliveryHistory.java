package io.hookline.delivery;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads deliveries and their attempts for looking back: pages of a filter (newest first, keyset
 * on the id), one delivery, one event's deliveries. The attempts of a whole page come in one
 * query.
 */
@Singleton
public final class DeliveryHistory {
  private static final String SELECT = """
      SELECT d.id, e.id, d.webhook_id, d.url, d.status, d.attempt_count, d.next_attempt_at,
             d.reason, d.created_at
        FROM\s""" + DeliveryFilter.FROM;
  private static final String ATTEMPTS = """
      SELECT delivery_id, at, duration_ms, status_code, error, response, trigger
        FROM hookline.attempt WHERE delivery_id = ANY (?) ORDER BY delivery_id, id""";
  private static final String EVENT = """
      SELECT pk FROM hookline.event WHERE tenant_id = ? AND id = ?""";

  private final DataSource dataSource;

  DeliveryHistory(DataSource dataSource, DataSourceResolver resolver) {
    this.dataSource = resolver.resolve(dataSource);
  }

  /** Up to {@code limit} deliveries older than {@code before} (a delivery key), newest first. */
  public List<DeliveryView> page(DeliveryFilter filter, @Nullable Long before, int limit,
      boolean withAttempts) throws SQLException {
    List<Object> parameters = new ArrayList<>();
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE ")
        .append(filter.where(parameters));
    if (before != null) {
      sql.append(" AND d.id < ?");
      parameters.add(before);
    }
    sql.append(" ORDER BY d.id DESC LIMIT ?");
    parameters.add(limit);
    try (Connection connection = dataSource.getConnection()) {
      List<DeliveryView> page = select(connection, sql.toString(), parameters);
      return withAttempts ? attach(connection, page) : page;
    }
  }

  /** One delivery with its attempts; a tenant (when given) sees only its own. */
  public Optional<DeliveryView> find(long id, @Nullable String tenant) throws SQLException {
    List<Object> parameters = new ArrayList<>(List.of(id));
    String sql = SELECT + " WHERE d.id = ?";
    if (tenant != null) {
      sql += " AND d.tenant_id = ?";
      parameters.add(tenant);
    }
    try (Connection connection = dataSource.getConnection()) {
      return attach(connection, select(connection, sql, parameters)).stream().findFirst();
    }
  }

  /** Every delivery of one of the tenant's events, oldest first; empty if there is no such event. */
  public Optional<List<DeliveryView>> ofEvent(String tenant, String eventId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement event = connection.prepareStatement(EVENT)) {
      event.setString(1, tenant);
      event.setString(2, eventId);
      long pk;
      try (ResultSet row = event.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        pk = row.getLong(1);
      }
      return Optional.of(attach(connection,
          select(connection, SELECT + " WHERE d.event_pk = ? ORDER BY d.id", List.of(pk))));
    }
  }

  private static List<DeliveryView> select(Connection connection, String sql,
      List<Object> parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      DeliveryFilter.bind(statement, 1, parameters);
      List<DeliveryView> deliveries = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String status = rows.getString(5);
          OffsetDateTime next = rows.getObject(7, OffsetDateTime.class);
          deliveries.add(new DeliveryView(DeliveryId.format(rows.getLong(1)), rows.getString(2),
              rows.getString(3), rows.getString(4), status, rows.getInt(6),
              "pending".equals(status) && next != null ? next.toInstant() : null,
              rows.getString(8), rows.getObject(9, OffsetDateTime.class).toInstant(), null));
        }
      }
      return deliveries;
    }
  }

  private static List<DeliveryView> attach(Connection connection, List<DeliveryView> deliveries)
      throws SQLException {
    if (deliveries.isEmpty()) {
      return deliveries;
    }
    Map<String, List<DeliveryView.Attempt>> byDelivery = new HashMap<>();
    Long[] ids = deliveries.stream().map(d -> DeliveryId.parse(d.id())).toArray(Long[]::new);
    try (PreparedStatement statement = connection.prepareStatement(ATTEMPTS)) {
      statement.setArray(1, connection.createArrayOf("bigint", ids));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          int code = rows.getInt(4);
          Integer statusCode = rows.wasNull() ? null : code;
          byDelivery.computeIfAbsent(DeliveryId.format(rows.getLong(1)), id -> new ArrayList<>())
              .add(new DeliveryView.Attempt(rows.getObject(2, OffsetDateTime.class).toInstant(),
                  rows.getInt(3), statusCode, rows.getString(5), rows.getString(6),
                  rows.getString(7)));
        }
      }
    }
    return deliveries.stream()
        .map(d -> d.withAttempts(byDelivery.getOrDefault(d.id(), List.of())))
        .toList();
  }
}
