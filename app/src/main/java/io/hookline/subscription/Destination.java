package io.hookline.subscription;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;

/** One of a webhook's webHookParameters as stored: where and in which format to deliver. */
@MappedEntity(value = "destination", schema = "hookline")
record Destination(
    @Id Long id,
    String webhookId,
    int position,
    String format,
    String url,
    @Nullable @TypeDef(type = DataType.STRING_ARRAY) String[] fields,
    @Nullable Instant removedAt) {}
