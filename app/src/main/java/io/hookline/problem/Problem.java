package io.hookline.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** An RFC 9457 problem: the body of every 4xx and 5xx answer. */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, @Nullable String detail,
    @Nullable List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** One bad field of a request: {@code field} is a path such as {@code webHookParameters[0].url}. */
  @Serdeable
  public record FieldError(String field, String message) {}
}
