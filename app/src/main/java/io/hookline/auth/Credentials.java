package io.hookline.auth;

import io.hookline.tenant.ApiKeyRepository;
import io.hookline.tenant.ApiKeys;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.util.Optional;

/** Tells who a bearer token belongs to. */
@Singleton
final class Credentials {
  private final byte[] adminTokenHash;
  private final ApiKeyRepository keys;

  Credentials(@Value("${hookline.admin-token}") String adminToken, ApiKeyRepository keys) {
    if (adminToken.length() < 16) {
      throw new IllegalStateException("HOOKLINE_ADMIN_TOKEN must be at least 16 characters");
    }
    this.adminTokenHash = ApiKeys.hash(adminToken);
    this.keys = keys;
  }

  Optional<Caller> identify(String token) {
    if (token.isEmpty() || token.length() > 512) {
      return Optional.empty();
    }
    byte[] hash = ApiKeys.hash(token);
    // Compare hashes in constant time, so timing tells nothing about the admin token.
    if (MessageDigest.isEqual(hash, adminTokenHash)) {
      return Optional.of(new Caller.Admin());
    }
    return keys.findLiveTenant(hash).map(Caller.Tenant::new);
  }
}
