package io.hookline.health;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Operation;

/** Prometheus text format at /metrics (open, like /health: protect it by network). */
@Controller("/metrics")
final class MetricsController {
  private final PrometheusMeterRegistry registry;

  MetricsController(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Get
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  @Operation(summary = "Prometheus metrics; needs no token (protect it by network)",
      security = {})
  String scrape() {
    return registry.scrape();
  }
}
