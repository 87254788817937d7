package io.hookline.delivery;

import io.hookline.retry.RetrySchedule;
import io.hookline.send.PinnedResolverGroup;
import io.hookline.send.PostToTarget;
import io.hookline.target.TargetPolicy;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.netty.resolver.AddressResolverGroup;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Wires the sending pieces from the settings. */
@Factory
final class Sending {
  /** Parallel name lookups; a slow DNS server ties up one of these, never an event loop. */
  private static final int LOOKUP_THREADS = 64;

  @Singleton
  @Named(PostToTarget.RESOLVER)
  AddressResolverGroup<InetSocketAddress> resolver(TargetPolicy policy) {
    ThreadPoolExecutor lookups = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS,
        30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Thread.ofPlatform().daemon().name("hookline-dns-", 0).factory());
    lookups.allowCoreThreadTimeOut(true);
    return new PinnedResolverGroup(policy, InetAddress::getAllByName, lookups);
  }

  @Singleton
  @Bean(preDestroy = "close")
  PostToTarget post(HttpClientRegistry<HttpClient> registry, BeanContext context,
      TargetPolicy policy, DeliverySettings settings) {
    return new PostToTarget(registry, context, policy, settings.timeout(),
        settings.maxPerHost());
  }

  @Singleton
  Classification classification(DeliverySettings settings) {
    return new Classification(new RetrySchedule(settings.retrySchedule(),
        settings.retryJitter(), settings.maxRetryAfter()));
  }
}
