package io.hookline.delivery;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.claim.ReleaseClaims;
import io.hookline.delivery.Outcome.Drop;
import io.hookline.payload.Payload;
import io.hookline.payload.Payloads;
import io.hookline.send.Exchange;
import io.hookline.send.PostToTarget;
import io.hookline.send.Slots;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * Claims as many due deliveries as there are free slots and starts their attempts without
 * waiting for them. Each attempt holds a slot until its outcome is recorded. Hosts at their cap
 * are left out of the claim; a delivery whose host fills up within the batch goes straight back
 * to the queue, due a little later, so it never holds up the others in its batch.
 */
final class Dispatch {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatch.class);

  private final Parts parts;
  private final Slots slots;
  private final Recorder recorder;
  private final Map<Long, Running> running = new ConcurrentHashMap<>();

  /** The collaborators, fixed for the worker's life. */
  record Parts(String workerId, DeliverySettings settings, Clock clock, ClaimDueDeliveries claim,
      ReleaseClaims release, PostToTarget post, Classification classification,
      DeliveryMetrics metrics) {}

  /** One claimed batch: how many were claimed, were handed back, and the outcomes to come. */
  record Batch(int claimed, int limit, int released, List<CompletableFuture<Outcome>> outcomes) {
    boolean full() {
      return limit > 0 && claimed >= limit;
    }
  }

  /** An attempt in flight: cancelling it disposes its subscription, even one set later. */
  private record Running(CompletableFuture<Outcome> done, Disposable.Swap subscription) {}

  Dispatch(Parts parts, Slots slots, Recorder recorder) {
    this.parts = parts;
    this.slots = slots;
    this.recorder = recorder;
  }

  Batch next() throws SQLException {
    int limit = Math.min(slots.free(), parts.settings().batchSize());
    if (limit <= 0) {
      return new Batch(0, 0, 0, List.of());
    }
    Instant now = parts.clock().instant();
    List<ClaimedDelivery> claimed = parts.claim().claim(parts.workerId(), now,
        now.plus(parts.settings().lease()), limit, slots.fullHosts());
    Payloads payloads = new Payloads();
    List<Long> hostBusy = new ArrayList<>();
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
    for (ClaimedDelivery delivery : claimed) {
      ClaimedDelivery.Webhook webhook = delivery.webhook();
      if (webhook.deleted() || !webhook.enabled()) {
        Drop drop = new Drop(webhook.deleted() ? "webhook deleted" : "webhook disabled", false);
        outcomes.add(recorder.submit(new Recorded(delivery, drop, null)).thenApply(ok -> drop));
        continue;
      }
      String host = PostToTarget.hostOf(delivery.url());
      if (!slots.tryAcquire(host)) {
        hostBusy.add(delivery.id());
        continue;
      }
      outcomes.add(start(delivery, host, payloads));
    }
    int released = parts.release().release(parts.workerId(), hostBusy,
        now.plus(parts.settings().hostBusyDelay()), now);
    return new Batch(claimed.size(), limit, released, outcomes);
  }

  private CompletableFuture<Outcome> start(ClaimedDelivery delivery, String host,
      Payloads payloads) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    Payload payload;
    try {
      payload = payloads.of(delivery.event(), delivery.format(), delivery.fields());
    } catch (RuntimeException e) {
      Drop drop = new Drop("could not render the body: " + e.getMessage(), false);
      finish(delivery, host, drop, null, done);
      return done;
    }
    Instant startedAt = parts.clock().instant();
    long started = System.nanoTime();
    Running attempt = new Running(done, Disposables.swap());
    running.put(delivery.id(), attempt);
    attempt.subscription().update(parts.post()
        .post(delivery.url(), AttemptHeaders.of(delivery, payload, startedAt), payload.body())
        .subscribe(exchange -> answered(delivery, host, exchange, startedAt, started, done),
            error -> {
              LOG.error("Attempt of delivery {} failed unexpectedly", delivery.id(), error);
              slotFreed(delivery, host);
              done.completeExceptionally(error);
            }));
    return done;
  }

  private void answered(ClaimedDelivery delivery, String host, Exchange exchange,
      Instant startedAt, long started, CompletableFuture<Outcome> done) {
    try {
      long took = System.nanoTime() - started;
      Outcome outcome = parts.classification().classify(exchange, delivery.scheduleStep(),
          delivery.retry(), parts.clock().instant());
      parts.metrics().attempted(outcome, Duration.ofNanos(took));
      finish(delivery, host, outcome, Attempt.of(exchange, startedAt, took), done);
    } catch (RuntimeException e) {
      LOG.error("Could not classify the attempt of delivery {}", delivery.id(), e);
      slotFreed(delivery, host);
      done.completeExceptionally(e);
    }
  }

  /** Records the outcome, then frees the slot: recording is part of the attempt's cost. */
  private void finish(ClaimedDelivery delivery, String host, Outcome outcome, Attempt attempt,
      CompletableFuture<Outcome> done) {
    recorder.submit(new Recorded(delivery, outcome, attempt)).whenComplete((ok, e) -> {
      slotFreed(delivery, host);
      done.complete(outcome);
    });
  }

  private void slotFreed(ClaimedDelivery delivery, String host) {
    running.remove(delivery.id());
    slots.release(host);
  }

  boolean idle() {
    return running.isEmpty() && slots.inFlight() == 0;
  }

  /** Cancels the attempts still running and answers their deliveries' ids. */
  List<Long> cancelRunning() {
    List<Long> ids = new ArrayList<>(running.keySet());
    for (Long id : ids) {
      Running attempt = running.remove(id);
      if (attempt != null) {
        attempt.subscription().dispose();
        attempt.done().cancel(false);
      }
    }
    return ids;
  }
}
