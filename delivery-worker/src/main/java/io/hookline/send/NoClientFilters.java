package io.hookline.send;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.filter.ClientFilterResolutionContext;
import io.micronaut.http.client.filter.DefaultHttpClientFilterResolver;
import io.micronaut.http.filter.GenericHttpFilter;
import io.micronaut.http.filter.HttpClientFilterResolver;
import io.micronaut.http.filter.HttpFilterResolver;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Hookline's one HTTP client is the delivery sender ({@link PostToTarget}), and no client filter
 * belongs on it: each attempt's request is exactly what the webhook contract says. The filters on
 * the classpath are Micronaut's metrics filter, whose timer Hookline does without (attempts are
 * timed by hookline.delivery.attempt.duration), and Micronaut's own filter resolution matched
 * every attempt's URL path against that filter's pattern even so: 5.6 % of the worker's CPU in a
 * drain (JFR). Server filters are not affected.
 */
@Singleton
@Replaces(DefaultHttpClientFilterResolver.class)
final class NoClientFilters implements HttpClientFilterResolver<ClientFilterResolutionContext> {

  @Override
  public List<HttpFilterResolver.FilterEntry> resolveFilterEntries(
      ClientFilterResolutionContext context) {
    return List.of();
  }

  @Override
  public List<GenericHttpFilter> resolveFilters(HttpRequest<?> request,
      List<HttpFilterResolver.FilterEntry> filterEntries) {
    return List.of();
  }
}
