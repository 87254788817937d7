package io.hookline.identity;

import java.security.SecureRandom;

/** Opaque ids that users see: a short type prefix and 22 random base62 characters (~131 bits). */
public final class PublicId {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private PublicId() {}

  public static String random(String prefix) {
    return prefix + "_" + randomChars(22);
  }

  public static String randomChars(int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
