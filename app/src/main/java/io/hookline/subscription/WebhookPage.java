package io.hookline.subscription;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hookline.subscription.WebhookResource.Link;
import io.micronaut.core.annotation.Nullable;
import io.hookline.problem.Problem.FieldError;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.function.LongFunction;

/**
 * One page of a listing in Shoprenter's shape. Pages count from 0; {@code first} and
 * {@code last} are always links (page 0 when the list is empty), {@code previous} and
 * {@code next} are null at the ends.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
record WebhookPage(
    String href,
    long offset,
    int limit,
    long pageCount,
    Link first,
    @Nullable Link previous,
    @Nullable Link next,
    Link last,
    List<WebhookResource> items) {

  /** {@code pageHref} answers the URL of a page number. */
  static WebhookPage of(long page, int limit, long total, LongFunction<String> pageHref,
      List<WebhookResource> items) {
    long pageCount = (total + limit - 1) / limit;
    long lastPage = Math.max(pageCount - 1, 0);
    Link previous = page > 0 ? new Link(pageHref.apply(Math.min(page - 1, lastPage))) : null;
    Link next = page < lastPage ? new Link(pageHref.apply(page + 1)) : null;
    return new WebhookPage(pageHref.apply(page), page * limit, limit, pageCount,
        new Link(pageHref.apply(0)), previous, next, new Link(pageHref.apply(lastPage)), items);
  }

  /** A paging query parameter: absent is the fallback, anything but min..max a complaint. */
  static long parameter(@Nullable String text, String name, long fallback, long min,
      long max, List<FieldError> errors) {
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // complained about below
    }
    errors.add(new FieldError(name, "must be a whole number from " + min + " to " + max));
    return fallback;
  }
}
