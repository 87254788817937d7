package io.hookline.send;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keeps the first 4 KiB of a response body and counts the rest, which is read and discarded (so
 * the connection can be reused) up to a limit, after which reading stops.
 *
 * <p>Most answers are a few bytes in one chunk: that chunk is kept as it is, and a buffer is only
 * made once a second chunk arrives (a 4 KiB buffer made for every answer was a sixth of the
 * worker's allocation in a drain).
 */
final class ResponseExcerpt {
  static final int KEEP = 4096;
  /** Beyond this the body is not worth draining: the connection is closed instead. */
  static final long DRAIN_LIMIT = 1 << 20;

  private static final byte[] NONE = new byte[0];

  private byte[] kept = NONE;
  private int length;
  private long total;

  /** Takes one chunk (which it may keep: the caller must not change it); false when to stop. */
  boolean add(byte[] chunk) {
    int n = Math.min(KEEP - length, chunk.length);
    if (n > 0) {
      if (length == 0 && n == chunk.length) {
        kept = chunk;
      } else {
        if (kept.length < length + n) {
          kept = Arrays.copyOf(kept, Math.min(KEEP, Math.max(2 * kept.length, length + n)));
        }
        System.arraycopy(chunk, 0, kept, length, n);
      }
      length += n;
    }
    total += chunk.length;
    return total <= DRAIN_LIMIT;
  }

  /**
   * The kept bytes as UTF-8 text: malformed or cut-off sequences become U+FFFD (as
   * {@link String#String(byte[], int, int, java.nio.charset.Charset)} always replaces them), and
   * NUL (which PostgreSQL text cannot hold) does too.
   */
  String text() {
    return length == 0 ? "" : new String(kept, 0, length, StandardCharsets.UTF_8)
        .replace('\0', '\uFFFD');
  }
}
