package io.hookline.tenant;

import io.hookline.identity.PublicId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * API keys are 40 random base62 characters (~238 bits) behind a recognisable prefix. Being that
 * random, a plain SHA-256 is a safe hash to store: there is nothing to guess or brute-force.
 */
public final class ApiKeys {
  private ApiKeys() {}

  public static String newKey() {
    return "hkl_" + PublicId.randomChars(40);
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
