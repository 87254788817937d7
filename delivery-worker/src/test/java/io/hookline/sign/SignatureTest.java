package io.hookline.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureTest {
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final long TIMESTAMP = 1614265330;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  @Test
  void theStandardWebhooksTestVector() {
    assertThat(Signature.sign(SECRET, ID, TIMESTAMP, BODY))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void agreesWithTheOfficialLibrary() throws Exception {
    String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(Signature.sign(secret, "evt_1", 1700000000L, "{}".getBytes()))
        .isEqualTo(new Webhook(secret).sign("evt_1", 1700000000L, "{}"));
  }

  @Test
  void bothSecretsSignWhileTheOverlapLasts() throws Exception {
    String old = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
    Instant now = Instant.ofEpochSecond(TIMESTAMP);
    Signature.Secrets rotating = new Signature.Secrets(SECRET, old, now.plusSeconds(1));

    String header = Signature.header(rotating, ID, TIMESTAMP, BODY, now);

    assertThat(header).isEqualTo(Signature.sign(SECRET, ID, TIMESTAMP, BODY) + " "
        + Signature.sign(old, ID, TIMESTAMP, BODY));
    assertThat(Signature.header(rotating, ID, TIMESTAMP, BODY, now.plusSeconds(1)))
        .isEqualTo(Signature.sign(SECRET, ID, TIMESTAMP, BODY));
    assertThat(rotating.toString()).doesNotContain(SECRET).doesNotContain(old);
  }

  @Test
  void aRotatedHeaderVerifiesWithEitherSecret() throws Exception {
    String old = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    long now = Instant.now().getEpochSecond();
    String header = Signature.header(new Signature.Secrets(SECRET, old,
        Instant.now().plusSeconds(60)), ID, now, BODY, Instant.now());
    Map<String, List<String>> headers = Map.of("webhook-id", List.of(ID),
        "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(header));

    new Webhook(SECRET).verify(new String(BODY, StandardCharsets.UTF_8), headers);
    new Webhook(old).verify(new String(BODY, StandardCharsets.UTF_8), headers);
  }
}
