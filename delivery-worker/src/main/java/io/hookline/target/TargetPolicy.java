package io.hookline.target;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses Hookline may deliver to. Only public unicast addresses, unless private targets
 * are allowed (HOOKLINE_ALLOW_PRIVATE_TARGETS, for development and tests) or the address lies in
 * one of {@code hookline.delivery.allowed-networks}. Used at registration for hosts written as
 * IP literals, and at send time for every address a host name resolves to.
 */
@Singleton
public final class TargetPolicy {
  private static final List<Cidr> NON_PUBLIC = Cidr.parseAll(List.of(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
      "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
      "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
      "::/128", "::1/128", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10",
      "ff00::/8"));

  private final boolean allowPrivate;
  private final List<Cidr> allowedNetworks;

  public TargetPolicy(
      @Value("${hookline.delivery.allow-private-targets:false}") boolean allowPrivate,
      @Value("${hookline.delivery.allowed-networks:}") List<String> allowedNetworks) {
    this.allowPrivate = allowPrivate;
    this.allowedNetworks = Cidr.parseAll(allowedNetworks.stream()
        .map(String::strip).filter(s -> !s.isEmpty()).toList());
  }

  /** Why the address may not be delivered to, or null when it may. */
  public String refusal(InetAddress address) {
    if (allowPrivate || allowedNetworks.stream().anyMatch(n -> n.contains(address))) {
      return null;
    }
    InetAddress effective = embeddedIpv4(address);
    if (effective != address && refusal(effective) == null) {
      return null;
    }
    if (effective != address || NON_PUBLIC.stream().anyMatch(n -> n.contains(address))) {
      return "the address " + address.getHostAddress() + " is not public (loopback, private,"
          + " link-local, multicast or reserved); private targets are not allowed";
    }
    return null;
  }

  /** For a host written as an IP literal (in any notation), why it is refused, else null. */
  public String refusal(String host) {
    InetAddress literal = IpLiteral.parse(host);
    return literal == null ? null : refusal(literal);
  }

  public boolean allowsPrivateTargets() {
    return allowPrivate;
  }

  /**
   * IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64
   * 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address; others answer themselves.
   */
  static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    boolean zero80 = true;
    for (int i = 0; i < 10; i++) {
      zero80 &= b[i] == 0;
    }
    byte[] v4 = null;
    if (zero80 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if (b[0] == 0x20 && b[1] == 0x02) {
      v4 = new byte[] {b[2], b[3], b[4], b[5]};
    }
    if (v4 == null) {
      return address;
    }
    try {
      return Inet4Address.getByAddress(v4);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
