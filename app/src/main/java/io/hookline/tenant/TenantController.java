package io.hookline.tenant;

import io.hookline.auth.Caller;
import io.hookline.identity.PublicId;
import io.hookline.problem.Problem;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.HttpStatus;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Admin-only: tenants and their API keys. */
@Controller("/tenants")
@ExecuteOn(TaskExecutors.BLOCKING)
final class TenantController {
  private final TenantRepository tenants;
  private final ApiKeyRepository keys;
  private final Clock clock;

  TenantController(TenantRepository tenants, ApiKeyRepository keys, Clock clock) {
    this.tenants = tenants;
    this.keys = keys;
    this.clock = clock;
  }

  @Serdeable
  record NewTenant(@Nullable String name) {}

  @Serdeable
  record NewKey(String id, String key) {}

  @Post
  @Status(HttpStatus.CREATED)
  Tenant create(@Parameter(hidden = true) Caller caller, @Body NewTenant body) {
    caller.requireAdmin();
    String name = body.name() == null ? "" : body.name().strip();
    if (name.isEmpty() || name.length() > 200) {
      throw ProblemException.invalid(List.of(new Problem.FieldError("name",
          name.isEmpty() ? "is required" : "must be at most 200 characters")));
    }
    return tenants.save(new Tenant(PublicId.random("ten"), name, now()));
  }

  @Post("/{tenantId}/api-keys")
  @Status(HttpStatus.CREATED)
  NewKey createKey(@Parameter(hidden = true) Caller caller, String tenantId) {
    caller.requireAdmin();
    if (!tenants.existsById(tenantId)) {
      throw ProblemException.notFound("Tenant");
    }
    String key = ApiKeys.newKey();
    ApiKey stored = keys.save(new ApiKey(PublicId.random("key"), tenantId, ApiKeys.hash(key),
        now(), null));
    return new NewKey(stored.id(), key);
  }

  @Delete("/{tenantId}/api-keys/{keyId}")
  @Status(HttpStatus.NO_CONTENT)
  void revokeKey(@Parameter(hidden = true) Caller caller, String tenantId, String keyId) {
    caller.requireAdmin();
    if (keys.revoke(keyId, tenantId) == 0) {
      throw ProblemException.notFound("API key");
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
