package io.hookline.send;

import io.hookline.send.Exchange.Failure;
import io.hookline.send.Exchange.Unanswered;
import io.hookline.target.TargetPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A delivery URL as the sender reads it: the parsed URL, or why it cannot be POSTed to (invalid,
 * or a refused literal address). A worker sends to the same few URLs over and over, so each is
 * parsed and judged once ({@link Cache}).
 */
record Target(URI url, Unanswered unusable) {

  static Target parse(String target, TargetPolicy policy) {
    URI url;
    try {
      url = new URI(target);
    } catch (URISyntaxException e) {
      return new Target(null, new Unanswered(Failure.INVALID_REQUEST,
          "invalid url: " + e.getMessage()));
    }
    // java.net.URI has no host for inet_aton spellings such as 0x7f.1 or 127.1: judge what
    // the authority names, so that they are reported as refused targets, not as bad URLs.
    String host = url.getHost() != null ? url.getHost() : authorityHost(url);
    String refusal = host == null ? null : policy.refusal(host);
    if (refusal != null) {
      return new Target(null, new Unanswered(Failure.TARGET_REFUSED,
          "target refused: " + host + ": " + refusal));
    }
    if (url.getHost() == null
        || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
      return new Target(null, new Unanswered(Failure.INVALID_REQUEST, "invalid url: " + url));
    }
    return new Target(url, null);
  }

  /** Lower case, as the claim statement reads it from the URL; empty when there is none. */
  static String host(String target) {
    try {
      URI url = new URI(target);
      String host = url.getHost() != null ? url.getHost() : authorityHost(url);
      return host == null ? "" : host.toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return "";
    }
  }

  private static String authorityHost(URI url) {
    String authority = url.getRawAuthority();
    if (authority == null) {
      return null;
    }
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = host.lastIndexOf(':');
    return colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
  }

  /** Answers computed once per URL; bounded, and dropped whole when full. */
  static final class Cache<T> {
    private static final int SIZE = 4096;
    private final Map<String, T> answers = new ConcurrentHashMap<>();
    private final Function<String, T> compute;

    Cache(Function<String, T> compute) {
      this.compute = compute;
    }

    T get(String target) {
      T answer = answers.get(target);
      if (answer == null) {
        answer = compute.apply(target);
        if (answers.size() >= SIZE) {
          answers.clear();
        }
        answers.put(target, answer);
      }
      return answer;
    }
  }
}
