package io.hookline.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void keepsJdbcUrlsAsTheyAre() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5432/hook?user=u&password=p");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/hook?user=u&password=p");
    assertThat(url.properties()).doesNotContainKey("datasources.default.username");
    assertThat(url.toString()).doesNotContain("password=p");
  }

  @Test
  void turnsLibpqUrlsIntoJdbcWithDecodedCredentials() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://app:s%40cret@db.internal:6543/hooks?sslmode=require");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/hooks?sslmode=require");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s@cret");
    assertThat(DatabaseUrl.parse("postgresql://db/hooks").jdbcUrl())
        .isEqualTo("jdbc:postgresql://db/hooks");
  }

  @Test
  void refusesOtherSchemes() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://db/x"))
        .hasMessageContaining("HOOKLINE_DATABASE_URL must start with");
  }
}
