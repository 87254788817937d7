package io.hookline.event;

import io.swagger.v3.oas.annotations.Parameter;
import io.hookline.auth.Caller;
import io.hookline.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Events in by REST: POST /events (202 new, 200 repeat) and GET /events/{id}. */
@Controller("/events")
@ExecuteOn(TaskExecutors.BLOCKING)
final class EventController {
  private final RecordEvent recordEvent;
  private final EventEnvelopes envelopes;
  private final EventLimits limits;
  private final JsonMapper json;
  private final DataSource dataSource;

  EventController(RecordEvent recordEvent, EventEnvelopes envelopes, EventLimits limits,
      JsonMapper json, DataSource dataSource, DataSourceResolver resolver) {
    this.recordEvent = recordEvent;
    this.envelopes = envelopes;
    this.limits = limits;
    this.json = json;
    this.dataSource = resolver.resolve(dataSource);
  }

  @Post
  HttpResponse<Envelope> create(@Parameter(hidden = true) Caller caller, @Nullable @Body JsonNode body,
      @Nullable @Header(IncomingEvent.IDEMPOTENCY_KEY) String idempotencyKey) {
    IncomingEvent incoming = IncomingEvent.read(body, idempotencyKey,
        caller instanceof Caller.Admin);
    String tenant = caller.tenant(incoming.tenant());
    byte[] data;
    try {
      data = json.writeValueAsBytes(incoming.data());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!limits.fits(data.length)) {
      throw new ProblemException(HttpStatus.REQUEST_ENTITY_TOO_LARGE,
          "data " + limits.overLimit(data.length));
    }
    RecordEvent.Outcome outcome = recordEvent.record(tenant, incoming,
        new String(data, StandardCharsets.UTF_8), idempotencyKey);
    return HttpResponse.<Envelope>status(outcome.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
        .body(outcome.envelope());
  }

  @Get("/{id}")
  Envelope show(@Parameter(hidden = true) Caller caller, String id, @Nullable @QueryValue String tenant) {
    String owner = caller.tenant(tenant);
    try (Connection connection = dataSource.getConnection()) {
      return envelopes.byId(connection, owner, id).map(EventEnvelopes.Found::envelope)
          .orElseThrow(() -> ProblemException.notFound("Event"));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read an event", e);
    }
  }
}
