package io.hookline.replay;

import io.swagger.v3.oas.annotations.Parameter;
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
import io.micronaut.json.tree.JsonNode;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import java.net.URI;
import java.sql.SQLException;
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
  record ReplayOne(@Nullable JsonNode retry) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record DryRun(long matched) {}

  @Post("/deliveries/{id}/replay")
  HttpResponse<DeliveryView> replayOne(@Parameter(hidden = true) Caller caller, String id, @Nullable @Body ReplayOne body)
      throws SQLException {
    long key = DeliveryId.parse(id);
    String tenant = caller.tenantOrAll(null);
    List<FieldError> errors = new ArrayList<>();
    boolean retry = ReplayRequest.flag(body == null ? null : body.retry(), "retry", true, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    one.replay(key, tenant, retry);
    return HttpResponse.accepted().body(history.find(key, tenant).orElseThrow());
  }

  @Post("/replays")
  HttpResponse<?> replay(@Parameter(hidden = true) Caller caller, @Body ReplayRequest body) throws SQLException {
    List<FieldError> errors = new ArrayList<>();
    boolean dryRun = ReplayRequest.flag(body.dryRun(), "dryRun", false, errors);
    boolean retry = ReplayRequest.flag(body.retry(), "retry", true, errors);
    if (body.fromEvents() != null || (body.webhook() != null && body.filter() == null)) {
      return intoWebhook(caller, body, dryRun, retry, errors);
    }
    ReplayRequest.Criteria criteria = body.filter() == null
        ? new ReplayRequest.Criteria(null, null, null, null, null, null, null) : body.filter();
    String tenant = caller.tenantOrAll(criteria.tenant() != null ? criteria.tenant()
        : body.tenant());
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
    return started(bulk.start(filter, new ReplayRequest.Filter(filter.webhook(),
        criteria.status(), filter.event(), filter.eventType(), criteria.since(), criteria.until(),
        filter.tenant(), null), retry));
  }

  private HttpResponse<?> intoWebhook(Caller caller, ReplayRequest body, boolean dryRun,
      boolean retry, List<FieldError> errors) throws SQLException {
    ReplayWindow window = ReplayWindow.parse(body, errors);
    String tenant = intoWebhook.tenantOf(window.webhook(), caller.tenantOrAll(body.tenant()));
    if (dryRun) {
      return HttpResponse.ok(new DryRun(
          intoWebhook.count(window.webhook(), window.since(), window.until())));
    }
    return started(intoWebhook.start(tenant, window.webhook(), window.since(), window.until(),
        window.asked(), retry));
  }

  private HttpResponse<ReplayJob> started(String jobId) throws SQLException {
    return HttpResponse.accepted(URI.create("/replays/" + jobId))
        .body(jobs.find(jobId, null).orElseThrow());
  }

  @Get("/replays/{id}")
  ReplayJob progress(@Parameter(hidden = true) Caller caller, String id) throws SQLException {
    String tenant = caller.tenantOrAll(null);
    if (!DeliveryFilter.plausible(id)) {
      throw ProblemException.notFound("Replay");
    }
    return jobs.find(id, tenant).orElseThrow(() -> ProblemException.notFound("Replay"));
  }
}
