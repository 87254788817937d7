package io.hookline.replay;

import io.hookline.delivery.DeliveryFilter;
import io.hookline.problem.Problem.FieldError;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * A validated {@code {"webhook", "fromEvents": {"since", "until"}}}: the webhook to send past
 * events to, and which events (created from {@code since}, before {@code until} when given).
 */
record ReplayWindow(String webhook, Instant since, @Nullable Instant until,
    ReplayRequest.Filter asked) {

  /** Reads the request, adding to the errors found so far; throws 400 naming them all. */
  static ReplayWindow parse(ReplayRequest body, List<FieldError> errors) {
    if (body.filter() != null) {
      errors.add(new FieldError("filter", "give either filter or webhook with fromEvents"));
    }
    if (body.webhook() == null || body.webhook().isBlank()) {
      errors.add(new FieldError("webhook", "is required with fromEvents"));
    }
    ReplayRequest.FromEvents window = body.fromEvents();
    Instant since = null;
    Instant until = null;
    if (window == null || window.since() == null || window.since().isBlank()) {
      errors.add(new FieldError("fromEvents.since",
          "is required: events created since when should be sent"));
    } else {
      since = DeliveryFilter.instant(window.since(), "fromEvents.since", errors);
      until = DeliveryFilter.instant(window.until(), "fromEvents.until", errors);
      if (since != null && until != null && !since.isBefore(until)) {
        errors.add(new FieldError("fromEvents.until", "must be later than since"));
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    String webhook = body.webhook().strip();
    return new ReplayWindow(webhook, since, until,
        new ReplayRequest.Filter(webhook, null, null, null, null, null, null, window));
  }
}
