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
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private final RawHttpClient client;
  private final TargetPolicy policy;
  private final Duration timeout;
  private final ByteBodyFactory bodies =
      ByteBodyFactory.createDefault(NettyByteBufferFactory.DEFAULT);

  /**
   * @param registry creates the client, configured to use the resolver bean named
   *     {@link #RESOLVER} (a {@link PinnedResolverGroup})
   * @param timeout the whole attempt's deadline
   * @param maxPerHost attempts to one host at once (connections opened in parallel per host)
   */
  public PostToTarget(HttpClientRegistry<HttpClient> registry, BeanContext context,
      TargetPolicy policy, Duration timeout, int maxPerHost) {
    this.policy = policy;
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
    URI url;
    try {
      url = new URI(target);
    } catch (java.net.URISyntaxException e) {
      return Mono.just(new Unanswered(Failure.INVALID_REQUEST, "invalid url: " + e.getMessage()));
    }
    // java.net.URI has no host for inet_aton spellings such as 0x7f.1 or 127.1: judge what
    // the authority names, so that they are reported as refused targets, not as bad URLs.
    String host = url.getHost() != null ? url.getHost() : authorityHost(url);
    String refusal = host == null ? null : policy.refusal(host);
    if (refusal != null) {
      return Mono.just(new Unanswered(Failure.TARGET_REFUSED,
          "target refused: " + host + ": " + refusal));
    }
    if (url.getHost() == null
        || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
      return Mono.just(new Unanswered(Failure.INVALID_REQUEST, "invalid url: " + url));
    }
    MutableHttpRequest<?> request;
    try {
      request = HttpRequest.POST(url, null);
      headers.forEach(request::header);
    } catch (IllegalArgumentException e) {
      return Mono.just(new Unanswered(Failure.INVALID_REQUEST,
          "invalid request: " + e.getMessage()));
    }
    return Mono.defer(() -> Mono.from(client.exchange(request, bodies.adapt(body), null)))
        .flatMap(PostToTarget::read)
        .timeout(timeout)
        .onErrorResume(e -> Mono.just(ConnectionFailures.describe(e, timeout)))
        // A connection that breaks after its attempt was given up (timeout, shutdown) reports an
        // error nobody listens to any more; Reactor would log it at ERROR for every timeout.
        .contextWrite(Context.of(ON_ERROR_DROPPED, (Consumer<Throwable>) e ->
            LOG.debug("Error after the attempt ended: {}", e.toString())));
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

  private static String authorityHost(URI url) {
    String authority = url.getRawAuthority();
    if (authority == null) {
      return null;
    }
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = host.lastIndexOf(':');
    return colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
  }

  /**
   * The host attempts are counted against: lower case, as the claim statement reads it from the
   * URL (empty for a URL without one).
   */
  public static String hostOf(String target) {
    try {
      URI url = new URI(target);
      String host = url.getHost() != null ? url.getHost() : authorityHost(url);
      return host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
    } catch (java.net.URISyntaxException e) {
      return "";
    }
  }

  public void close() throws java.io.IOException {
    client.close();
  }
}
