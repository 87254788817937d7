package io.hookline.delivery;

import jakarta.inject.Singleton;

/**
 * Wakes this process's delivery worker: code that makes deliveries due now (fan-out, replay)
 * signals it after its commit, the LISTEN connection on {@link #CHANNEL} signals it for commits
 * of other processes, and the worker's own attempts signal it when they free room it could not
 * claim for. Signals coalesce: any number before the worker looks count as one.
 */
@Singleton
public final class DeliveriesDue {
  /** The NOTIFY channel of transactions that create or move deliveries due now. */
  public static final String CHANNEL = "hookline_delivery";

  private boolean signalled;

  public synchronized void signal() {
    signalled = true;
    notifyAll();
  }

  /** Forgets earlier signals: the caller is about to look for work anyway. */
  synchronized void clear() {
    signalled = false;
  }

  /** Waits for a signal since the last clear, or until the time is up. */
  synchronized void await(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    long left = millis;
    while (!signalled && left > 0) {
      wait(left);
      left = (deadline - System.nanoTime()) / 1_000_000;
    }
    signalled = false;
  }
}
