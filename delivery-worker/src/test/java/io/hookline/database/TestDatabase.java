package io.hookline.database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, and a fresh database for each caller, so test classes
 * never see each other's rows. Flyway migrates each database when its context starts.
 */
public final class TestDatabase {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static LocalPostgres server;

  private TestDatabase() {}

  public static synchronized LocalPostgres server() {
    if (server == null) {
      Path dir = Path.of(System.getProperty("java.io.tmpdir"),
          "hookline-test-postgres-" + ProcessHandle.current().pid());
      server = LocalPostgres.start(dir);
      LocalPostgres started = server;
      // Test databases are scratch: stop the server and remove its files when the JVM ends.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.close();
        try {
          TarXz.delete(dir);
        } catch (java.io.IOException e) {
          System.err.println("Could not remove " + dir + ": " + e.getMessage());
        }
      }, "test-postgres-cleanup"));
    }
    return server;
  }

  /**
   * Creates an empty database and answers the Micronaut properties that point at it, with Flyway
   * set to migrate it when the context starts.
   */
  public static Map<String, String> fresh() {
    String name = "test_" + COUNTER.incrementAndGet();
    LocalPostgres pg = server();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create test database " + name, e);
    }
    Map<String, String> properties = new HashMap<>();
    properties.put("datasources.default.url", pg.jdbcUrl(name));
    properties.put("datasources.default.username", pg.user());
    properties.put("datasources.default.password", pg.password());
    properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
    // app's application.yml configures Flyway; delivery-worker's tests need the same.
    properties.put("flyway.datasources.default.enabled", "true");
    properties.put("flyway.datasources.default.locations", "classpath:db/migration");
    properties.put("flyway.datasources.default.default-schema", "hookline");
    properties.put("flyway.datasources.default.schemas", "hookline");
    properties.put("flyway.datasources.default.create-schemas", "true");
    return properties;
  }
}
