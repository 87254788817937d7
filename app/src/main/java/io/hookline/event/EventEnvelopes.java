package io.hookline.event;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Stored events as their envelope, read back so that an answer shows what receivers will get. */
@Singleton
final class EventEnvelopes {
  private static final String COLUMNS = "SELECT pk, id, event, created_at, data::text"
      + " FROM hookline.event";
  private static final String BY_ID = COLUMNS + " WHERE tenant_id = ? AND id = ?";
  private static final String BY_PK = COLUMNS + " WHERE pk = ?";

  private final JsonMapper json;

  EventEnvelopes(JsonMapper json) {
    this.json = json;
  }

  record Found(long pk, Envelope envelope) {}

  Optional<Found> byId(Connection connection, String tenant, String id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(BY_ID)) {
      statement.setString(1, tenant);
      statement.setString(2, id);
      return read(statement);
    }
  }

  Optional<Found> byPk(Connection connection, long pk) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(BY_PK)) {
      statement.setLong(1, pk);
      return read(statement);
    }
  }

  private Optional<Found> read(PreparedStatement statement) throws SQLException {
    try (ResultSet row = statement.executeQuery()) {
      if (!row.next()) {
        return Optional.empty();
      }
      Envelope envelope = new Envelope(row.getString(2), row.getString(3),
          Envelope.timestamp(row.getObject(4, OffsetDateTime.class).toInstant()),
          json.readValue(row.getString(5), JsonNode.class));
      return Optional.of(new Found(row.getLong(1), envelope));
    } catch (IOException e) {
      throw new SQLException("Stored event data does not parse", e);
    }
  }
}
