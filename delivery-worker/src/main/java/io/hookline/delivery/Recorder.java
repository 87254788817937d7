package io.hookline.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects finished attempts from the HTTP client's threads (which must never wait on the
 * database) and writes them in batches from one thread of its own: under load, one
 * multi-row statement records hundreds of attempts.
 */
final class Recorder {
  private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
  private static final int MAX_BATCH = 500;
  // Each write is a commit (an fsync); under load, waiting this long for more outcomes turns
  // many small transactions into a few large ones. No host slot waits on it, only memory.
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final String workerId;
  private final WriteOutcomes writer;
  private final Clock clock;
  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closing;

  private record Entry(Recorded recorded, CompletableFuture<Boolean> written) {}

  Recorder(String workerId, WriteOutcomes writer, Clock clock) {
    this.workerId = workerId;
    this.writer = writer;
    this.clock = clock;
    this.thread = Thread.ofPlatform().daemon().name("hookline-record").unstarted(this::run);
    thread.start();
  }

  /** Completes with whether the outcome was recorded (false: the claim was no longer ours). */
  CompletableFuture<Boolean> submit(Recorded recorded) {
    CompletableFuture<Boolean> written = new CompletableFuture<>();
    queue.add(new Entry(recorded, written));
    return written;
  }

  private void run() {
    while (!closing || !queue.isEmpty()) {
      try {
        Entry first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Entry> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        long deadline = System.nanoTime() + LINGER_NANOS;
        while (batch.size() > 1 && batch.size() < MAX_BATCH && !closing) {
          Entry next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
          queue.drainTo(batch, MAX_BATCH - batch.size());
        }
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("Recording outcomes failed", e);
      }
    }
  }

  private void write(List<Entry> batch) {
    try {
      Set<Long> recorded = writer.write(workerId,
          batch.stream().map(Entry::recorded).toList(), clock.instant());
      batch.forEach(e -> e.written().complete(recorded.contains(e.recorded().delivery().id())));
    } catch (Exception e) {
      LOG.error("Could not record {} outcomes; their claims will expire and be sent again",
          batch.size(), e);
      batch.forEach(entry -> entry.written().complete(false));
    }
  }

  /** Writes what is queued, then stops. */
  void close(long waitMillis) throws InterruptedException {
    closing = true;
    thread.join(waitMillis);
  }
}
