package io.hookline.outbox;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@code hookline_outbox} (V1's trigger NOTIFYs it when an outbox insert commits) on a
 * connection of its own, outside the pool: it is held for the life of the process, and a pool
 * would count it as leaked and could hand it to anyone. A broken connection is replaced; after
 * every (re)connect the relay is woken once, for rows committed while nobody listened.
 */
@Singleton
@Requires(property = "hookline.worker.enabled", value = "true", defaultValue = "true")
final class OutboxListener {
  static final String CHANNEL = "hookline_outbox";
  private static final Logger LOG = LoggerFactory.getLogger(OutboxListener.class);
  private static final int WAIT_MILLIS = 5_000;
  // A half-open TCP connection delivers nothing and reports no error: check it when quiet.
  private static final long CHECK_AFTER_QUIET_MILLIS = 30_000;
  private static final long RECONNECT_MILLIS = 1_000;

  private final String url;
  private final Properties credentials = new Properties();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong sessions = new AtomicLong();
  private volatile Connection connection;
  private Thread thread;

  OutboxListener(@Value("${datasources.default.url}") String url,
      @Nullable @Value("${datasources.default.username:}") String user,
      @Nullable @Value("${datasources.default.password:}") String password) {
    this.url = url;
    if (user != null && !user.isEmpty()) {
      credentials.setProperty("user", user);
    }
    if (password != null && !password.isEmpty()) {
      credentials.setProperty("password", password);
    }
    credentials.setProperty("ApplicationName", "hookline-outbox-listener");
    credentials.setProperty("tcpKeepAlive", "true");
  }

  void start(Runnable wake) {
    thread = Thread.ofPlatform().name("hookline-outbox-listen").daemon()
        .start(() -> listen(wake));
  }

  void stop() throws InterruptedException {
    stopped.countDown();
    // abort, not close: close waits for the receiving thread's read to time out.
    Connection listening = connection;
    if (listening != null) {
      try {
        listening.abort(Runnable::run);
      } catch (SQLException e) {
        // stopping anyway
      }
    }
    if (thread != null) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  /** How many LISTEN sessions have begun: each is followed by one wake-up. */
  long sessions() {
    return sessions.get();
  }

  private void listen(Runnable wake) {
    while (stopped.getCount() > 0) {
      try (Connection listening = DriverManager.getConnection(url, credentials)) {
        connection = listening;
        try (Statement statement = listening.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        sessions.incrementAndGet();
        wake.run();
        receive(listening.unwrap(PGConnection.class), listening, wake);
      } catch (SQLException e) {
        if (stopped.getCount() > 0) {
          LOG.warn("Outbox LISTEN connection failed, reconnecting (polling continues): {}",
              e.getMessage());
        }
      }
      try {
        stopped.await(RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void receive(PGConnection notifications, Connection listening, Runnable wake)
      throws SQLException {
    long quietSince = System.nanoTime();
    while (stopped.getCount() > 0) {
      PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
      if (received != null && received.length > 0) {
        wake.run();
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > CHECK_AFTER_QUIET_MILLIS * 1_000_000) {
        if (!listening.isValid(5)) {
          throw new SQLException("the connection stopped answering");
        }
        quietSince = System.nanoTime();
      }
    }
  }
}
