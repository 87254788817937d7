package io.hookline.delivery;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/** Starts the delivery worker's loop in processes that run workers (hookline.worker.enabled). */
@Singleton
@Requires(property = "hookline.worker.enabled", value = "true", defaultValue = "true")
final class DeliveryLoop {
  private final DeliveryWorker worker;

  DeliveryLoop(DeliveryWorker worker) {
    this.worker = worker;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    worker.start();
  }
}
