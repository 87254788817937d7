package io.hookline.health;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Liveness and the database: 200 when PostgreSQL answers within 2 s, else 503. */
@Controller("/health")
@ExecuteOn(TaskExecutors.BLOCKING)
final class HealthController {
  private final DataSource dataSource;

  HealthController(DataSource dataSource, DataSourceResolver resolver) {
    // The raw pool, not Micronaut Data's transaction-bound wrapper: a health check runs outside
    // any transaction.
    this.dataSource = resolver.resolve(dataSource);
  }

  @Serdeable
  record Health(String status, String database) {}

  @Get
  @Operation(summary = "Liveness and the database; needs no token", security = {})
  HttpResponse<Health> health() {
    try (Connection connection = dataSource.getConnection()) {
      if (connection.isValid(2)) {
        return HttpResponse.ok(new Health("UP", "UP"));
      }
    } catch (SQLException e) {
      // reported below
    }
    return HttpResponse.<Health>serverError().status(503).body(new Health("DOWN", "DOWN"));
  }
}
