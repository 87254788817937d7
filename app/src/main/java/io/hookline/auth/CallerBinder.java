package io.hookline.auth;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Lets controllers take the authenticated {@link Caller} as a parameter. */
@Singleton
final class CallerBinder implements TypedRequestArgumentBinder<Caller> {

  @Override
  public Argument<Caller> argumentType() {
    return Argument.of(Caller.class);
  }

  @Override
  public BindingResult<Caller> bind(ArgumentConversionContext<Caller> context,
      HttpRequest<?> source) {
    Optional<Caller> caller = source.getAttribute(BearerAuthentication.CALLER, Caller.class);
    return () -> caller;
  }
}
