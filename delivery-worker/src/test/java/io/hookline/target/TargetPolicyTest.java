package io.hookline.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TargetPolicyTest {
  private final TargetPolicy strict = new TargetPolicy(false, List.of());

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "[::1]", "::1", "10.1.2.3", "169.254.169.254", "0.0.0.0",
      "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]",
      "192.168.1.1", "172.16.0.1", "100.64.0.1", "[fe80::1]", "[fd00::1]", "[::]", "224.0.0.1",
      "255.255.255.255", "[64:ff9b::a00:1]", "[2002:7f00:1::]", "[::127.0.0.1]"})
  void refusesNonPublicLiterals(String host) {
    assertThat(strict.refusal(host)).as(host).isNotNull().contains("not public");
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "[2606:4700:4700::1111]", "8.8.8.8",
      "[::ffff:8.8.8.8]"})
  void acceptsPublicLiterals(String host) {
    assertThat(strict.refusal(host)).as(host).isNull();
  }

  @Test
  void namesAreNotJudgedWithoutResolving() {
    assertThat(strict.refusal("localhost")).isNull();
    assertThat(strict.refusal("hooks.example.com")).isNull();
    assertThat(strict.refusal("1.example")).isNull();
  }

  @Test
  void allowedNetworksAndTheSwitchOpenItUp() {
    TargetPolicy someNetworks = new TargetPolicy(false, List.of("10.20.0.0/16", " fd00::/8 "));
    assertThat(someNetworks.refusal("10.20.3.4")).isNull();
    assertThat(someNetworks.refusal("[fd12::1]")).isNull();
    assertThat(someNetworks.refusal("10.21.0.1")).isNotNull();
    assertThat(someNetworks.refusal("127.0.0.1")).isNotNull();
    assertThat(new TargetPolicy(true, List.of()).refusal("127.0.0.1")).isNull();
  }
}
