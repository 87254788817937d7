package io.hookline.send;

import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first 4 KiB of a response body and counts the rest, which is read and discarded (so
 * the connection can be reused) up to a limit, after which reading stops.
 */
final class ResponseExcerpt {
  static final int KEEP = 4096;
  /** Beyond this the body is not worth draining: the connection is closed instead. */
  static final long DRAIN_LIMIT = 1 << 20;

  private final byte[] kept = new byte[KEEP];
  private int length;
  private long total;

  /** Takes one chunk; false when reading should stop. */
  boolean add(byte[] chunk) {
    int room = KEEP - length;
    if (room > 0) {
      int n = Math.min(room, chunk.length);
      System.arraycopy(chunk, 0, kept, length, n);
      length += n;
    }
    total += chunk.length;
    return total <= DRAIN_LIMIT;
  }

  /**
   * The kept bytes as UTF-8 text: malformed or cut-off sequences become U+FFFD, and NUL (which
   * PostgreSQL text cannot hold) does too.
   */
  String text() {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      return decoder.decode(ByteBuffer.wrap(kept, 0, length)).toString().replace('\0', '\uFFFD');
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("REPLACE never throws", e);
    }
  }
}
