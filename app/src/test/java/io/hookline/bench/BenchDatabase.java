package io.hookline.bench;

import io.hookline.database.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A fresh database per scenario on the benchmark's own PostgreSQL, and the SQL it needs. */
public final class BenchDatabase {
  public static final String TENANT = "ten_bench";
  private static int counter;
  private static final List<String> CREATED = new ArrayList<>();
  final String jdbcUrl;
  private final LocalPostgres server;

  private BenchDatabase(LocalPostgres server, String jdbcUrl) {
    this.server = server;
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * A new database, after dropping the earlier scenarios' ones: left in place, their millions of
   * dead rows are vacuumed by autovacuum while the next scenario is measured (seen: the warm-up's
   * tables vacuumed and analysed in the middle of a steady run, beside its slowest events).
   */
  public static synchronized BenchDatabase fresh(LocalPostgres server) throws SQLException {
    String name = "bench_" + (++counter) + "_" + System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(),
        server.password()); Statement s = c.createStatement()) {
      for (String earlier : CREATED) {
        s.execute("DROP DATABASE IF EXISTS " + earlier + " WITH (FORCE)");
      }
      CREATED.clear();
      s.execute("CREATE DATABASE " + name);
    }
    CREATED.add(name);
    return new BenchDatabase(server, server.jdbcUrl(name));
  }

  /**
   * The server logs every autovacuum run and every statement over 50 ms: to hold against late
   * deliveries.
   */
  public static void logSlowWork(LocalPostgres server) throws SQLException {
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(),
        server.password()); Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET log_autovacuum_min_duration = 0");
      s.execute("ALTER SYSTEM SET log_min_duration_statement = 50");
      s.execute("SELECT pg_reload_conf()");
    }
  }

  public String url() {
    return jdbcUrl + "?user=" + server.user() + "&password=" + server.password();
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, server.user(), server.password());
  }

  /** One tenant and one webhook for every event, with these destination URLs. */
  public void subscribe(List<String> urls) throws SQLException {
    try (Connection c = connect()) {
      exec(c, "INSERT INTO hookline.tenant (id, name) VALUES ('" + TENANT + "', 'bench')");
      exec(c, "INSERT INTO hookline.webhook (id, tenant_id, event, secret) VALUES ('wh_bench', '"
          + TENANT + "', '*', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO hookline.destination"
          + " (webhook_id, position, format, url) VALUES ('wh_bench', ?, 'json', ?)")) {
        for (int i = 0; i < urls.size(); i++) {
          insert.setInt(1, i);
          insert.setString(2, urls.get(i));
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  /** {@code count} committed outbox rows with 1 KiB of data each, ids prefix-0 … prefix-(n-1). */
  public void backlog(String prefix, int count) throws SQLException {
    try (Connection c = connect()) {
      exec(c, "INSERT INTO hookline.outbox (tenant_id, event_id, event, data)"
          + numberedEvents(prefix, count, ""));
    }
  }

  /**
   * SELECTs {@code count} bench events (tenant, id prefix-g, name, 1 KiB of data), each row
   * followed by {@code more} columns.
   */
  private static String numberedEvents(String prefix, int count, String more) {
    return " SELECT '" + TENANT + "', '" + prefix + "-' || g, 'order.created',"
        + " jsonb_build_object('order_id', g, 'pad', repeat('x', 990))" + more
        + " FROM generate_series(0, " + (count - 1) + ") g";
  }

  /**
   * {@code events} stored events (1 KiB of data each) with one pending delivery, due now, per
   * destination of the bench webhook: the state after the relay, written in bulk so that the
   * worker starts with the whole backlog due.
   */
  public void dueDeliveries(String prefix, int events) throws SQLException {
    try (Connection c = connect()) {
      exec(c, "INSERT INTO hookline.event (tenant_id, id, event, data, created_at, source)"
          + numberedEvents(prefix, events, ", now(), 'outbox'"));
      exec(c, "INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id,"
          + " url, host, next_attempt_at, created_at, updated_at)"
          + " SELECT e.tenant_id, e.pk, d.webhook_id, d.id, d.url, d.host, e.created_at,"
          + " e.created_at, e.created_at FROM hookline.event e CROSS JOIN hookline.destination d"
          + " ORDER BY e.pk, d.position");
      exec(c, "VACUUM ANALYZE hookline.event");
      exec(c, "VACUUM ANALYZE hookline.delivery");
    }
  }

  public long count(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
