package io.hookline.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** With hookline.delivery.allow-private-targets, loopback and private literals are accepted. */
class PrivateTargetsAllowedTest extends SubscriptionTest {

  @Override
  protected Map<String, String> extraProperties() {
    return Map.of("hookline.delivery.allow-private-targets", "true");
  }

  @Test
  void privateIpLiteralsAreAccepted() {
    String key = tenantWithKey("local")[1];
    for (String url : new String[] {"http://127.0.0.1:8080/in", "http://[::1]/in",
        "http://10.1.2.3/in", "http://192.168.1.10/in"}) {
      Response response = call("POST", "/webHooks", key, """
          {"event": "order.created", "webHookParameters": [{"url": "%s"}]}""".formatted(url));
      assertThat(response.status()).as(url + " " + response.body()).isEqualTo(201);
      assertThat(response.json().get("webHookParameters").get(0).get("url").getStringValue())
          .isEqualTo(url);
    }
    // Everything else is still checked.
    Response ftp = call("POST", "/webHooks", key, """
        {"event": "order.created", "webHookParameters": [{"url": "ftp://127.0.0.1/"}]}""");
    assertThat(ftp.status()).isEqualTo(400);
  }
}
