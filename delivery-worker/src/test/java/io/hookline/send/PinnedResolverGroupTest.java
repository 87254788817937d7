package io.hookline.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookline.target.TargetPolicy;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PinnedResolverGroupTest {
  private final AtomicInteger lookups = new AtomicInteger();

  private PinnedResolverGroup group(boolean allowPrivate, Map<String, List<String>> dns) {
    return new PinnedResolverGroup(new TargetPolicy(allowPrivate, List.of()), host -> {
      lookups.incrementAndGet();
      List<String> answers = dns.get(host);
      if (answers == null) {
        throw new UnknownHostException(host);
      }
      InetAddress[] addresses = new InetAddress[answers.size()];
      for (int i = 0; i < addresses.length; i++) {
        addresses[i] = InetAddress.getByName(answers.get(i));
      }
      return addresses;
    }, Runnable::run);
  }

  private static InetSocketAddress resolve(PinnedResolverGroup group, InetSocketAddress target)
      throws Exception {
    AddressResolver<InetSocketAddress> resolver =
        group.getResolver(ImmediateEventExecutor.INSTANCE);
    assertThat(resolver.isResolved(target)).isFalse();
    try {
      return resolver.resolve(target).get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void connectsToTheAddressItChecked() throws Exception {
    PinnedResolverGroup group = group(false, Map.of("hooks.example", List.of("93.184.216.34")));

    InetSocketAddress target = resolve(group, InetSocketAddress.createUnresolved("hooks.example",
        443));

    assertThat(target.isUnresolved()).isFalse();
    assertThat(target.getAddress().getHostAddress()).isEqualTo("93.184.216.34");
    assertThat(target.getPort()).isEqualTo(443);
    assertThat(lookups).hasValue(1);
  }

  @Test
  void anyPrivateAnswerRefusesTheHost() {
    PinnedResolverGroup group = group(false, Map.of("rebind.example",
        List.of("93.184.216.34", "169.254.169.254")));

    assertThatThrownBy(() -> resolve(group,
        InetSocketAddress.createUnresolved("rebind.example", 80)))
        .isInstanceOf(TargetRefused.class).hasMessageContaining("rebind.example")
        .hasMessageContaining("169.254.169.254");
  }

  @Test
  void alreadyResolvedAddressesAreJudgedToo() throws Exception {
    assertThatThrownBy(() -> resolve(group(false, Map.of()),
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80)))
        .isInstanceOf(TargetRefused.class);
    assertThat(resolve(group(true, Map.of()),
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80)).getPort()).isEqualTo(80);
    assertThat(lookups).hasValue(0);
  }

  @Test
  void unknownHostsFailAsSuch() {
    assertThatThrownBy(() -> resolve(group(false, Map.of()),
        InetSocketAddress.createUnresolved("nothing.invalid", 80)))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void privateAnswersPassWhenAllowed() throws Exception {
    PinnedResolverGroup group = group(true, Map.of("localhost", List.of("127.0.0.1", "::1")));
    assertThat(resolve(group, InetSocketAddress.createUnresolved("localhost", 8080))
        .getAddress().isLoopbackAddress()).isTrue();
  }
}
