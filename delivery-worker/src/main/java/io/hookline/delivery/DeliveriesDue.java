package io.hookline.delivery;

import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Wakes this process's delivery worker: code that makes deliveries due now (fan-out, replay)
 * signals it after its commit, the LISTEN connection on {@link #CHANNEL} signals it for commits
 * of other processes, and the worker's own attempts signal it when they free room it could not
 * claim for. Signals coalesce: any number before the worker looks count as one. A signal that
 * names the hosts of its deliveries is dropped when the worker leaves every one of them out of
 * its claims at that moment: such a claim could take none of them, and the worker claims again
 * by itself as soon as one of those hosts stops being left out.
 */
@Singleton
public final class DeliveriesDue {
  /** The NOTIFY channel of transactions that create or move deliveries due now. */
  public static final String CHANNEL = "hookline_delivery";

  private boolean signalled;
  private volatile Predicate<String> leftOut = host -> false;

  public synchronized void signal() {
    signalled = true;
    notifyAll();
  }

  /**
   * Deliveries due now were made for these hosts (as delivery.host stores them): signals unless
   * the worker leaves all of them out. Empty: hosts unknown, always signals.
   */
  public void signal(Collection<String> hosts) {
    Predicate<String> out = leftOut;
    if (hosts.isEmpty() || !hosts.stream().allMatch(out)) {
      signal();
    }
  }

  /**
   * A NOTIFY's payloads, each the hosts of the deliveries it made due separated by spaces, or
   * empty when it did not say (too many hosts, a replay, an older version): as
   * {@link #signal(Collection)}.
   */
  public void notified(List<String> payloads) {
    Set<String> hosts = new HashSet<>();
    for (String payload : payloads) {
      if (payload == null || payload.isBlank()) {
        signal();
        return;
      }
      hosts.addAll(Arrays.asList(payload.strip().split(" +")));
    }
    signal(hosts);
  }

  /** Which hosts the worker's claims leave out now (called with the host, from any thread). */
  void leaveOut(Predicate<String> hosts) {
    leftOut = hosts;
  }

  /** Forgets earlier signals: the caller is about to look for work anyway. */
  synchronized void clear() {
    signalled = false;
  }

  /**
   * Waits for a signal since the last clear, or until the time is up; answers whether one came
   * (and takes it).
   */
  synchronized boolean await(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    long left = millis;
    while (!signalled && left > 0) {
      wait(left);
      left = (deadline - System.nanoTime()) / 1_000_000;
    }
    boolean came = signalled;
    signalled = false;
    return came;
  }
}
