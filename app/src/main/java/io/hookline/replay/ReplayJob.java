package io.hookline.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * A bulk replay and its progress: {@code matched} deliveries were fixed when it was created;
 * {@code done} have been moved to replay, {@code failed} could not be (their attempt in flight
 * never ended). {@code status} is {@code running} until none is left, then {@code done}.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
record ReplayJob(String id, String status, int matched, int done, int failed, boolean retry,
    @Nullable String tenant, ReplayRequest.Filter filter, Instant createdAt,
    @Nullable Instant finishedAt) {}
