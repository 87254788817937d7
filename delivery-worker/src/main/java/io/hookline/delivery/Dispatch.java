package io.hookline.delivery;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.claim.ReleaseClaims;
import io.hookline.delivery.HostQueues.Waiting;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * Claims as many due deliveries as this process has room for and starts their attempts without
 * waiting for them. Each attempt holds a slot of its host until it is answered, and a
 * process-wide slot until its outcome is recorded. Hosts that are busy enough are left out of the
 * claim; deliveries of a batch beyond their host's free slots wait in {@link HostQueues} and
 * start as earlier attempts to that host end, so a busy host never holds up other hosts.
 */
final class Dispatch {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatch.class);

  private final Parts parts;
  private final Slots slots;
  private final Recorder recorder;
  private final HostQueues queues = new HostQueues();
  private final Map<Long, Running> running = new ConcurrentHashMap<>();
  // What the last claim left out; a slot freed there may make more work claimable.
  private volatile Set<String> skipped = Set.of();
  // Hosts whose waiting attempts were handed back for waiting too long, until one of their slots
  // is free with nothing waiting (guarded by queues): left out of claims meanwhile, so that a
  // hanging host's rows are not claimed and handed back over and over.
  private final Set<String> saturated = new HashSet<>();
  // For each host with attempts running or waiting, when (System.nanoTime) one of its attempts
  // last ended, or its first one was started (guarded by queues): how long it has been silent.
  private final Map<String, Long> lastHeard = new HashMap<>();
  private volatile boolean roomBound;
  // Room promised to the relay's fresh deliveries, not yet taken up (guarded by queues).
  private int reserved;
  // Whether the last claim found fewer due rows than it had room for, and every due row of the
  // hosts it did not leave out: no backlog to keep order with, so fresh deliveries may be handed
  // straight to this worker (those of hosts left out then are written pending, behind theirs).
  private volatile boolean caughtUp;
  // Relays waiting in reserveForBacklog on queues' monitor; room freed wakes them.
  private volatile int backlogWaiters;
  // Set when the worker stops: relays no longer wait for room (guarded by queues).
  private boolean closing;

  /** The collaborators, fixed for the worker's life; wake is called when more can be claimed. */
  record Parts(String workerId, DeliverySettings settings, Clock clock, ClaimDueDeliveries claim,
      ReleaseClaims release, PostToTarget post, Classification classification,
      DeliveryMetrics metrics, Runnable wake) {}

  /**
   * One claimed batch: how many were claimed, the outcomes to come, and whether claiming again
   * at once may find more (the batch was full and not every host in it is now left out).
   */
  record Batch(int claimed, boolean more, List<CompletableFuture<Outcome>> outcomes) {}

  /** An attempt in flight: cancelling it disposes its subscription, even one set later. */
  private record Running(CompletableFuture<Outcome> done, Disposable.Swap subscription) {}

  /**
   * Room reserved for deliveries about to be created due now: at most {@code room} of them, none
   * to the hosts left out, at most {@code perHost} to any one host.
   */
  record Reservation(int room, List<String> skipHosts, int perHost) {}

  /** The hosts started for, and each delivery's outcome to come. */
  private record Started(Set<String> hosts, List<CompletableFuture<Outcome>> outcomes) {}

  Dispatch(Parts parts, Slots slots, Recorder recorder) {
    this.parts = parts;
    this.slots = slots;
    this.recorder = recorder;
  }

  Batch next() throws SQLException {
    int limit;
    List<String> skip;
    synchronized (queues) {
      limit = Math.min(slots.free() - queues.size() - reserved, parts.settings().batchSize());
      skip = crowdedHosts();
      // The claim's room is reserved while it runs, so that the relay cannot promise it too.
      reserved += Math.max(limit, 0);
    }
    skipped = Set.copyOf(skip);
    if (limit <= 0) {
      caughtUp = false;
      return new Batch(0, false, List.of());
    }
    List<ClaimedDelivery> claimed = List.of();
    Started started;
    try {
      Instant now = parts.clock().instant();
      ClaimDueDeliveries.Claimed claim = parts.claim().claimDue(parts.workerId(), now,
          now.plus(parts.settings().lease()), limit, skip, crowdedAt());
      claimed = claim.deliveries();
      // With a host left out, rows of other hosts may wait behind its due rows, unseen: then
      // the room stays with the claim.
      caughtUp = claimed.size() < limit && (skip.isEmpty() || claim.wholeQueue());
      // Only a claim that filled its room may have left due rows for room freed later; one
      // that came back short is woken by new due rows or a host no longer left out instead.
      roomBound = limit < parts.settings().batchSize() && claimed.size() >= limit;
    } finally {
      started = start(claimed, limit);
    }
    boolean more = false;
    if (claimed.size() >= limit) {
      synchronized (queues) {
        more = started.hosts().isEmpty() || !started.hosts().stream().allMatch(this::crowded);
      }
    }
    return new Batch(claimed.size(), more, started.outcomes());
  }

  /**
   * Whether claims leave the host out now. Until it is not, a claim cannot take its deliveries;
   * once it is not, the attempt that made it so wakes the worker (see {@link #hostDone}).
   */
  boolean leftOut(String host) {
    synchronized (queues) {
      return crowded(host);
    }
  }

  /** The hosts left out of claims now (guarded by queues). */
  private List<String> crowdedHosts() {
    List<String> skip = new ArrayList<>();
    for (String host : slots.hosts()) {
      if (crowded(host)) {
        skip.add(host);
      }
    }
    for (String host : queues.hosts()) {
      if (!skip.contains(host) && crowded(host)) {
        skip.add(host);
      }
    }
    return skip;
  }

  /**
   * Reserves room for fresh deliveries, which the caller claims for this worker inside the
   * transaction that creates them and hands over with {@link #accept} once it commits (or gives
   * back with {@link #cancel}). Only while the worker is caught up: with due rows queued,
   * the oldest go first, through the claim. Hosts left out now (crowded) are left out of the
   * reservation too, so their fresh deliveries queue behind their due rows. Null when there is
   * a backlog, or no room.
   *
   * @param most the most room wanted (a batch's worth is the most ever given)
   */
  Reservation reserve(int most) {
    if (!caughtUp) {
      return null;
    }
    synchronized (queues) {
      int room = Math.min(Math.min(slots.free() - queues.size() - reserved,
          parts.settings().batchSize()), most);
      if (room <= 0) {
        return null;
      }
      reserved += room;
      return new Reservation(room, crowdedHosts(), crowdedAt());
    }
  }

  /**
   * Room for a relay working through a backlog in the outbox, whose fresh deliveries would
   * otherwise all be written pending and claimed again by this worker: whether or not it is
   * caught up, at most {@code most} and a host's fill (the relay then takes no more outbox rows
   * than that, so a backlog of one host's events is handed over whole). Waits up to
   * {@code waitNanos} while there is no room, or while a host that answers has its fill, since
   * that host's fresh deliveries could not be handed over. A host with its fill that has not
   * answered for half that wait (none of its attempts ended: it hangs, or answers too slowly to
   * make room in time), and one handed back for waiting too long, is left out of the
   * reservation instead: its fresh deliveries are written pending, behind the ones it has, and
   * the other hosts' are handed over. Null when the time is up.
   */
  Reservation reserveForBacklog(int most, long waitNanos) throws InterruptedException {
    long deadline = System.nanoTime() + waitNanos;
    long silentNanos = waitNanos / 2;
    synchronized (queues) {
      while (!closing) {
        int room = Math.min(Math.min(slots.free() - queues.size() - reserved,
            parts.settings().batchSize()), Math.min(most, crowdedAt()));
        List<String> skip = crowdedHosts();
        long now = System.nanoTime();
        // the first moment a host that holds the reservation up counts as silent
        long silentAt = deadline;
        boolean heldUp = false;
        for (String host : skip) {
          if (!saturated.contains(host)) {
            long at = lastHeard.getOrDefault(host, now) + silentNanos;
            if (at - now > 0) {
              heldUp = true;
              silentAt = at - silentAt < 0 ? at : silentAt;
            }
          }
        }
        if (room > 0 && !heldUp) {
          reserved += room;
          return new Reservation(room, skip, crowdedAt());
        }
        long left = deadline - now;
        if (left <= 0) {
          return null;
        }
        // without room, only freed room helps; otherwise also a host falling silent meanwhile
        long wait = room > 0 ? Math.max(1, silentAt - now) : left;
        backlogWaiters++;
        try {
          TimeUnit.NANOSECONDS.timedWait(queues, Math.min(wait, left));
        } finally {
          backlogWaiters--;
        }
      }
      return null;
    }
  }

  /** The worker is stopping: relays waiting for room stop waiting, and none waits again. */
  void stopOffering() {
    synchronized (queues) {
      closing = true;
      queues.notifyAll();
    }
  }

  /** The worker (re)starts: relays may wait for room again. */
  void startOffering() {
    synchronized (queues) {
      closing = false;
    }
  }

  /** Wakes relays waiting for room (guarded by queues). */
  private void roomChanged() {
    if (backlogWaiters > 0) {
      queues.notifyAll();
    }
  }

  /** Starts the deliveries claimed within the reservation (committed) and ends it. */
  void accept(Reservation reservation, List<ClaimedDelivery> claimed) {
    start(claimed, reservation.room());
  }

  /** Ends the reservation without deliveries. */
  void cancel(Reservation reservation) {
    start(List.of(), reservation.room());
  }

  /**
   * Renders each claimed delivery and starts its attempt, or queues it for a slot to its host;
   * one whose webhook is gone or disabled, or whose body cannot be rendered, is dropped. The
   * deliveries were claimed within {@code reservedFor} of reserved room: each takes its share
   * as it takes a slot or its place in a queue, and the rest is given back.
   */
  private Started start(List<ClaimedDelivery> claimed, int reservedFor) {
    Payloads payloads = new Payloads();
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
    long since = System.nanoTime();
    Set<String> hosts = new HashSet<>();
    int unused = reservedFor;
    try {
      for (ClaimedDelivery delivery : claimed) {
        ClaimedDelivery.Webhook webhook = delivery.webhook();
        if (webhook.deleted() || !webhook.enabled()) {
          outcomes.add(dropped(delivery,
              webhook.deleted() ? "webhook deleted" : "webhook disabled"));
          continue;
        }
        Payload payload;
        try {
          payload = payloads.of(delivery.event(), delivery.format(), delivery.fields());
        } catch (RuntimeException e) {
          outcomes.add(dropped(delivery, "could not render the body: " + e.getMessage()));
          continue;
        }
        Waiting attempt = new Waiting(delivery, PostToTarget.hostOf(delivery.url()), payload,
            since, new CompletableFuture<>());
        outcomes.add(attempt.done());
        hosts.add(attempt.host());
        boolean start;
        synchronized (queues) {
          reserved--;
          unused--;
          lastHeard.putIfAbsent(attempt.host(), since);
          start = slots.tryAcquire(attempt.host());
          if (!start) {
            queues.add(attempt);
          }
        }
        if (start) {
          start(attempt);
        }
      }
    } finally {
      synchronized (queues) {
        reserved -= unused;
        roomChanged();
      }
    }
    return new Started(hosts, outcomes);
  }

  /**
   * A host is left out of claims while it has its fill of attempts running plus twice as many
   * waiting: enough that the next claim lands before those run out (a claim under load takes
   * tens of milliseconds, while a fast host goes through a waiting attempt every fraction of a
   * millisecond), and a bounded number that wait at most host-busy-delay before they are handed
   * back.
   */
  private boolean crowded(String host) {
    return slots.busy(host) + queues.waiting(host) >= crowdedAt() || saturated.contains(host);
  }

  private int crowdedAt() {
    int cap = slots.maxPerHost();
    return 3 * cap;
  }

  private CompletableFuture<Outcome> dropped(ClaimedDelivery delivery, String reason) {
    Drop drop = new Drop(reason, false);
    return recorder.submit(new Recorded(delivery, drop, null)).thenApply(ok -> drop);
  }

  private void start(Waiting attempt) {
    ClaimedDelivery delivery = attempt.delivery();
    Instant startedAt = parts.clock().instant();
    long started = System.nanoTime();
    Running run = new Running(attempt.done(), Disposables.swap());
    running.put(delivery.id(), run);
    Payload payload = attempt.payload();
    run.subscription().update(parts.post()
        .post(delivery.url(), AttemptHeaders.of(delivery, payload, startedAt), payload.body())
        .subscribe(exchange -> answered(attempt, exchange, startedAt, started),
            error -> {
              LOG.error("Attempt of delivery {} failed unexpectedly", delivery.id(), error);
              hostDone(attempt);
              done();
              attempt.done().completeExceptionally(error);
            }));
  }

  private void answered(Waiting attempt, Exchange exchange, Instant startedAt, long started) {
    hostDone(attempt);
    ClaimedDelivery delivery = attempt.delivery();
    Outcome outcome;
    try {
      long took = System.nanoTime() - started;
      outcome = parts.classification().classify(exchange, delivery.scheduleStep(),
          delivery.retry(), parts.clock().instant());
      parts.metrics().attempted(outcome, Duration.ofNanos(took));
      recorder.submit(new Recorded(delivery, outcome, Attempt.of(exchange, startedAt, took)))
          .whenComplete((ok, e) -> {
            done();
            attempt.done().complete(outcome);
          });
    } catch (RuntimeException e) {
      LOG.error("Could not classify the attempt of delivery {}", delivery.id(), e);
      done();
      attempt.done().completeExceptionally(e);
    }
  }

  /**
   * The attempt's exchange with its host is over: the next delivery waiting for that host takes
   * its slot, or, when the host was (or is about to be) left out of claims, the worker may claim
   * again.
   */
  private void hostDone(Waiting attempt) {
    running.remove(attempt.delivery().id());
    Waiting next;
    boolean claimable;
    synchronized (queues) {
      boolean crowded = crowded(attempt.host());
      slots.hostDone(attempt.host());
      next = queues.poll(attempt.host());
      if (next != null && !slots.tryAcquire(next.host())) {
        throw new IllegalStateException("a freed host slot could not be taken");
      }
      if (next == null) {
        saturated.remove(attempt.host());
      }
      if (next == null && slots.busy(attempt.host()) == 0) {
        lastHeard.remove(attempt.host());
      } else {
        lastHeard.put(attempt.host(), System.nanoTime());
      }
      claimable = (crowded || skipped.contains(attempt.host())) && !crowded(attempt.host());
      roomChanged();
    }
    if (next != null) {
      start(next);
    }
    if (claimable) {
      parts.wake().run();
    }
  }

  /** The outcome is written: when the last claim was cut short for room, claim again. */
  private void done() {
    slots.done();
    if (backlogWaiters > 0) {
      synchronized (queues) {
        roomChanged();
      }
    }
    if (roomBound) {
      parts.wake().run();
    }
  }

  /**
   * Hands back the deliveries that waited for a slot since before {@code waitedSince}
   * (host-busy-delay ago), and all that wait for a host that has every slot busy and has not
   * been heard from (no attempt to it ended, nor did its first start) since before
   * {@code silentSince}: a host that hangs would hold them, and the room they take, for the whole
   * of host-busy-delay, while a host that answers frees a slot every so often.
   */
  int handBackWaitingSince(long waitedSince, long silentSince) throws SQLException {
    List<Waiting> stale;
    synchronized (queues) {
      stale = queues.removeWaitingSince(waitedSince);
      List<String> silent = new ArrayList<>();
      for (String host : queues.hosts()) {
        if (slots.busy(host) >= slots.maxPerHost()
            && lastHeard.getOrDefault(host, silentSince) - silentSince < 0) {
          silent.add(host);
        }
      }
      silent.forEach(host -> stale.addAll(queues.removeAll(host)));
      stale.forEach(waiting -> saturated.add(waiting.host()));
      stale.forEach(waiting -> forgetIfIdle(waiting.host()));
      roomChanged();
    }
    return handBack(stale);
  }

  /** A host with nothing running or waiting here has no silence to measure (guarded by queues). */
  private void forgetIfIdle(String host) {
    if (slots.busy(host) == 0 && queues.waiting(host) == 0) {
      lastHeard.remove(host);
    }
  }

  private int handBack(List<Waiting> waiting) throws SQLException {
    if (waiting.isEmpty()) {
      return 0;
    }
    List<Long> ids = waiting.stream().map(w -> w.delivery().id()).toList();
    try {
      return parts.release().release(parts.workerId(), ids, null, parts.clock().instant());
    } finally {
      waiting.forEach(w -> w.done().cancel(false));
    }
  }

  boolean idle() {
    synchronized (queues) {
      return running.isEmpty() && slots.inFlight() == 0 && queues.size() == 0;
    }
  }

  /** Hands back what waits for a slot; then answers, and no longer starts, the rest. */
  int handBackWaiting() throws SQLException {
    List<Waiting> waiting;
    synchronized (queues) {
      waiting = queues.clear();
      waiting.forEach(w -> forgetIfIdle(w.host()));
    }
    return handBack(waiting);
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
