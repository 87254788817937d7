package io.hookline.outbox;

import io.hookline.database.ChannelListener;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

/** LISTENs on {@code hookline_outbox}: V1's trigger NOTIFYs it when an outbox insert commits. */
@Singleton
@Requires(property = "hookline.worker.enabled", value = "true", defaultValue = "true")
final class OutboxListener extends ChannelListener {
  static final String CHANNEL = "hookline_outbox";

  OutboxListener(@Value("${datasources.default.url}") String url,
      @Nullable @Value("${datasources.default.username:}") String user,
      @Nullable @Value("${datasources.default.password:}") String password) {
    super(CHANNEL, "hookline-outbox-listener", url, user, password);
  }
}
