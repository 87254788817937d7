package io.hookline.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Prints where the work is every few seconds while a scenario runs: rows waiting in the outbox,
 * deliveries pending and being sent, and POSTs the receiver has had. Tells a slow relay from a
 * slow worker.
 *
 * <p>The observer stays light: one connection for the whole scenario and one statement per
 * line, whose own time is printed. Opening three connections per line (each a new server
 * process and a SCRAM exchange) and counting on each took 10-113 ms of a core every 5 s, and the
 * slowest events of a steady run were the ones committed during those counts.
 */
final class Progress implements AutoCloseable {
  private static final String COUNTS = """
      SELECT (SELECT count(*) FROM hookline.outbox WHERE processed_at IS NULL),
             (SELECT count(*) FROM hookline.delivery WHERE status = 'pending'),
             (SELECT count(*) FROM hookline.delivery WHERE status = 'sending')""";

  private final Thread thread;
  private final Connection connection;

  private Progress(Thread thread, Connection connection) {
    this.thread = thread;
    this.connection = connection;
  }

  static Progress every(int seconds, BenchDatabase db, ReceiverProcess receiver, String name)
      throws SQLException {
    long start = System.nanoTime();
    Connection connection = db.connect();
    Thread thread = Thread.ofPlatform().daemon().name("bench-progress").start(() -> {
      try (PreparedStatement counts = connection.prepareStatement(COUNTS)) {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(seconds * 1000L);
          long asked = System.nanoTime();
          try (ResultSet row = counts.executeQuery()) {
            row.next();
            System.out.printf("%s %4.0fs: outbox %d, pending %d, sending %d, received %d"
                + " (counted in %.1f ms)%n", name, (asked - start) / 1e9, row.getLong(1),
                row.getLong(2), row.getLong(3), receiver.received(),
                (System.nanoTime() - asked) / 1e6);
          }
        }
      } catch (InterruptedException e) {
        // closed
      } catch (Exception e) {
        System.out.println(name + ": progress unavailable: " + e);
      }
    });
    return new Progress(thread, connection);
  }

  @Override
  public void close() throws SQLException {
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connection.close();
  }
}
