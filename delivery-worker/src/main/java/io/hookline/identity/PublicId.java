package io.hookline.identity;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Opaque ids that users see: a short type prefix and 22 base62 characters (~131 bits), random or
 * derived from what makes a thing unique.
 */
public final class PublicId {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private PublicId() {}

  public static String random(String prefix) {
    return prefix + "_" + randomChars(22);
  }

  /**
   * The same id every time for the same {@code name}: the first 22 base62 digits of its SHA-256,
   * as unlikely to collide with other names' ids or with random ids as random ids are with each
   * other.
   */
  public static String derived(String prefix, String name) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
    BigInteger rest = new BigInteger(1, digest);
    BigInteger base = BigInteger.valueOf(ALPHABET.length);
    char[] chars = new char[22];
    for (int i = 0; i < chars.length; i++) {
      BigInteger[] divided = rest.divideAndRemainder(base);
      chars[i] = ALPHABET[divided[1].intValue()];
      rest = divided[0];
    }
    return prefix + "_" + new String(chars);
  }

  public static String randomChars(int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
