package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings bind from configuration and from environment variables, with code defaults. */
class DeliverySettingsTest {
  /** No database here: nothing that needs one may start. */
  private static final Map<String, Object> NO_WORKER = Map.of("hookline.worker.enabled", false);

  @Test
  void defaultsLiveInTheCode() {
    try (ApplicationContext context = ApplicationContext.builder()
        .environmentPropertySource(false).properties(NO_WORKER).build().start()) {
      DeliverySettings settings = context.getBean(DeliverySettings.class);
      assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(60));
      assertThat(settings.retrySchedule()).containsExactly(Duration.ofSeconds(5),
          Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
          Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(14), Duration.ofHours(20),
          Duration.ofHours(24));
      assertThat(settings.retryJitter()).isEqualTo(0.2);
      assertThat(settings.maxRetryAfter()).isEqualTo(Duration.ofHours(1));
      assertThat(settings.disableAfter()).isEqualTo(Duration.ofDays(5));
      assertThat(settings.lease()).isGreaterThan(settings.timeout());
    }
  }

  @Test
  void environmentVariablesInTheContractsForm() {
    PropertySource env = PropertySource.of("test-env", Map.of(
        "HOOKLINE_DELIVERY_RETRY_SCHEDULE", "1s,1s,2s",
        "HOOKLINE_DELIVERY_TIMEOUT", "5s",
        "HOOKLINE_DELIVERY_RETRY_JITTER", "0"),
        PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
    try (ApplicationContext context = ApplicationContext.builder()
        .environmentPropertySource(false).properties(NO_WORKER).propertySources(env).build()
        .start()) {
      DeliverySettings settings = context.getBean(DeliverySettings.class);
      assertThat(settings.retrySchedule()).isEqualTo(List.of(Duration.ofSeconds(1),
          Duration.ofSeconds(1), Duration.ofSeconds(2)));
      assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(settings.retryJitter()).isZero();
    }
  }
}
