package io.hookline.target;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads a host that is an IP address in any notation resolvers accept: dotted IPv4, the
 * inet_aton forms (2130706433, 0x7f.1, 0177.0.0.1, 127.1), and IPv6 with or without brackets.
 * Never touches DNS.
 */
final class IpLiteral {
  private IpLiteral() {}

  /** The address the host denotes, or null when it is a name. */
  static InetAddress parse(String host) {
    String h = host.strip();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    try {
      if (h.contains(":")) {
        return h.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+") ? InetAddress.getByName(h) : null;
      }
      byte[] v4 = inetAton(h);
      return v4 == null ? null : InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] inetAton(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length == 0 || parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Long value = number(parts[i]);
      if (value == null) {
        return null;
      }
      values[i] = value;
    }
    long last = values[values.length - 1];
    long max = 0xffffffffL >>> (8 * (values.length - 1));
    if (last > max) {
      return null;
    }
    long result = 0;
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 0xff) {
        return null;
      }
      result |= values[i] << (24 - 8 * i);
    }
    result |= last;
    return new byte[] {(byte) (result >>> 24), (byte) (result >>> 16), (byte) (result >>> 8),
        (byte) result};
  }

  private static Long number(String part) {
    try {
      if (part.isEmpty()) {
        return null;
      }
      if (part.startsWith("0x") || part.startsWith("0X")) {
        return part.length() == 2 ? 0L : Long.parseLong(part.substring(2), 16);
      }
      if (part.length() > 1 && part.startsWith("0")) {
        return Long.parseLong(part.substring(1), 8);
      }
      return part.chars().allMatch(Character::isDigit) && part.length() <= 10
          ? Long.parseLong(part) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
