package io.hookline.send;

import io.hookline.send.Exchange.Answered;
import io.hookline.send.Exchange.Failure;
import io.hookline.send.Exchange.Unanswered;
import io.hookline.target.TargetPolicy;
import io.micronaut.buffer.netty.NettyByteBufferFactory;
import io.micronaut.context.BeanContext;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.ByteBodyFactory;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.LoadBalancer;
import io.micronaut.http.client.RawHttpClient;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * POSTs one body with Micronaut's Netty client, never blocking a thread: connections are pooled
 * and kept alive per host, redirects are never followed, and the whole attempt (name lookup,
 * connect, request, response and body) has one deadline. Every address comes from
 * {@link PinnedResolverGroup}, so private targets are refused however they are reached.
 */
public final class PostToTarget {
  /** The name of the resolver the delivery client is configured with. */
  public static final String RESOLVER = "hookline-delivery";

  private static final Logger LOG = LoggerFactory.getLogger(PostToTarget.class);
  /** Reactor's key for a subscription-local onErrorDropped hook (Hooks.KEY_ON_ERROR_DROPPED). */
  private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";

  private static final Target.Cache<String> HOSTS = new Target.Cache<>(Target::host);

  private final RawHttpClient client;
  private final Target.Cache<Target> targets;
  private final Duration timeout;
  private final ByteBodyFactory bodies =
      ByteBodyFactory.createDefault(NettyByteBufferFactory.DEFAULT);
  // Deadlines are checked every 10 ms: the timeout is seconds long, so that is precise enough.
  private final HashedWheelTimer deadlines = new HashedWheelTimer(
      Thread.ofPlatform().daemon().name("hookline-deadlines").factory(), 10,
      TimeUnit.MILLISECONDS);

  /**
   * @param registry creates the client, configured to use the resolver bean named
   *     {@link #RESOLVER} (a {@link PinnedResolverGroup})
   * @param timeout the whole attempt's deadline
   * @param maxPerHost attempts to one host at once (connections opened in parallel per host)
   */
  public PostToTarget(HttpClientRegistry<HttpClient> registry, BeanContext context,
      TargetPolicy policy, Duration timeout, int maxPerHost) {
    this.targets = new Target.Cache<>(target -> Target.parse(target, policy));
    this.timeout = timeout;
    DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
    configuration.setAddressResolverGroupName(RESOLVER);
    configuration.setFollowRedirects(false);
    configuration.setExceptionOnErrorStatus(false);
    // The deadline below ends every attempt; these only make sure nothing outlives it.
    configuration.setConnectTimeout(timeout);
    configuration.setReadTimeout(timeout.plusSeconds(5));
    configuration.setConnectionPoolIdleTimeout(Duration.ofSeconds(30));
    configuration.getConnectionPoolConfiguration().setMaxPendingConnections(maxPerHost);
    this.client = (RawHttpClient) registry.resolveClient(null, LoadBalancer.empty(),
        configuration, context);
  }

  /**
   * POSTs the body with the headers (in their order) and reads the answer; never fails: errors
   * come back as {@link Unanswered}.
   */
  public Mono<Exchange> post(String target, Map<String, String> headers, byte[] body) {
    Target parsed = targets.get(target);
    if (parsed.unusable() != null) {
      return Mono.just(parsed.unusable());
    }
    MutableHttpRequest<?> request;
    try {
      request = HttpRequest.POST(parsed.url(), null);
      headers.forEach(request::header);
    } catch (IllegalArgumentException e) {
      return Mono.just(new Unanswered(Failure.INVALID_REQUEST,
          "invalid request: " + e.getMessage()));
    }
    Mono<Exchange> attempt =
        Mono.defer(() -> Mono.from(client.exchange(request, bodies.adapt(body), null)))
            .flatMap(PostToTarget::read)
            // A connection that breaks after its attempt was given up (timeout, shutdown)
            // reports an error nobody listens to any more; Reactor would log it at ERROR for
            // every timeout.
            .contextWrite(Context.of(ON_ERROR_DROPPED, (Consumer<Throwable>) e ->
                LOG.debug("Error after the attempt ended: {}", e.toString())));
    return withDeadline(attempt);
  }

  /**
   * The attempt, or a timeout once the deadline passes (the attempt is then cancelled, which
   * closes its connection). The deadline is a slot on a timer wheel: Reactor's own timeout
   * operator schedules on a shared executor and names itself for every attempt, which cost more
   * than the rest of the request's Reactor plumbing together.
   */
  private Mono<Exchange> withDeadline(Mono<Exchange> attempt) {
    return Mono.create(sink -> {
      Disposable.Swap running = Disposables.swap();
      Timeout deadline = deadlines.newTimeout(expired -> {
        running.dispose();
        sink.success(ConnectionFailures.describe(new TimeoutException(), timeout));
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
      sink.onDispose(() -> {
        deadline.cancel();
        running.dispose();
      });
      running.update(attempt.subscribe(sink::success,
          e -> sink.success(ConnectionFailures.describe(e, timeout))));
    });
  }

  private static Mono<Exchange> read(HttpResponse<?> response) {
    int status = response.code();
    String retryAfter = response.getHeaders().get(HttpHeaders.RETRY_AFTER);
    if (!(response instanceof ByteBodyHttpResponse<?> withBody)) {
      return Mono.just(new Answered(status, retryAfter, ""));
    }
    ResponseExcerpt excerpt = new ResponseExcerpt();
    return Flux.from(withBody.byteBody().toByteArrayPublisher())
        .takeWhile(excerpt::add)
        .then(Mono.fromSupplier(() -> new Answered(status, retryAfter, excerpt.text())));
  }

  /**
   * The host attempts are counted against: lower case, as the claim statement reads it from the
   * URL (empty for a URL without one).
   */
  public static String hostOf(String target) {
    return HOSTS.get(target);
  }

  public void close() throws java.io.IOException {
    deadlines.stop();
    client.close();
  }
}
