package io.hookline.problem;

import io.micronaut.http.HttpStatus;
import java.util.List;

/**
 * An answer other than success, raised anywhere below a controller and turned into problem+json
 * by {@link ProblemResponses}.
 */
public final class ProblemException extends RuntimeException {
  private final HttpStatus status;
  private final List<Problem.FieldError> errors;

  public ProblemException(HttpStatus status, String detail) {
    this(status, detail, null);
  }

  public ProblemException(HttpStatus status, String detail, List<Problem.FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.errors = errors;
  }

  public static ProblemException notFound(String what) {
    return new ProblemException(HttpStatus.NOT_FOUND, what + " not found");
  }

  public static ProblemException invalid(List<Problem.FieldError> errors) {
    return new ProblemException(HttpStatus.BAD_REQUEST,
        errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid", errors);
  }

  public HttpStatus status() {
    return status;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }
}
