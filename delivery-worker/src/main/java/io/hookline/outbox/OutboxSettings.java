package io.hookline.outbox;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The outbox relay ({@code hookline.outbox}). LISTEN/NOTIFY wakes it within milliseconds of a
 * commit; the poll interval is only the backstop for a lost notification or a broken LISTEN
 * connection.
 */
@ConfigurationProperties("hookline.outbox")
public record OutboxSettings(
    @Bindable(defaultValue = "1s") Duration pollInterval,
    @Bindable(defaultValue = "500") int batchSize) {}
