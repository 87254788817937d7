package io.hookline.delivery;

import io.hookline.database.ChannelListener;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

/**
 * LISTENs on {@link DeliveriesDue#CHANNEL}: fan-out and replay NOTIFY it in the transaction that
 * makes deliveries due now, so workers in every process start them without waiting for a poll.
 */
@Singleton
@Requires(property = "hookline.worker.enabled", value = "true", defaultValue = "true")
final class DeliveryListener extends ChannelListener {
  DeliveryListener(@Value("${datasources.default.url}") String url,
      @Nullable @Value("${datasources.default.username:}") String user,
      @Nullable @Value("${datasources.default.password:}") String password) {
    super(DeliveriesDue.CHANNEL, "hookline-delivery-listener", url, user, password);
  }
}
