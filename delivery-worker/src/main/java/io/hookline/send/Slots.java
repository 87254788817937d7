package io.hookline.send;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many attempts run at once: at most {@code maxInFlight} in this process and
 * {@code maxPerHost} to any one host, so hosts that hang use up their own share and nobody
 * else's. The worker claims only as many deliveries as there are free slots.
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

  /** Slots free in this process. */
  public synchronized int free() {
    return maxInFlight - inFlight;
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  /** The hosts with no free slot: the worker does not claim deliveries for them. */
  public synchronized List<String> fullHosts() {
    return perHost.entrySet().stream().filter(e -> e.getValue() >= maxPerHost)
        .map(Map.Entry::getKey).toList();
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

  /** Gives back the slot of a finished attempt and wakes whoever waits for one. */
  public synchronized void release(String host) {
    int busy = perHost.getOrDefault(host, 0);
    if (busy <= 1) {
      perHost.remove(host);
    } else {
      perHost.put(host, busy - 1);
    }
    inFlight--;
    notifyAll();
  }

  /** Waits until a slot is released or the time is up (whichever first). */
  public synchronized void awaitRelease(long millis) throws InterruptedException {
    if (millis > 0) {
      wait(millis);
    }
  }
}
