package io.hookline.replay;

import io.hookline.delivery.DeliveryFilter;
import io.hookline.identity.PublicId;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;

/** The row of a bulk replay job: created with its items, read for progress. */
@Singleton
final class ReplayJobRows {
  private static final String INSERT = """
      INSERT INTO hookline.replay (id, tenant_id, filter, retry, status, created_at)
      VALUES (?, ?, ?::jsonb, ?, 'running', ?)""";
  private static final String SETTLE = """
      UPDATE hookline.replay SET matched = ?, status = ?, finished_at = ? WHERE id = ?""";
  private static final String FIND = """
      SELECT id, tenant_id, filter::text, retry, status, matched, done, failed, created_at,
             finished_at
        FROM hookline.replay WHERE id = ?""";

  private final DataSource dataSource;
  private final JsonMapper json;

  ReplayJobRows(DataSource dataSource, DataSourceResolver resolver, JsonMapper json) {
    this.dataSource = resolver.resolve(dataSource);
    this.json = json;
  }

  /** Inserts a running job and answers its id; its items follow in the same transaction. */
  String insert(Connection connection, @Nullable String tenant, ReplayRequest.Filter filter,
      boolean retry, Instant now) throws SQLException {
    String id = PublicId.random("rpl");
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, id);
      insert.setString(2, tenant);
      insert.setString(3, write(filter));
      insert.setBoolean(4, retry);
      insert.setObject(5, DeliveryFilter.at(now));
      insert.executeUpdate();
    }
    return id;
  }

  /** Records how many items the job got; a job with none is done at once. */
  void settle(Connection connection, String id, int matched, Instant now) throws SQLException {
    try (PreparedStatement settle = connection.prepareStatement(SETTLE)) {
      settle.setInt(1, matched);
      settle.setString(2, matched == 0 ? "done" : "running");
      settle.setObject(3, matched == 0 ? DeliveryFilter.at(now) : null);
      settle.setString(4, id);
      settle.executeUpdate();
    }
  }

  /** A job; a tenant (when given) sees only its own. */
  Optional<ReplayJob> find(String id, @Nullable String tenant) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return find(connection, id, tenant);
    }
  }

  Optional<ReplayJob> find(Connection connection, String id, @Nullable String tenant)
      throws SQLException {
    try (PreparedStatement find = connection.prepareStatement(FIND)) {
      find.setString(1, id);
      try (ResultSet row = find.executeQuery()) {
        if (!row.next() || (tenant != null && !tenant.equals(row.getString(2)))) {
          return Optional.empty();
        }
        OffsetDateTime finished = row.getObject(10, OffsetDateTime.class);
        return Optional.of(new ReplayJob(row.getString(1), row.getString(5), row.getInt(6),
            row.getInt(7), row.getInt(8), row.getBoolean(4), row.getString(2),
            json.readValue(row.getString(3), ReplayRequest.Filter.class),
            row.getObject(9, OffsetDateTime.class).toInstant(),
            finished == null ? null : finished.toInstant()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("A replay's stored filter is unreadable", e);
    }
  }

  private String write(ReplayRequest.Filter filter) {
    try {
      return json.writeValueAsString(filter);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
