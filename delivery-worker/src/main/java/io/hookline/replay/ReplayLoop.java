package io.hookline.replay;

import io.hookline.identity.PublicId;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs bulk replay jobs in worker processes, paced to {@code hookline.replay.rate} deliveries per
 * second: after a step that moved n deliveries it waits n / rate seconds (less the step's own
 * time). With nothing to do it looks again every second.
 */
@Singleton
@Requires(property = "hookline.worker.enabled", notEquals = "false")
final class ReplayLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayLoop.class);
  private static final Duration IDLE = Duration.ofSeconds(1);

  private final ReplayJobs jobs;
  private final ReplayConfig config;
  private final String name = "replay-" + ProcessHandle.current().pid() + "-"
      + PublicId.randomChars(6);
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
      runnable -> Thread.ofPlatform().name("hookline-replay").daemon().unstarted(runnable));

  ReplayLoop(ReplayJobs jobs, ReplayConfig config) {
    this.jobs = jobs;
    this.config = config;
  }

  @EventListener
  void start(StartupEvent event) {
    executor.schedule(this::tick, IDLE.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void tick() {
    long started = System.nanoTime();
    long pause = IDLE.toNanos();
    try {
      int settled = jobs.step(name, config.stepSize());
      if (settled > 0) {
        pause = settled * 1_000_000_000L / config.rate() - (System.nanoTime() - started);
      }
    } catch (RuntimeException e) {
      // The loop outlives every failure (a database restart, say): the job's items keep their
      // state, so the next step continues where this one stopped.
      LOG.warn("Replay step failed; trying again shortly", e);
    }
    if (!executor.isShutdown()) {
      executor.schedule(this::tick, Math.max(0, pause), TimeUnit.NANOSECONDS);
    }
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }
}
