package io.hookline.tenant;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApiKeyRepository extends GenericRepository<ApiKey, String> {

  ApiKey save(ApiKey key);

  /** The tenant of a key that has not been revoked. */
  @Query("SELECT tenant_id FROM hookline.api_key WHERE key_hash = :keyHash AND revoked_at IS NULL")
  Optional<String> findLiveTenant(byte[] keyHash);

  @Query("""
      UPDATE hookline.api_key SET revoked_at = now()
       WHERE id = :id AND tenant_id = :tenantId AND revoked_at IS NULL""")
  int revoke(String id, String tenantId);
}
