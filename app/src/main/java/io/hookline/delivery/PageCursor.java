package io.hookline.delivery;

import io.hookline.problem.Problem.FieldError;
import io.micronaut.core.annotation.Nullable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The opaque {@code next} of a delivery listing: the last delivery key of a page, base64url. The
 * next page is everything older, so rows written meanwhile never shift a page.
 */
final class PageCursor {
  private static final String MARK = "after:";

  private PageCursor() {}

  static String after(long id) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((MARK + id).getBytes(StandardCharsets.US_ASCII));
  }

  /** The key a cursor stands for; null when absent, and an error when it is not one of ours. */
  @Nullable
  static Long parse(@Nullable String cursor, List<FieldError> errors) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (text.startsWith(MARK)) {
        long id = Long.parseLong(text.substring(MARK.length()));
        if (id > 0) {
          return id;
        }
      }
    } catch (IllegalArgumentException e) {
      // not base64, or not a number: reported below
    }
    errors.add(new FieldError("cursor", "is not a cursor this API gave out"));
    return null;
  }
}
