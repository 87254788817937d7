package io.hookline.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Stalls of this whole JVM (GC pauses, safepoints, the machine not running it): a thread asks to
 * sleep 1 ms again and again and notes when it woke much later. A late delivery that coincides
 * with one was held up by the JVM or the machine, not by Hookline's queue.
 */
final class Hiccups implements AutoCloseable {
  private static final long OVER_NANOS = 20_000_000;
  private final List<String> seen = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  private Hiccups() {
    thread = Thread.ofPlatform().daemon().name("bench-hiccups").start(this::run);
  }

  static Hiccups watch() {
    return new Hiccups();
  }

  private void run() {
    while (running) {
      long before = System.nanoTime();
      LockSupport.parkNanos(1_000_000);
      long late = System.nanoTime() - before - 1_000_000;
      if (late > OVER_NANOS) {
        synchronized (seen) {
          seen.add(String.format("%s (%.0f ms)", Instant.now(), late / 1e6));
        }
      }
    }
  }

  /** The stalls over 20 ms seen so far: when each ended, and how long it was. */
  List<String> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** Forgets the stalls seen so far. */
  void clear() {
    synchronized (seen) {
      seen.clear();
    }
  }

  @Override
  public void close() {
    running = false;
  }
}
