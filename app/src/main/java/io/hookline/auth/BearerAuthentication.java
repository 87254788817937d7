package io.hookline.auth;

import io.hookline.problem.Problem;
import io.hookline.problem.ProblemResponses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Optional;
import java.util.Set;

/**
 * Every call but /health, /metrics and the OpenAPI document needs {@code Authorization: Bearer}
 * with the admin token or a live API key; anything else answers 401 before a controller runs.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class BearerAuthentication {
  static final String CALLER = "hookline.caller";
  private static final Set<String> OPEN = Set.of("/health", "/metrics");

  private final Credentials credentials;

  BearerAuthentication(Credentials credentials) {
    this.credentials = credentials;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Nullable
  public HttpResponse<Problem> authenticate(HttpRequest<?> request) {
    String path = request.getPath();
    if (OPEN.contains(path) || path.startsWith("/openapi") || path.startsWith("/swagger")) {
      return null;
    }
    Optional<Caller> caller = request.getHeaders().getAuthorization()
        .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(value -> value.substring(7).strip())
        .flatMap(credentials::identify);
    if (caller.isEmpty()) {
      Problem problem = new Problem(ProblemResponses.typeOf(HttpStatus.UNAUTHORIZED),
          HttpStatus.UNAUTHORIZED.getReason(), 401,
          "Send a valid API key or the admin token as Authorization: Bearer <key>", null);
      return HttpResponse.<Problem>status(HttpStatus.UNAUTHORIZED).body(problem)
          .contentType(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    request.setAttribute(CALLER, caller.get());
    return null;
  }
}
