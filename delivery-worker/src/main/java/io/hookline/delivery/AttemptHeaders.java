package io.hookline.delivery;

import io.hookline.claim.ClaimedDelivery;
import io.hookline.payload.Payload;
import io.hookline.sign.Signature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The headers of one attempt: the webhook's static headers first, then Hookline's own, which a
 * static header can never replace (nor the framing headers the client owns).
 */
final class AttemptHeaders {
  static final String USER_AGENT = "Hookline/" + version();
  private static final Set<String> RESERVED = Set.of("host", "content-length",
      "transfer-encoding", "connection", "content-type", "user-agent", "webhook-id",
      "webhook-timestamp", "webhook-signature", "verifier-token");

  private AttemptHeaders() {}

  /**
   * @param now this attempt's time: webhook-timestamp, and whether a rotated secret still signs
   */
  static Map<String, String> of(ClaimedDelivery delivery, Payload payload, Instant now) {
    Map<String, String> headers = new LinkedHashMap<>();
    delivery.webhook().headers().forEach((name, value) -> {
      if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        headers.put(name, value);
      }
    });
    long timestamp = now.getEpochSecond();
    String id = delivery.event().id();
    headers.put("Content-Type", payload.contentType());
    headers.put("User-Agent", USER_AGENT);
    headers.put("webhook-id", id);
    headers.put("webhook-timestamp", Long.toString(timestamp));
    headers.put("webhook-signature",
        Signature.header(delivery.webhook().secrets(), id, timestamp, payload.body(), now));
    if (delivery.webhook().verifierToken() != null) {
      headers.put("Verifier-Token", delivery.webhook().verifierToken());
    }
    return headers;
  }

  private static String version() {
    try (InputStream in =
        AttemptHeaders.class.getResourceAsStream("/hookline-version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
