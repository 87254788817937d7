package io.hookline.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hookline.auth.Caller;
import io.hookline.delivery.DeliveryFilter;
import io.hookline.delivery.DeliveryHistory;
import io.hookline.delivery.DeliveryId;
import io.hookline.delivery.DeliveryView;
import io.hookline.problem.Problem.FieldError;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sending events again: one delivery now, or many through a background job. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class ReplayController {
  private final ReplayDelivery one;
  private final StartReplay bulk;
  private final ReplayIntoWebhook intoWebhook;
  private final ReplayJobRows jobs;
  private final DeliveryHistory history;

  ReplayController(ReplayDelivery one, StartReplay bulk, ReplayIntoWebhook intoWebhook,
      ReplayJobRows jobs, DeliveryHistory history) {
    this.one = one;
    this.bulk = bulk;
    this.intoWebhook = intoWebhook;
    this.jobs = jobs;
    this.history = history;
  }

  @Serdeable
  record ReplayOne(@Nullable Boolean retry) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record DryRun(long matched) {}

  @Post("/deliveries/{id}/replay")
  HttpResponse<DeliveryView> replayOne(Caller caller, String id, @Nullable @Body ReplayOne body)
      throws SQLException {
    long key = DeliveryId.parse(id);
    String tenant = caller.tenantOrAll(null);
    one.replay(key, tenant, body == null || body.retry() == null || body.retry());
    return HttpResponse.accepted().body(history.find(key, tenant).orElseThrow());
  }

  @Post("/replays")
  HttpResponse<?> replay(Caller caller, @Body ReplayRequest body) throws SQLException {
    boolean dryRun = Boolean.TRUE.equals(body.dryRun());
    boolean retry = body.retry() == null || body.retry();
    String jobId;
    if (body.fromEvents() != null || (body.webhook() != null && body.filter() == null)) {
      FromEventsRequest request = FromEventsRequest.parse(body);
      String tenant = intoWebhook.tenantOf(request.webhook(), caller.tenantOrAll(body.tenant()));
      if (dryRun) {
        return HttpResponse.ok(new DryRun(
            intoWebhook.count(request.webhook(), request.since(), request.until())));
      }
      jobId = intoWebhook.start(tenant, request.webhook(), request.since(), request.until(),
          request.asked(), retry);
    } else {
      ReplayRequest.Criteria criteria = body.filter() == null
          ? new ReplayRequest.Criteria(null, null, null, null, null, null, null) : body.filter();
      String named = criteria.tenant() != null ? criteria.tenant() : body.tenant();
      String tenant = caller.tenantOrAll(named);
      List<FieldError> errors = new ArrayList<>();
      DeliveryFilter filter = DeliveryFilter.parse(tenant, criteria.webhook(), criteria.status(),
          criteria.event(), criteria.eventType(), criteria.since(), criteria.until(), "filter.",
          errors);
      if (filter.tenant() == null && filter.webhook() == null) {
        errors.add(new FieldError("filter",
            "name a webhook or a tenant: a replay never spans every tenant by accident"));
      }
      if (!errors.isEmpty()) {
        throw ProblemException.invalid(errors);
      }
      if (dryRun) {
        return HttpResponse.ok(new DryRun(bulk.count(filter)));
      }
      jobId = bulk.start(filter, new ReplayRequest.Filter(filter.webhook(), criteria.status(),
          filter.event(), filter.eventType(), criteria.since(), criteria.until(), filter.tenant(),
          null), retry);
    }
    ReplayJob job = jobs.find(jobId, null).orElseThrow();
    return HttpResponse.accepted(URI.create("/replays/" + jobId)).body(job);
  }

  @Get("/replays/{id}")
  ReplayJob progress(Caller caller, String id) throws SQLException {
    return jobs.find(id, caller.tenantOrAll(null))
        .orElseThrow(() -> ProblemException.notFound("Replay"));
  }

  /** A validated {@code {"webhook", "fromEvents": {"since", "until"}}}. */
  private record FromEventsRequest(String webhook, Instant since, @Nullable Instant until,
      ReplayRequest.Filter asked) {

    static FromEventsRequest parse(ReplayRequest body) {
      List<FieldError> errors = new ArrayList<>();
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
      return new FromEventsRequest(webhook, since, until, new ReplayRequest.Filter(webhook, null,
          null, null, null, null, null, window));
    }
  }
}
