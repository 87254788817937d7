package io.hookline.delivery;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.claim.ExpiredLeases;
import io.hookline.claim.ReleaseClaims;
import io.hookline.claim.WorkerId;
import io.hookline.event.FanOut;
import io.hookline.send.PostToTarget;
import io.hookline.send.Slots;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim → send → record loop of one process. Any number of processes may run it against
 * one database: claims are rows with a lease, never held locks, and every write is guarded by
 * the claim. {@link #workOnce()} is one step of the loop, for tests and tools.
 */
@Singleton
public class DeliveryWorker {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
  /** Leases last at least a minute; looking for expired ones every few seconds is plenty. */
  private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String workerId = WorkerId.create();
  private final DeliverySettings settings;
  private final Clock clock;
  private final ExpiredLeases leases;
  private final ReleaseClaims release;
  private final PostToTarget post;
  private final Slots slots;
  private final Recorder recorder;
  private final Dispatch dispatch;
  private final DeliveriesDue due;
  private final DeliveryMetrics metrics;
  private volatile boolean running;
  private Thread loop;

  DeliveryWorker(DeliverySettings settings, Clock clock, ClaimDueDeliveries claim,
      ExpiredLeases leases, ReleaseClaims release, PostToTarget post,
      Classification classification, WriteOutcomes writer, DeliveryMetrics metrics,
      DeliveriesDue due) {
    this.settings = settings;
    this.clock = clock;
    this.leases = leases;
    this.release = release;
    this.post = post;
    this.due = due;
    this.metrics = metrics;
    this.slots = new Slots(settings.maxInFlight(), settings.maxPerHost());
    this.recorder = new Recorder(workerId, writer, clock);
    this.dispatch = new Dispatch(new Dispatch.Parts(workerId, settings, clock, claim, release,
        post, classification, metrics, due::signal), slots, recorder);
    // signals only about hosts its claims leave out now are dropped: it claims again by itself
    // once one of them is no longer left out
    due.leaveOut(dispatch::leftOut);
    metrics.inFlight(slots::inFlight);
  }

  public String workerId() {
    return workerId;
  }

  /**
   * Room for deliveries a caller is about to create due now, to be written already claimed for
   * this worker by the caller's own transaction ({@code FanOut.ClaimFor}) and handed over once it
   * commits, so that they are sent without waiting for a claim of their own and its commit.
   */
  public static final class Handoff {
    private final Dispatch.Reservation reservation;
    private final String workerId;
    private final Duration lease;

    private Handoff(Dispatch.Reservation reservation, String workerId, Duration lease) {
      this.reservation = reservation;
      this.workerId = workerId;
      this.lease = lease;
    }

    /** The claiming worker. */
    public String workerId() {
      return workerId;
    }

    /** Until when a claim made at {@code now} lasts. */
    public Instant leaseUntil(Instant now) {
      return now.plus(lease);
    }

    /** The most deliveries to claim. */
    public int room() {
      return reservation.room();
    }

    /** Hosts whose deliveries are not claimed: they have their fill in this worker. */
    public List<String> skipHosts() {
      return reservation.skipHosts();
    }

    /** The most deliveries to claim for any one host. */
    public int perHost() {
      return reservation.perHost();
    }

    /** The limits to write fresh deliveries claimed within, for a claim made at {@code now}. */
    public FanOut.ClaimFor claimFor(Instant now) {
      return new FanOut.ClaimFor(workerId, leaseUntil(now), room(), skipHosts(), perHost());
    }
  }

  /**
   * Room for fresh deliveries, reserved until {@link #handOver} or {@link #withdraw}; empty
   * while the loop is not running, the worker has no room, due deliveries wait in the queue
   * (those go first, oldest first, through the claim) or its last claim left a host out. At
   * most a batch (batch-size): what a relay transaction may create.
   */
  public Optional<Handoff> offer() {
    return offer(settings.batchSize());
  }

  /**
   * As {@link #offer()}, for at most {@code most} deliveries: a caller that creates few (one
   * API event's) does not hold room other work could use while its transaction runs.
   */
  public Optional<Handoff> offer(int most) {
    if (!running || most <= 0) {
      return Optional.empty();
    }
    Dispatch.Reservation reservation = dispatch.reserve(most);
    if (reservation == null) {
      return Optional.empty();
    }
    return Optional.of(new Handoff(reservation, workerId, settings.lease()));
  }

  /**
   * Room for a relay working through a backlog in the outbox: given whether or not due rows
   * wait in the queue, at most a host's fill, after waiting up to {@code wait} for room and for
   * busy hosts to take more (see {@code Dispatch.reserveForBacklog}). Empty when the time is up,
   * the loop is not running or the thread is interrupted.
   */
  public Optional<Handoff> offerForBacklog(int most, Duration wait) {
    if (!running || most <= 0) {
      return Optional.empty();
    }
    try {
      Dispatch.Reservation reservation = dispatch.reserveForBacklog(most, wait.toNanos());
      return reservation == null ? Optional.empty()
          : Optional.of(new Handoff(reservation, workerId, settings.lease()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Starts the deliveries claimed within the handoff, whose transaction committed. Once the
   * worker is stopping they are handed back to the queue instead.
   */
  public void handOver(Handoff handoff, List<ClaimedDelivery> claimed) {
    synchronized (this) {
      if (running) {
        dispatch.accept(handoff.reservation, claimed);
        metrics.handedOver(claimed.size());
        return;
      }
    }
    dispatch.cancel(handoff.reservation);
    try {
      release.release(workerId, claimed.stream().map(ClaimedDelivery::id).toList(), null,
          clock.instant());
    } catch (SQLException e) {
      LOG.warn("Could not hand back {} deliveries; their claims expire in {}", claimed.size(),
          settings.lease(), e);
    }
  }

  /** The handoff's transaction did not commit: its room is free again. */
  public void withdraw(Handoff handoff) {
    dispatch.cancel(handoff.reservation);
  }

  /**
   * One step, waiting for its results: return expired claims, claim one batch, send it and
   * record every outcome. Deliveries of the batch left waiting for a slot to their host are
   * handed back at once, due as they were.
   */
  public WorkCounts workOnce() throws SQLException {
    leases.sweep(clock.instant());
    Dispatch.Batch batch = dispatch.next();
    int released = dispatch.handBackWaiting();
    List<Outcome> outcomes = new ArrayList<>();
    for (CompletableFuture<Outcome> outcome : batch.outcomes()) {
      try {
        outcomes.add(outcome.join());
      } catch (CancellationException e) {
        LOG.debug("An attempt was handed back unsent");
      } catch (CompletionException e) {
        LOG.error("An attempt ended without an outcome", e.getCause());
      }
    }
    return WorkCounts.of(batch.claimed(), outcomes, released);
  }

  /** Starts the loop on a thread of its own (hookline.worker.enabled). */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    dispatch.startOffering();
    loop = Thread.ofPlatform().daemon().name("hookline-delivery").start(this::run);
    LOG.info("Delivery worker {} started", workerId);
  }

  /**
   * Claims again at once after a full batch that may have left more; otherwise waits for a
   * signal (work became due, or room was freed that the last claim lacked) or the poll interval,
   * whichever first, so an idle queue costs one claim per poll interval. A claim that leaves a
   * busy host out scans past all of its due rows, so claims that can only come back empty are
   * avoided rather than retried.
   */
  private void run() {
    long lastSweep = System.nanoTime() - SWEEP_EVERY_NANOS;
    long pollMillis = Math.max(1, settings.pollInterval().toMillis());
    long waitNanos = settings.hostBusyDelay().toNanos();
    // a host with every slot hanging: its waiting deliveries go back after a tenth of that
    long silentNanos = waitNanos / 10;
    while (running) {
      try {
        if (System.nanoTime() - lastSweep >= SWEEP_EVERY_NANOS) {
          lastSweep = System.nanoTime();
          int swept = leases.sweep(clock.instant());
          if (swept > 0) {
            LOG.warn("{} expired claims returned to the queue", swept);
          }
        }
        long now = System.nanoTime();
        dispatch.handBackWaitingSince(now - waitNanos, now - silentNanos);
        due.clear();
        Dispatch.Batch batch = dispatch.next();
        if (!batch.more() && running) {
          due.await(pollMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable e) {
        LOG.error("Delivery loop step failed; trying again", e);
        pause(pollMillis);
      }
    }
  }

  /**
   * Stops claiming, lets attempts in flight finish within the grace period, then hands the rest
   * back (pending, unclaimed) so that other workers send them at once.
   */
  @PreDestroy
  public void close() throws InterruptedException {
    Thread stopping;
    synchronized (this) {
      running = false;
      stopping = loop;
    }
    dispatch.stopOffering();
    due.signal();
    if (stopping != null) {
      stopping.join(settings.pollInterval().toMillis() + 10_000);
    }
    try {
      int handedBack = dispatch.handBackWaiting();
      if (handedBack > 0) {
        LOG.info("Handed {} deliveries waiting for a slot back on shutdown", handedBack);
      }
    } catch (SQLException e) {
      LOG.warn("Could not hand back deliveries waiting for a slot; their claims expire in {}",
          settings.lease(), e);
    }
    long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
    while (!dispatch.idle() && System.nanoTime() < deadline) {
      slots.awaitRelease(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    List<Long> unfinished = dispatch.cancelRunning();
    recorder.close(10_000);
    if (!unfinished.isEmpty()) {
      try {
        int released = release.release(workerId, unfinished, null, clock.instant());
        LOG.info("Handed {} unfinished deliveries back on shutdown", released);
      } catch (SQLException e) {
        LOG.warn("Could not hand back {} deliveries; their claims expire in {}",
            unfinished.size(), settings.lease(), e);
      }
    }
    LOG.info("Delivery worker {} stopped", workerId);
  }

  private void pause(long millis) {
    try {
      due.await(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
