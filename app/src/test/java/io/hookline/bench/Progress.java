package io.hookline.bench;

/**
 * Prints every few seconds how many POSTs the receiver has had while a scenario runs: whether
 * Hookline keeps up with the writer.
 *
 * <p>The observer does not touch the database being measured. Counting pending and sending
 * deliveries on three new connections every 5 s (a server process and a SCRAM exchange each)
 * took 10-113 ms of a core, and the slowest events of a steady run were the ones committed during
 * those counts; on one kept connection the counts still took 8-42 ms each time.
 */
final class Progress implements AutoCloseable {
  private final Thread thread;

  private Progress(Thread thread) {
    this.thread = thread;
  }

  static Progress every(int seconds, ReceiverProcess receiver, String name) {
    long start = System.nanoTime();
    return new Progress(Thread.ofPlatform().daemon().name("bench-progress").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(seconds * 1000L);
          System.out.printf("%s %4.0fs: received %d%n", name, (System.nanoTime() - start) / 1e9,
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
