package io.hookline.delivery;

import io.hookline.claim.ClaimedDelivery;
import io.hookline.payload.Payload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Claimed deliveries waiting in this process for a slot to their host, oldest first. A batch
 * often holds more deliveries for one host than it has free slots; rather than handing those back
 * (a write, and a wait in the database), they start here as soon as an attempt to their host
 * ends. Their claim's lease keeps running, so the worker hands back any that waited too long.
 * Not thread-safe: {@link Dispatch} guards it together with the slots.
 */
final class HostQueues {
  /** A claimed delivery, its rendered body, since when (System.nanoTime) it waits, its end. */
  record Waiting(ClaimedDelivery delivery, String host, Payload payload, long since,
      CompletableFuture<Outcome> done) {}

  private final Map<String, ArrayDeque<Waiting>> byHost = new HashMap<>();
  private int size;

  void add(Waiting waiting) {
    byHost.computeIfAbsent(waiting.host(), h -> new ArrayDeque<>()).add(waiting);
    size++;
  }

  /** The host's oldest waiting delivery, removed, or null. */
  Waiting poll(String host) {
    ArrayDeque<Waiting> queue = byHost.get(host);
    if (queue == null) {
      return null;
    }
    Waiting next = queue.poll();
    if (queue.isEmpty()) {
      byHost.remove(host);
    }
    size--;
    return next;
  }

  int size() {
    return size;
  }

  int waiting(String host) {
    ArrayDeque<Waiting> queue = byHost.get(host);
    return queue == null ? 0 : queue.size();
  }

  Iterable<String> hosts() {
    return byHost.keySet();
  }

  /** Removes and answers every waiting delivery. */
  List<Waiting> clear() {
    List<Waiting> all = new ArrayList<>(size);
    byHost.values().forEach(all::addAll);
    byHost.clear();
    size = 0;
    return all;
  }

  /** Removes and answers every delivery waiting for the host. */
  List<Waiting> removeAll(String host) {
    ArrayDeque<Waiting> queue = byHost.remove(host);
    if (queue == null) {
      return List.of();
    }
    size -= queue.size();
    return new ArrayList<>(queue);
  }

  /** Removes and answers the deliveries waiting since before {@code nanos}. */
  List<Waiting> removeWaitingSince(long nanos) {
    List<Waiting> stale = new ArrayList<>();
    for (Iterator<ArrayDeque<Waiting>> queues = byHost.values().iterator(); queues.hasNext();) {
      ArrayDeque<Waiting> queue = queues.next();
      while (!queue.isEmpty() && queue.peek().since() - nanos < 0) {
        stale.add(queue.poll());
      }
      if (queue.isEmpty()) {
        queues.remove();
      }
    }
    size -= stale.size();
    return stale;
  }
}
