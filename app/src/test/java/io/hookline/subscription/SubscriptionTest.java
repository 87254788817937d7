package io.hookline.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.api.ApiTest;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** API tests of /webHooks: bodies to send, and SQL to look behind the API. */
abstract class SubscriptionTest extends ApiTest {
  static final String MINIMAL = """
      {"event": "order_confirm",
       "webHookParameters": [{"type": "json", "url": "https://hooks.example.com/in"}]}""";

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  /** A tenant with a key: [tenant id, key]. */
  String[] tenantWithKey(String name) {
    String tenant = newTenant(name);
    return new String[] {tenant, newKey(tenant)};
  }

  Response created(String key, String body) {
    Response response = call("POST", "/webHooks", key, body);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response;
  }

  static List<String> errorFields(Response response) {
    List<String> fields = new ArrayList<>();
    for (JsonNode error : response.json().get("errors").values()) {
      fields.add(error.get("field").getStringValue());
    }
    return fields;
  }

  static Map<String, String> errorMessages(Response response) {
    Map<String, String> messages = new java.util.LinkedHashMap<>();
    for (JsonNode error : response.json().get("errors").values()) {
      messages.put(error.get("field").getStringValue(), error.get("message").getStringValue());
    }
    return messages;
  }

  long count(String sql, Object... parameters) {
    return Long.parseLong(queryOne(sql, parameters));
  }

  /** The first column of the first row, as text (null for SQL NULL). */
  String queryOne(String sql, Object... parameters) {
    List<List<String>> rows = query(sql, parameters);
    assertThat(rows).as(sql).isNotEmpty();
    return rows.get(0).get(0);
  }

  List<List<String>> query(String sql, Object... parameters) {
    try (Connection c = resolver.resolve(dataSource).getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  int execute(String sql, Object... parameters) {
    try (Connection c = resolver.resolve(dataSource).getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A pending delivery of a fresh event to the webhook's first live destination, as fan-out
   * would make it; answers the delivery id.
   */
  long pendingDelivery(String tenantId, String webhookId) {
    String eventPk = queryOne("""
        INSERT INTO hookline.event (tenant_id, id, event, data, created_at, source)
        VALUES (?, 'evt_' || gen_random_uuid(), 'order_confirm', '{}'::jsonb, now(), 'api')
        RETURNING pk""", tenantId);
    List<String> destination = query("""
        SELECT id, url FROM hookline.destination
         WHERE webhook_id = ? AND removed_at IS NULL ORDER BY position LIMIT 1""", webhookId)
        .get(0);
    return Long.parseLong(queryOne("""
        INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id, url,
                                       host, next_attempt_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, hookline.url_host(?), now(), now(), now())
        RETURNING id""", tenantId, Long.parseLong(eventPk), webhookId,
        Long.parseLong(destination.get(0)), destination.get(1), destination.get(1)));
  }

  static String joined(List<String> values) {
    return values.stream().collect(Collectors.joining(","));
  }
}
