package io.hookline.subscription;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The webhook table's transitions; deleted webhooks are invisible to every one of them. */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface WebhookRepository extends GenericRepository<Webhook, String> {

  @Query("""
      INSERT INTO hookline.webhook (id, tenant_id, event, enabled, label, delay_amount, delay_unit,
                                    verifier_token, headers, secret, created_at, updated_at)
      VALUES (:id, :tenantId, :event, :enabled, :label, :delayAmount, :delayUnit,
              :verifierToken, CAST(:headers AS jsonb), :secret, :now, :now)""")
  void insert(String id, String tenantId, String event, boolean enabled, @Nullable String label,
      @Nullable Integer delayAmount, @Nullable String delayUnit, @Nullable String verifierToken,
      String headers, String secret, Instant now);

  /** A live webhook by id; within one tenant, or any tenant's when {@code tenantId} is null. */
  @Query("""
      SELECT * FROM hookline.webhook
       WHERE id = :id AND deleted_at IS NULL
         AND (CAST(:tenantId AS text) IS NULL OR tenant_id = :tenantId)""")
  Optional<Webhook> findLive(String id, @Nullable String tenantId);

  /** One page of a tenant's live webhooks, oldest first (Shoprenter lists newest last). */
  @Query("""
      SELECT * FROM hookline.webhook
       WHERE tenant_id = :tenantId AND deleted_at IS NULL
       ORDER BY seq
       LIMIT :limit OFFSET :offset""")
  List<Webhook> page(String tenantId, int limit, long offset);

  @Query("SELECT count(*) FROM hookline.webhook WHERE tenant_id = :tenantId AND deleted_at IS NULL")
  long countLive(String tenantId);

  /**
   * Replaces what a PUT may change. Enabling a webhook that was disabled (by its owner or by
   * endpoint health) forgets why and since when it was disabled and failing; the old value of
   * {@code enabled} on the right-hand side tells whether it was.
   */
  @Query("""
      UPDATE hookline.webhook
         SET event = :event, enabled = :enabled, label = :label, delay_amount = :delayAmount,
             delay_unit = :delayUnit, verifier_token = :verifierToken,
             headers = CAST(:headers AS jsonb), updated_at = :now,
             disabled_reason =
                 CASE WHEN :enabled AND NOT enabled THEN NULL ELSE disabled_reason END,
             disabled_at = CASE WHEN :enabled AND NOT enabled THEN NULL ELSE disabled_at END,
             failing_since = CASE WHEN :enabled AND NOT enabled THEN NULL ELSE failing_since END
       WHERE id = :id AND deleted_at IS NULL""")
  int replace(String id, String event, boolean enabled, @Nullable String label,
      @Nullable Integer delayAmount, @Nullable String delayUnit, @Nullable String verifierToken,
      String headers, Instant now);

  @Query("""
      UPDATE hookline.webhook SET deleted_at = :now, updated_at = :now
       WHERE id = :id AND deleted_at IS NULL""")
  int markDeleted(String id, Instant now);

  /** The current secret keeps signing until {@code until}, beside the new one. */
  @Query("""
      UPDATE hookline.webhook
         SET previous_secret = secret, previous_secret_until = :until, secret = :secret,
             updated_at = :now
       WHERE id = :id AND deleted_at IS NULL""")
  int rotateSecret(String id, String secret, Instant until, Instant now);

  /**
   * A disabled or deleted webhook's deliveries that wait for an attempt are dropped with that
   * reason (replay recovers them); one being sent right now is the worker's to drop.
   */
  @Query("""
      UPDATE hookline.delivery SET status = 'dropped', reason = :reason, updated_at = :now
       WHERE webhook_id = :webhookId AND status = 'pending'""")
  int dropPendingDeliveries(String webhookId, String reason, Instant now);
}
