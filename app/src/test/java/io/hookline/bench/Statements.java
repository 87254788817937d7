package io.hookline.bench;

import io.hookline.database.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * With {@code -Dbench.statements=true}, PostgreSQL's side of the profile: the statements that
 * took the most of its time over a scenario (pg_stat_statements, shipped with the embedded
 * server), with their time per delivery. Off by default: the extension costs a little on every
 * statement.
 */
final class Statements {
  private Statements() {}

  static boolean enabled() {
    return Boolean.getBoolean("bench.statements");
  }

  /** Loads the extension's library; takes effect once the server is started again. */
  static void preload(LocalPostgres server) throws SQLException {
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(),
        server.password()); Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    }
  }

  /** Forgets what earlier scenarios ran. */
  static void reset(BenchDatabase db) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute("SELECT pg_stat_statements_reset()");
    }
  }

  /** Prints the statements of this scenario's database that took the most time. */
  static void print(String name, BenchDatabase db, long deliveries) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("""
            SELECT calls, total_exec_time, rows,
                   left(regexp_replace(query, '\\s+', ' ', 'g'), 100)
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             ORDER BY total_exec_time DESC
             LIMIT 12""")) {
      System.out.printf("%s statements (µs per delivery, calls, rows, statement):%n", name);
      while (rows.next()) {
        System.out.printf("%s   %7.1f %8d %9d  %s%n", name,
            rows.getDouble(2) * 1000 / deliveries, rows.getLong(1), rows.getLong(3),
            rows.getString(4));
      }
    }
  }
}
