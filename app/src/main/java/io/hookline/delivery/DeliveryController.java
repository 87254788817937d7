package io.hookline.delivery;

import io.swagger.v3.oas.annotations.Parameter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.hookline.auth.Caller;
import io.hookline.problem.Problem.FieldError;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Looking back: deliveries with their attempts, by filter, by id and by event. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class DeliveryController {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final DeliveryHistory history;

  DeliveryController(DeliveryHistory history) {
    this.history = history;
  }

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Page(List<DeliveryView> items, @Nullable String next) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Items(List<DeliveryView> items) {}

  @Get("/deliveries")
  Page list(@Parameter(hidden = true) Caller caller, @Nullable @QueryValue String tenant,
      @Nullable @QueryValue String webhook, @Nullable @QueryValue String status,
      @Nullable @QueryValue String event, @Nullable @QueryValue String eventType,
      @Nullable @QueryValue String since, @Nullable @QueryValue String until,
      @Nullable @QueryValue String cursor, @Nullable @QueryValue String limit,
      @Nullable @QueryValue String attempts) throws SQLException {
    String scope = caller.tenantOrAll(tenant);
    List<FieldError> errors = new ArrayList<>();
    DeliveryFilter filter = DeliveryFilter.parse(scope, webhook, status, event, eventType, since,
        until, "", errors);
    Long before = PageCursor.parse(cursor, errors);
    int size = limit(limit, errors);
    boolean withAttempts = flag(attempts, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    // One row more than asked tells whether there is a next page.
    List<DeliveryView> rows = history.page(filter, before, size + 1, withAttempts);
    if (rows.size() <= size) {
      return new Page(rows, null);
    }
    List<DeliveryView> page = rows.subList(0, size);
    return new Page(page, PageCursor.after(DeliveryId.parse(page.get(size - 1).id())));
  }

  @Get("/deliveries/{id}")
  DeliveryView show(@Parameter(hidden = true) Caller caller, String id) throws SQLException {
    return history.find(DeliveryId.parse(id), caller.tenantOrAll(null))
        .orElseThrow(() -> ProblemException.notFound("Delivery"));
  }

  @Get("/events/{id}/deliveries")
  Items ofEvent(@Parameter(hidden = true) Caller caller, String id, @Nullable @QueryValue String tenant)
      throws SQLException {
    String scope = caller.tenant(tenant);
    if (!DeliveryFilter.plausible(id) || !DeliveryFilter.plausible(scope)) {
      throw ProblemException.notFound("Event");
    }
    return new Items(history.ofEvent(scope, id)
        .orElseThrow(() -> ProblemException.notFound("Event")));
  }

  private static int limit(@Nullable String limit, List<FieldError> errors) {
    if (limit == null || limit.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int value = Integer.parseInt(limit.strip());
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT));
    return DEFAULT_LIMIT;
  }

  private static boolean flag(@Nullable String value, List<FieldError> errors) {
    if (value == null || value.isBlank() || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    errors.add(new FieldError("attempts", "must be true or false"));
    return false;
  }
}
