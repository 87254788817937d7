package io.hookline.bench;

/**
 * Prints where the work is every few seconds while a scenario runs: rows waiting in the outbox,
 * deliveries pending and being sent (both counted through their partial indexes, so cheaply),
 * and POSTs the receiver has had. Tells a slow relay from a slow worker.
 */
final class Progress implements AutoCloseable {
  private final Thread thread;

  private Progress(Thread thread) {
    this.thread = thread;
  }

  static Progress every(int seconds, BenchDatabase db, ReceiverProcess receiver, String name) {
    long start = System.nanoTime();
    return new Progress(Thread.ofPlatform().daemon().name("bench-progress").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(seconds * 1000L);
          System.out.printf("%s %4.0fs: outbox %d, pending %d, sending %d, received %d%n", name,
              (System.nanoTime() - start) / 1e9,
              db.count("SELECT count(*) FROM hookline.outbox WHERE processed_at IS NULL"),
              db.count("SELECT count(*) FROM hookline.delivery WHERE status = 'pending'"),
              db.count("SELECT count(*) FROM hookline.delivery WHERE status = 'sending'"),
              receiver.received());
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          System.out.println(name + ": progress unavailable: " + e);
        }
      }
    }));
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
