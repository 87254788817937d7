package io.hookline.problem;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The one place where errors become answers: Micronaut's own (unknown route, wrong method,
 * unreadable JSON, body too large) and Hookline's {@link ProblemException}s all leave as
 * problem+json, with no stack trace or exception text that was not meant for the caller.
 */
@Singleton
@Primary
public final class ProblemResponses implements ErrorResponseProcessor<Problem> {

  @Override
  public MutableHttpResponse<Problem> processResponse(ErrorContext context,
      MutableHttpResponse<?> response) {
    HttpStatus status = response.getStatus();
    if (status == HttpStatus.INTERNAL_SERVER_ERROR && databaseUnavailable(context)) {
      return body(response.header("Retry-After", "5"), HttpStatus.SERVICE_UNAVAILABLE,
          "The database is unavailable; try again shortly", null,
          context.getRequest().getMethod());
    }
    if (status == HttpStatus.INTERNAL_SERVER_ERROR && sqlState(context, "22")) {
      return body(response, HttpStatus.BAD_REQUEST, "The request holds a value PostgreSQL cannot"
          + " store or compare, such as a NUL character", null, context.getRequest().getMethod());
    }
    String detail = switch (status) {
      case NOT_FOUND -> "No such resource: " + context.getRequest().getPath();
      case METHOD_NOT_ALLOWED -> context.getRequest().getMethod() + " is not allowed here";
      case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json";
      case REQUEST_ENTITY_TOO_LARGE -> "The request is too large (its body or its headers)";
      case BAD_REQUEST -> readableBadRequest(context);
      case INTERNAL_SERVER_ERROR -> "Something went wrong on our side; it has been logged";
      default -> status.getReason();
    };
    List<Problem.FieldError> errors = status == HttpStatus.BAD_REQUEST
        ? context.getErrors().stream()
            .filter(e -> e.getPath().isPresent())
            .map(e -> new Problem.FieldError(e.getPath().get(), e.getMessage()))
            .toList()
        : null;
    return body(response, status, detail, errors == null || errors.isEmpty() ? null : errors,
        context.getRequest().getMethod());
  }

  /**
   * A lost or refused database connection (SQLSTATE class 08, an administrator shutdown 57P01,
   * or the pool's wait running out) is the database being away, not a bug: 503, retry later.
   */
  static boolean databaseUnavailable(ErrorContext context) {
    for (Throwable t = context.getRootCause().orElse(null); t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sqlState(context, "08") || sqlState(context, "57P");
  }

  /** Whether an SQLException in the cause chain has a SQLSTATE starting with the prefix. */
  private static boolean sqlState(ErrorContext context, String prefix) {
    for (Throwable t = context.getRootCause().orElse(null); t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && sql.getSQLState().startsWith(prefix)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Messages Micronaut writes for unreadable bodies can quote parser internals; keep them short. */
  private static String readableBadRequest(ErrorContext context) {
    if (context.getRootCause().isPresent()
        && context.getRootCause().get().getClass().getName().contains("Json")) {
      return "The body is not valid JSON";
    }
    return context.getErrors().isEmpty() ? "Bad request" : context.getErrors().get(0).getMessage();
  }

  static MutableHttpResponse<Problem> body(MutableHttpResponse<?> response, HttpStatus status,
      String detail, List<Problem.FieldError> errors, HttpMethod method) {
    Problem problem = new Problem(typeOf(status), status.getReason(), status.getCode(), detail,
        errors);
    MutableHttpResponse<Problem> answer = response.status(status).body(problem);
    if (method == HttpMethod.HEAD) {
      return answer.body(null);
    }
    return answer.contentType(Problem.MEDIA_TYPE);
  }

  public static String typeOf(HttpStatus status) {
    return "https://hookline.dev/problems/" + status.name().toLowerCase().replace('_', '-');
  }

  /** Hookline's own problems. */
  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static final class Handler implements ExceptionHandler<ProblemException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, ProblemException exception) {
      return body(HttpResponse.status(exception.status()), exception.status(),
          exception.getMessage(), exception.errors(), request.getMethod());
    }
  }
}
