package io.hookline.send;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many attempts run at once: at most {@code maxInFlight} in this process and
 * {@code maxPerHost} to any one host, so hosts that hang use up their own share and nobody
 * else's. A host's slot is given back as soon as its answer is in ({@link #hostDone}); the
 * process-wide one only once the outcome is written ({@link #done}), so outcomes waiting for the
 * database still count against {@code maxInFlight} and memory stays bounded.
 */
public final class Slots {
  private final int maxInFlight;
  private final int maxPerHost;
  private final Map<String, Integer> perHost = new HashMap<>();
  private int inFlight;

  public Slots(int maxInFlight, int maxPerHost) {
    this.maxInFlight = maxInFlight;
    this.maxPerHost = maxPerHost;
  }

  public int maxPerHost() {
    return maxPerHost;
  }

  /** Slots free in this process. */
  public synchronized int free() {
    return maxInFlight - inFlight;
  }

  /** Attempts running or waiting for their outcome to be written. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Attempts to the host whose answer is not in yet. */
  public synchronized int busy(String host) {
    return perHost.getOrDefault(host, 0);
  }

  /** The hosts with attempts running. */
  public synchronized List<String> hosts() {
    return List.copyOf(perHost.keySet());
  }

  /** Takes a slot for an attempt to the host, or answers false when the host or all are full. */
  public synchronized boolean tryAcquire(String host) {
    int busy = perHost.getOrDefault(host, 0);
    if (inFlight >= maxInFlight || busy >= maxPerHost) {
      return false;
    }
    perHost.put(host, busy + 1);
    inFlight++;
    return true;
  }

  /** The attempt's exchange with the host is over (answered, failed or cancelled). */
  public synchronized void hostDone(String host) {
    int busy = perHost.getOrDefault(host, 0);
    if (busy <= 1) {
      perHost.remove(host);
    } else {
      perHost.put(host, busy - 1);
    }
  }

  /** The attempt's outcome is written (or given up): its process-wide slot is free. */
  public synchronized void done() {
    inFlight--;
    notifyAll();
  }

  /** Waits until an attempt is done or the time is up (whichever first). */
  public synchronized void awaitRelease(long millis) throws InterruptedException {
    if (millis > 0) {
      wait(millis);
    }
  }
}
