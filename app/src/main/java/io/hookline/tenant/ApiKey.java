package io.hookline.tenant;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A tenant's API key as stored: its SHA-256 hash, never the key. */
@MappedEntity(value = "api_key", schema = "hookline")
public record ApiKey(@Id String id, String tenantId, byte[] keyHash, Instant createdAt,
    @Nullable Instant revokedAt) {}
