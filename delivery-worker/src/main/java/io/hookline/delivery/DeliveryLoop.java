package io.hookline.delivery;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * Starts the delivery worker's loop in processes that run workers (hookline.worker.enabled), and
 * the LISTEN connection that wakes it when other processes make deliveries due.
 */
@Singleton
@Requires(property = "hookline.worker.enabled", value = "true", defaultValue = "true")
final class DeliveryLoop {
  private final DeliveryWorker worker;
  private final DeliveryListener listener;
  private final DeliveriesDue due;

  DeliveryLoop(DeliveryWorker worker, DeliveryListener listener, DeliveriesDue due) {
    this.worker = worker;
    this.listener = listener;
    this.due = due;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    worker.start();
    listener.startReading(due::notified);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    listener.stop();
  }
}
