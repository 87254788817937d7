package io.hookline.auth;

import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;

/** Who made a request: the admin (every tenant) or one tenant's API key. */
public sealed interface Caller {

  /**
   * The tenant a tenant-scoped call acts on. A tenant key acts on its own tenant (naming another
   * answers 404, as for any of another tenant's ids); the admin must name one.
   */
  String tenant(@Nullable String named);

  /** For admin-only calls: a tenant key gets 403. */
  default void requireAdmin() {
    if (!(this instanceof Admin)) {
      throw new ProblemException(HttpStatus.FORBIDDEN, "This call needs the admin token");
    }
  }

  /** The tenant to restrict a listing to, or null for the admin across all tenants. */
  @Nullable
  String tenantOrAll(@Nullable String named);

  record Admin() implements Caller {
    @Override
    public String tenant(@Nullable String named) {
      if (named == null || named.isBlank()) {
        throw ProblemException.invalid(java.util.List.of(new io.hookline.problem.Problem.FieldError(
            "tenant", "is required when calling with the admin token")));
      }
      return named;
    }

    @Override
    public String tenantOrAll(@Nullable String named) {
      return named == null || named.isBlank() ? null : named;
    }
  }

  record Tenant(String id) implements Caller {
    @Override
    public String tenant(@Nullable String named) {
      if (named != null && !named.isBlank() && !named.equals(id)) {
        throw ProblemException.notFound("Tenant");
      }
      return id;
    }

    @Override
    public String tenantOrAll(@Nullable String named) {
      return tenant(named);
    }
  }
}
