package io.hookline.send;

import io.hookline.send.Exchange.Failure;
import io.hookline.send.Exchange.Unanswered;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.client.exceptions.ResponseClosedException;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Turns whatever the HTTP client threw into one line an operator can read. */
final class ConnectionFailures {
  private ConnectionFailures() {}

  static Unanswered describe(Throwable thrown, Duration timeout) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Unanswered known = known(t, timeout);
      if (known != null) {
        return known;
      }
    }
    Throwable root = thrown;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new Unanswered(Failure.CONNECTION,
        "connection failed: " + root.getClass().getSimpleName() + message(root));
  }

  private static Unanswered known(Throwable t, Duration timeout) {
    return switch (t) {
      case TargetRefused e -> new Unanswered(Failure.TARGET_REFUSED,
          "target refused: " + e.getMessage());
      case TimeoutException e -> timeout("no response within " + human(timeout));
      case ReadTimeoutException e -> timeout("no response within " + human(timeout));
      case io.netty.handler.timeout.ReadTimeoutException e ->
          timeout("no response within " + human(timeout));
      case ConnectTimeoutException e -> timeout("no connection within " + human(timeout));
      case UnknownHostException e -> new Unanswered(Failure.DNS,
          "dns: no such host:" + message(e));
      case NoRouteToHostException e -> connection("no route to host");
      case ConnectException e -> connection("connection refused");
      case SSLException e -> connection("tls: " + e.getMessage());
      case ResponseClosedException e -> connection("connection closed before a response");
      case ClosedChannelException e -> connection("connection closed before a response");
      case IOException e when e.getMessage() != null
          && e.getMessage().toLowerCase().contains("reset") -> connection("connection reset");
      default -> null;
    };
  }

  private static Unanswered timeout(String what) {
    return new Unanswered(Failure.TIMEOUT, "timeout: " + what);
  }

  private static Unanswered connection(String what) {
    return new Unanswered(Failure.CONNECTION, what);
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? "" : " " + t.getMessage();
  }

  /** 60s, 1m30s, 500ms. */
  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    return s >= 60 && s % 60 != 0 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }
}
