package io.hookline.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPostgresTest {

  @TempDir
  Path dir;

  @Test
  void dataSurvivesARestartAndTheDirectoryHasOneOwner() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(dir)) {
      exec(pg, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
      assertThatThrownBy(() -> LocalPostgres.start(dir))
          .hasMessageContaining("in use by another Hookline process");
    }
    try (LocalPostgres pg = LocalPostgres.start(dir);
        Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("still here");
    }
    assertThat(Files.readString(dir.resolve("postgres-password"))).isNotBlank();
  }

  @Test
  void refusesConnectionsWithoutThePassword() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(dir)) {
      assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "wrong"))
          .hasMessageContaining("password authentication failed");
    }
  }

  @Test
  void cachesAnEighthOfTheMachinesMemoryWithinPostgresDefaultAndAGigabyte() throws Exception {
    long total = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    long expected = Math.min(1024, Math.max(128, total / 8 / (1024 * 1024)));
    try (LocalPostgres pg = LocalPostgres.start(dir);
        Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(expected);
    }
  }

  private static void exec(LocalPostgres pg, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
