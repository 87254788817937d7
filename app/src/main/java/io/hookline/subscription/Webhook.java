package io.hookline.subscription;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.Map;

/** A webhook (subscription) row as stored; its destinations are {@link Destination} rows. */
@MappedEntity(value = "webhook", schema = "hookline")
record Webhook(
    @Id String id,
    long seq,
    String tenantId,
    String event,
    boolean enabled,
    @Nullable String label,
    @Nullable Integer delayAmount,
    @Nullable String delayUnit,
    @Nullable String verifierToken,
    @TypeDef(type = DataType.JSON) Map<String, String> headers,
    String secret,
    @Nullable String previousSecret,
    @Nullable Instant previousSecretUntil,
    @Nullable String disabledReason,
    @Nullable Instant disabledAt,
    @Nullable Instant failingSince,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant deletedAt) {}
