package io.hookline.delivery;

import io.micronaut.jdbc.DataSourceResolver;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the workers of other processes that deliveries are due now: a NOTIFY on
 * {@link DeliveriesDue#CHANNEL}, sent on its own connection after the caller's commit, from a
 * thread of its own. Requests coalesce: any number made before the NOTIFY goes out are one.
 *
 * <p>Not in the caller's transaction because PostgreSQL serializes the commits of every
 * transaction that NOTIFYs, on any channel, through one lock held until the commit is on disk.
 * The services' outbox inserts NOTIFY the relay and commit synchronously, so a relay that
 * NOTIFYed in its own transaction waited for each of their commits: 100-220 ms when this
 * machine's disk stalled a flush, although the relay's commit does not itself wait for the disk.
 */
@Singleton
public final class DueElsewhere {
  private static final Logger LOG = LoggerFactory.getLogger(DueElsewhere.class);

  private final DataSource dataSource;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final ExecutorService sender = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().daemon().name("hookline-due-notify").factory());

  DueElsewhere(DataSource dataSource, DataSourceResolver resolver) {
    this.dataSource = resolver.resolve(dataSource);
  }

  /** Call after the commit that made deliveries due; returns at once. */
  public void announce() {
    if (queued.compareAndSet(false, true)) {
      try {
        sender.execute(this::send);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down: other processes find the deliveries by their poll
      }
    }
  }

  private void send() {
    queued.set(false);
    try (Connection connection = dataSource.getConnection();
        Statement notify = connection.createStatement()) {
      connection.setAutoCommit(true);
      notify.execute("SELECT pg_notify('" + DeliveriesDue.CHANNEL + "', '')");
    } catch (SQLException e) {
      LOG.debug("Could not tell other processes that deliveries are due (they poll): {}",
          e.getMessage());
    }
  }

  @PreDestroy
  void close() throws InterruptedException {
    sender.shutdown();
    sender.awaitTermination(5, TimeUnit.SECONDS);
  }
}
