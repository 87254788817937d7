package io.hookline.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on one channel on a connection of its own, outside the pool: it is held for the life
 * of the process, and a pool would count it as leaked and could hand it to anyone. A broken
 * connection is replaced; after every (re)connect the listener wakes its owner once, for commits
 * made while nobody listened. Subclasses are the beans, one per channel.
 */
public class ChannelListener {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelListener.class);
  private static final int WAIT_MILLIS = 5_000;
  // A half-open TCP connection delivers nothing and reports no error: check it when quiet.
  private static final long CHECK_AFTER_QUIET_MILLIS = 30_000;
  private static final long RECONNECT_MILLIS = 1_000;

  private final String channel;
  private final String url;
  private final String name;
  private final Properties credentials = new Properties();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong sessions = new AtomicLong();
  private volatile Connection connection;
  private Thread thread;

  /**
   * @param channel the NOTIFY channel (a plain identifier)
   * @param name the connection's application_name, and its thread's name
   */
  protected ChannelListener(String channel, String name, String url, String user,
      String password) {
    this.channel = channel;
    this.url = url;
    if (user != null && !user.isEmpty()) {
      credentials.setProperty("user", user);
    }
    if (password != null && !password.isEmpty()) {
      credentials.setProperty("password", password);
    }
    credentials.setProperty("ApplicationName", name);
    this.name = name;
    credentials.setProperty("tcpKeepAlive", "true");
  }

  /** Listens from now on; wake runs on every NOTIFY received and after every (re)connect. */
  public void start(Runnable wake) {
    startReading(payloads -> wake.run());
  }

  /**
   * As {@link #start}, with the payloads of the notifications received; after a (re)connect
   * with one empty payload (whatever was notified meanwhile is unknown).
   */
  public void startReading(Consumer<List<String>> wake) {
    thread = Thread.ofPlatform().name(name).daemon()
        .start(() -> listen(wake));
  }

  public void stop() throws InterruptedException {
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
  public long sessions() {
    return sessions.get();
  }

  private void listen(Consumer<List<String>> wake) {
    while (stopped.getCount() > 0) {
      try (Connection listening = DriverManager.getConnection(url, credentials)) {
        connection = listening;
        try (Statement statement = listening.createStatement()) {
          statement.execute("LISTEN " + channel);
        }
        sessions.incrementAndGet();
        wake.accept(List.of(""));
        receive(listening.unwrap(PGConnection.class), listening, wake);
      } catch (SQLException e) {
        if (stopped.getCount() > 0) {
          LOG.warn("LISTEN {} connection failed, reconnecting (polling continues): {}",
              channel, e.getMessage());
        }
      }
      try {
        stopped.await(RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void receive(PGConnection notifications, Connection listening,
      Consumer<List<String>> wake)
      throws SQLException {
    long quietSince = System.nanoTime();
    while (stopped.getCount() > 0) {
      PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
      if (received != null && received.length > 0) {
        List<String> payloads = new ArrayList<>(received.length);
        for (PGNotification notification : received) {
          payloads.add(notification.getParameter());
        }
        wake.accept(payloads);
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
