package io.hookline.target;

import java.net.InetAddress;
import java.util.List;

/** An address range such as 10.0.0.0/8 or fc00::/7. */
record Cidr(byte[] network, int prefix) {

  static List<Cidr> parseAll(List<String> ranges) {
    return ranges.stream().map(Cidr::parse).toList();
  }

  static Cidr parse(String text) {
    String[] parts = text.split("/", 2);
    InetAddress address = IpLiteral.parse(parts[0]);
    if (address == null) {
      throw new IllegalArgumentException("Not a network: " + text);
    }
    int bits = address.getAddress().length * 8;
    int prefix = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : bits;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("Bad prefix length in " + text);
    }
    return new Cidr(address.getAddress(), prefix);
  }

  boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[full] & mask) == (network[full] & mask);
  }
}
