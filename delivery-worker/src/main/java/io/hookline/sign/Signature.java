package io.hookline.sign;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
 * {@code "{webhook-id}.{webhook-timestamp}.{body}"} with the secret's base64-decoded bytes,
 * sent as {@code v1,<base64>}; several signatures are separated by spaces.
 */
public final class Signature {
  private static final String PREFIX = "whsec_";
  /** Looking a Mac up costs more than the HMAC of a 1 KiB body; each thread keeps its own. */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  });

  private Signature() {}

  /** The {@code v1,…} signature of one body with one secret ({@code whsec_…} or bare base64). */
  public static String sign(String secret, String id, long timestamp, byte[] body) {
    try {
      Mac mac = MAC.get();
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * The webhook-signature header: the current secret's signature, followed by the previous
   * secret's while a rotation's overlap lasts, so receivers holding either secret accept it.
   */
  public static String header(Secrets secrets, String id, long timestamp, byte[] body,
      Instant now) {
    String current = sign(secrets.current(), id, timestamp, body);
    if (secrets.previous() == null || secrets.previousUntil() == null
        || !secrets.previousUntil().isAfter(now)) {
      return current;
    }
    return current + " " + sign(secrets.previous(), id, timestamp, body);
  }

  private static byte[] key(String secret) {
    String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    return Base64.getDecoder().decode(encoded);
  }

  /** A webhook's signing secrets: the current one, and the one it replaced until when. */
  public record Secrets(String current, String previous, Instant previousUntil) {
    @Override
    public String toString() {
      return "Secrets[redacted]";
    }
  }
}
