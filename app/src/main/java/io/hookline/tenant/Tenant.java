package io.hookline.tenant;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

@Serdeable
@MappedEntity(value = "tenant", schema = "hookline")
public record Tenant(@Id String id, String name, Instant createdAt) {}
