package io.hookline.send;

/** What one POST came to, before anyone decides what it means for the delivery. */
public sealed interface Exchange {

  /**
   * The receiver answered.
   *
   * @param retryAfter the Retry-After header, or null
   * @param excerpt the first 4 KiB of the response body as text
   */
  record Answered(int status, String retryAfter, String excerpt) implements Exchange {}

  /**
   * No answer: the error says what happened, e.g. "timeout: no response within 60s".
   */
  record Unanswered(Failure failure, String error) implements Exchange {}

  /** Why there was no answer. */
  enum Failure {
    /** No complete answer within the attempt's time. */
    TIMEOUT,
    /** Refused, reset or broken connection, TLS failure. */
    CONNECTION,
    /** The host name does not resolve. */
    DNS,
    /** The host is, or resolves to, an address deliveries may not reach. */
    TARGET_REFUSED,
    /** No request can be made of this URL or these headers. */
    INVALID_REQUEST
  }
}
