package io.hookline.send;

import io.hookline.target.TargetPolicy;
import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The delivery client's only way from a host name to an address. It resolves the name (off the
 * event loop), refuses the connection when ANY of the answers is refused by TargetPolicy, and
 * hands Netty the checked address itself: Netty connects to exactly what this returns, so
 * nothing resolves the name a second time and a DNS answer that changes between check and
 * connect (rebinding) cannot lead anywhere unchecked. The URL keeps the host name, so the Host
 * header, TLS SNI and certificate checks are those of the name.
 */
public final class PinnedResolverGroup extends AddressResolverGroup<InetSocketAddress> {
  private final TargetPolicy policy;
  private final Lookup lookup;
  private final Executor executor;

  /** A name service; the JDK's by default, a fixed table in tests. */
  @FunctionalInterface
  public interface Lookup {
    InetAddress[] all(String host) throws UnknownHostException;
  }

  /**
   * @param executor where blocking lookups run (never a Netty event loop)
   */
  public PinnedResolverGroup(TargetPolicy policy, Lookup lookup, Executor executor) {
    this.policy = policy;
    this.lookup = lookup;
    this.executor = executor;
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor eventLoop) {
    return new Resolver(eventLoop);
  }

  /** The checked address to connect to, or TargetRefused / UnknownHostException. */
  public InetSocketAddress checked(InetSocketAddress target)
      throws UnknownHostException, TargetRefused {
    String host = target.getHostString();
    InetAddress[] answers = target.isUnresolved() ? lookup.all(host)
        : new InetAddress[] {target.getAddress()};
    if (answers.length == 0) {
      throw new UnknownHostException(host);
    }
    for (InetAddress answer : answers) {
      String refusal = policy.refusal(answer);
      if (refusal != null) {
        throw new TargetRefused(host, refusal);
      }
    }
    return new InetSocketAddress(answers[0], target.getPort());
  }

  private final class Resolver extends AbstractAddressResolver<InetSocketAddress> {
    Resolver(EventExecutor eventLoop) {
      super(eventLoop, InetSocketAddress.class);
    }

    /** Never "already resolved": even an IP literal goes through the policy. */
    @Override
    protected boolean doIsResolved(InetSocketAddress address) {
      return false;
    }

    @Override
    protected void doResolve(InetSocketAddress target, Promise<InetSocketAddress> promise) {
      run(promise, () -> checked(target));
    }

    @Override
    protected void doResolveAll(InetSocketAddress target,
        Promise<List<InetSocketAddress>> promise) {
      run(promise, () -> Arrays.asList(checked(target)));
    }

    private <T> void run(Promise<T> promise, Answer<T> answer) {
      try {
        executor.execute(() -> {
          try {
            promise.trySuccess(answer.get());
          } catch (Exception | Error e) {
            promise.tryFailure(e);
          }
        });
      } catch (RuntimeException rejected) {
        promise.tryFailure(rejected);
      }
    }
  }

  private interface Answer<T> {
    T get() throws Exception;
  }
}
