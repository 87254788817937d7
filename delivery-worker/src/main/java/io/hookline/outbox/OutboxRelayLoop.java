package io.hookline.outbox;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the relay in the background of worker processes: drains the outbox whenever
 * {@link OutboxListener} reports a NOTIFY, and every poll interval in case one was lost. Several
 * processes may run it at once (see {@link OutboxRelay}).
 */
@Singleton
@Requires(property = "hookline.worker.enabled", value = "true", defaultValue = "true")
final class OutboxRelayLoop {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayLoop.class);

  private final OutboxRelay relay;
  private final OutboxSettings settings;
  private final OutboxListener listener;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicBoolean running = new AtomicBoolean();
  // How many LISTEN sessions had begun when the last drain started, and whether the loop is
  // now waiting: together they tell when the relay is caught up and only a NOTIFY can wake it.
  private final AtomicLong drainedSession = new AtomicLong();
  private volatile boolean waiting;
  private Thread thread;

  OutboxRelayLoop(OutboxRelay relay, OutboxSettings settings, OutboxListener listener) {
    this.relay = relay;
    this.settings = settings;
    this.listener = listener;
  }

  @EventListener
  void start(StartupEvent event) {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    thread = Thread.ofPlatform().name("hookline-outbox-relay").daemon().start(this::run);
    listener.start(wake::release);
    LOG.info("Outbox relay started: woken by NOTIFY on {}, polling every {}",
        OutboxListener.CHANNEL, settings.pollInterval());
  }

  @PreDestroy
  void stop() throws InterruptedException {
    if (!running.compareAndSet(true, false)) {
      return;
    }
    listener.stop();
    wake.release();
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }

  /** For tests: caught up since LISTEN began, waiting for a NOTIFY or the next poll. */
  boolean idleAndListening() {
    long session = listener.sessions();
    return waiting && wake.availablePermits() == 0 && session > 0
        && drainedSession.get() == session;
  }

  private void run() {
    while (running.get()) {
      // Permits taken before draining: a NOTIFY that arrives during the drain wakes it again.
      wake.drainPermits();
      drainedSession.set(listener.sessions());
      waiting = false;
      drain();
      waiting = true;
      try {
        wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Relays until a batch comes back short. While a backlog lasts (the first batch was full),
   * more threads relay beside this one, each its own transaction: SKIP LOCKED hands them
   * different rows, and one relay transaction waits on PostgreSQL most of its time.
   */
  private void drain() {
    if (!relayWhileFull(true)) {
      return;
    }
    List<Thread> helpers = new ArrayList<>();
    for (int i = 1; i < settings.parallelism(); i++) {
      helpers.add(Thread.ofPlatform().name("hookline-outbox-relay-" + i).daemon()
          .start(() -> relayWhileFull(false)));
    }
    relayWhileFull(false);
    for (Thread helper : helpers) {
      try {
        helper.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Relays batches while they come back full; with {@code once}, just one batch. Batches after
   * the first are a backlog's: each waits for room in this process's worker and is handed over.
   */
  private boolean relayWhileFull(boolean once) {
    try {
      do {
        boolean full = once ? relay.relayOnce() >= relay.batchSize() : relay.relayBacklog();
        if (!full) {
          return false;
        }
      } while (!once && running.get());
      return running.get();
    } catch (Exception e) {
      // The loop outlives every failure (database restart, network): the next wake-up retries.
      LOG.warn("Outbox relay failed; retrying at the next wake-up: {}", e.toString());
      return false;
    }
  }
}
