package io.hookline.database;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where Hookline's PostgreSQL is: read from {@code HOOKLINE_DATABASE_URL}, which may be a JDBC URL
 * ({@code jdbc:postgresql://host:port/db?user=…}) or the libpq form that hosting providers hand
 * out ({@code postgres://user:pass@host:port/db?sslmode=require}).
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

  public static DatabaseUrl parse(String url) {
    String trimmed = url.strip();
    if (trimmed.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(trimmed, null, null);
    }
    if (!trimmed.startsWith("postgres://") && !trimmed.startsWith("postgresql://")) {
      throw new IllegalArgumentException("HOOKLINE_DATABASE_URL must start with jdbc:postgresql://,"
          + " postgres:// or postgresql://");
    }
    URI uri = URI.create(trimmed);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("HOOKLINE_DATABASE_URL names no host");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[")
        ? "[" + uri.getHost() + "]" : uri.getHost();
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host);
    if (uri.getPort() > 0) {
      jdbc.append(':').append(uri.getPort());
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    jdbc.append(path);
    if (uri.getRawQuery() != null) {
      jdbc.append('?').append(uri.getRawQuery());
    }
    return new DatabaseUrl(jdbc.toString(), user, password);
  }

  /** The Micronaut properties of the default data source. */
  public Map<String, Object> properties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("datasources.default.url", jdbcUrl);
    if (user != null) {
      properties.put("datasources.default.username", user);
    }
    if (password != null) {
      properties.put("datasources.default.password", password);
    }
    return properties;
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "DatabaseUrl[" + jdbcUrl.replaceAll("password=[^&]*", "password=***") + "]";
  }
}
