package io.hookline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.hookline.api.ApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.model.HttpStatusCode;
import org.slf4j.LoggerFactory;

/**
 * A full run — tenants, keys, a webhook with a verifier token and a secret static header, events
 * delivered to a receiver that fails first, a secret rotation, a replay, wrong and revoked keys —
 * with every log line captured (Hookline's at DEBUG): no secret, token or key may appear.
 */
class SecretsNeverLoggedTest extends ApiTest {
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  static {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LOGS.setContext(context);
    LOGS.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(LOGS);
    context.getLogger("io.hookline").setLevel(Level.DEBUG);
  }

  private final ClientAndServer receiver = ClientAndServer.startClientAndServer(0);

  @Override
  protected Map<String, String> extraProperties() {
    return Map.of("hookline.worker.enabled", "true",
        "hookline.delivery.allow-private-targets", "true",
        "hookline.delivery.retry-schedule", "1s,1s",
        "hookline.delivery.retry-jitter", "0");
  }

  @AfterAll
  void stopReceiver() {
    receiver.stop();
  }

  @Test
  void noSecretReachesTheLogs() {
    List<String> secrets = new ArrayList<>(List.of(ADMIN));
    receiver.when(request().withPath("/hook"), org.mockserver.matchers.Times.once())
        .respond(response().withStatusCode(HttpStatusCode.SERVICE_UNAVAILABLE_503.code()));
    receiver.when(request().withPath("/hook")).respond(response().withStatusCode(200));

    String tenant = newTenant("logged");
    Response created = call("POST", "/tenants/" + tenant + "/api-keys", ADMIN, null);
    String key = created.text("key");
    secrets.add(key);
    String verifier = "vt-" + "s3cr3t-verifier-token";
    String header = "hv-" + "s3cr3t-header-value";
    secrets.add(verifier);
    secrets.add(header);
    Response webhook = call("POST", "/webHooks", key, "{\"event\":\"order.*\",\"verifierToken\":\""
        + verifier + "\",\"headers\":{\"X-Api-Key\":\"" + header + "\"},\"webHookParameters\":"
        + "[{\"type\":\"json\",\"url\":\"http://127.0.0.1:" + receiver.getPort() + "/hook\"}]}");
    assertThat(webhook.status()).as(webhook.body()).isEqualTo(201);
    secrets.add(webhook.text("secret"));
    String webhookId = webhook.text("id");

    Response event = call("POST", "/events", key, "{\"event\":\"order.created\",\"data\":{}}");
    assertThat(event.status()).isEqualTo(202);
    String eventId = event.text("id");
    await().atMost(Duration.ofSeconds(60)).until(() -> "delivered".equals(
        call("GET", "/events/" + eventId + "/deliveries", key, null).json().get("items").get(0)
            .get("status").getStringValue()));

    Response rotated = call("POST", "/webHooks/" + webhookId + "/secret/rotate", key, null);
    secrets.add(rotated.text("secret"));
    String deliveryId = call("GET", "/events/" + eventId + "/deliveries", key, null).json()
        .get("items").get(0).get("id").getStringValue();
    assertThat(call("POST", "/deliveries/" + deliveryId + "/replay", key, null).status())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/deliveries/" + deliveryId,
        key, null).json().get("attemptCount").getIntValue() >= 3);

    assertThat(call("GET", "/webHooks", "hkl_wrong" + key.substring(9), null).status())
        .isEqualTo(401);
    call("DELETE", "/tenants/" + tenant + "/api-keys/" + created.text("id"), ADMIN, null);
    assertThat(call("GET", "/webHooks", key, null).status()).isEqualTo(401);

    // MockServer (the receiver in this test) logs the requests it received, headers and all:
    // that is the receiving side's log, not Hookline's.
    List<String> lines = LOGS.list.stream()
        .filter(e -> !e.getLoggerName().startsWith("org.mockserver"))
        .map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
    assertThat(lines).as("the run logged something").isNotEmpty();
    for (String secret : secrets) {
      String whsecBody = secret.startsWith("whsec_") ? secret.substring(6) : secret;
      assertThat(lines).as("log lines").noneMatch(line -> line.contains(whsecBody));
    }
  }
}
