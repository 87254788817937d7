package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mockserver.model.HttpRequest;
import org.w3c.dom.Document;

/** What a receiver gets: headers, body (JSON and XML) and signatures it can verify. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryRequestTest extends WorkerTest {
  private static final String OLD_SECRET = "whsec_" + java.util.Base64.getEncoder()
      .encodeToString("an older secret of 32 bytes!!!!!".getBytes(StandardCharsets.UTF_8));

  @BeforeEach
  void answerOk() {
    receiver.when(request()).respond(response().withStatusCode(200));
  }

  @Test
  void headersAndJsonBody() throws Exception {
    String webhook = db.webhook(Fixtures.SECRET, "token-123",
        "{\"X-Custom\": \"static\", \"webhook-id\": \"spoofed\", \"content-type\": \"text/plain\"}");
    long destination = db.destination(webhook, "json", url("/json"));
    Instant created = START.minusMillis(644);
    long event = db.event("ord_1", "order.created", "{\"total\": 12.50, \"id\": 7}", created);
    db.delivery(event, webhook, destination, START);

    worker.workOnce();

    HttpRequest got = received("/json")[0];
    assertThat(got.getMethod().getValue()).isEqualTo("POST");
    assertThat(got.getFirstHeader("Content-Type")).isEqualTo("application/json");
    assertThat(got.getFirstHeader("User-Agent")).matches("Hookline/\\d+\\.\\d+.*");
    assertThat(got.getFirstHeader("Verifier-Token")).isEqualTo("token-123");
    assertThat(got.getFirstHeader("X-Custom")).isEqualTo("static");
    assertThat(got.getHeader("webhook-id")).containsExactly("ord_1");
    assertThat(got.getFirstHeader("webhook-timestamp"))
        .isEqualTo(Long.toString(START.getEpochSecond()));
    assertThat(got.getFirstHeader("webhook-signature")).startsWith("v1,").doesNotContain(" ");
    // jsonb keeps numbers exactly and orders keys its own way; the envelope's order is fixed.
    assertThat(body(got)).isEqualTo("{\"id\":\"ord_1\",\"event\":\"order.created\","
        + "\"created_at\":\"2026-11-22T09:59:59.356Z\",\"data\":{\"id\":7,\"total\":12.50}}");
  }

  @Test
  void fieldsKeepOnlyThoseKeys() throws Exception {
    String webhook = db.webhook();
    long destination = db.destination(webhook, "json", url("/fields"), "total", "missing");
    long event = db.event("ord_2", "order.created",
        "{\"total\": 3, \"secret\": \"x\", \"lines\": [1, 2]}", START);
    db.delivery(event, webhook, destination, START);

    worker.workOnce();

    assertThat(body(received("/fields")[0])).endsWith("\"data\":{\"total\":3}}");
  }

  @Test
  void xmlBody() throws Exception {
    String webhook = db.webhook();
    long destination = db.destination(webhook, "xml", url("/xml"));
    long event = db.event("ord_3", "order.created",
        "{\"lines\": [{\"sku\": \"A&B\"}, {\"sku\": \"<C>\"}], \"2nd\": null}", START);
    db.delivery(event, webhook, destination, START);

    worker.workOnce();

    HttpRequest got = received("/xml")[0];
    assertThat(got.getFirstHeader("Content-Type")).isEqualTo("application/xml");
    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(got.getBodyAsRawBytes()));
    assertThat(xml.getDocumentElement().getTagName()).isEqualTo("webhook");
    assertThat(xml.getElementsByTagName("id").item(0).getTextContent()).isEqualTo("ord_3");
    assertThat(xml.getElementsByTagName("sku").item(1).getTextContent()).isEqualTo("<C>");
    assertThat(xml.getElementsByTagName("lines").getLength()).isEqualTo(2);
    assertThat(xml.getElementsByTagName("entry").item(0).getAttributes().getNamedItem("key")
        .getNodeValue()).isEqualTo("2nd");
  }

  @Test
  void theOfficialLibraryVerifiesWhatWasSent() throws Exception {
    clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    long id = db.pending(url("/verify"), clock.instant());

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("status", "delivered");
    HttpRequest got = received("/verify")[0];
    new Webhook(Fixtures.SECRET).verify(body(got), headers(got));
    assertThatThrownBy(() -> new Webhook(OLD_SECRET).verify(body(got), headers(got)))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void duringARotationBothSecretsSign() throws Exception {
    clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    String webhook = db.webhook();
    db.update("UPDATE hookline.webhook SET previous_secret = ?, previous_secret_until = ?"
        + " WHERE id = ?", OLD_SECRET, java.sql.Timestamp.from(clock.instant().plusSeconds(3600)),
        webhook);
    long destination = db.destination(webhook, "json", url("/rotating"));
    long event = db.event("ord_4", "order.paid", "{}", clock.instant());
    db.delivery(event, webhook, destination, clock.instant());

    worker.workOnce();

    HttpRequest got = received("/rotating")[0];
    assertThat(got.getFirstHeader("webhook-signature").split(" ")).hasSize(2)
        .allMatch(s -> s.startsWith("v1,"));
    new Webhook(Fixtures.SECRET).verify(body(got), headers(got));
    new Webhook(OLD_SECRET).verify(body(got), headers(got));
  }

  @Test
  void afterTheOverlapOnlyTheNewSecretSigns() throws Exception {
    String webhook = db.webhook();
    db.update("UPDATE hookline.webhook SET previous_secret = ?, previous_secret_until = ?"
        + " WHERE id = ?", OLD_SECRET, java.sql.Timestamp.from(START.minus(Duration.ofSeconds(1))),
        webhook);
    long destination = db.destination(webhook, "json", url("/rotated"));
    db.delivery(db.event("ord_5", "order.paid", "{}", START), webhook, destination, START);

    worker.workOnce();

    assertThat(received("/rotated")[0].getFirstHeader("webhook-signature")).doesNotContain(" ");
  }

  @Test
  void oneEventToManyWebhooksIsRenderedForEach() throws Exception {
    long event = db.event("ord_6", "order.created", "{\"n\": 1}", START);
    for (String format : List.of("json", "json", "xml")) {
      String webhook = db.webhook();
      db.delivery(event, webhook, db.destination(webhook, format, url("/many")), START);
    }

    WorkCounts counts = worker.workOnce();

    assertThat(counts.delivered()).isEqualTo(3);
    assertThat(received("/many")).extracting(r -> r.getFirstHeader("Content-Type"))
        .containsExactlyInAnyOrder("application/json", "application/json", "application/xml");
  }

  /** The bytes as sent (MockServer's getBodyAsString reformats JSON). */
  private static String body(HttpRequest request) {
    return new String(request.getBodyAsRawBytes(), StandardCharsets.UTF_8);
  }

  private static Map<String, List<String>> headers(HttpRequest request) {
    return request.getHeaderList().stream().collect(Collectors.toMap(
        h -> h.getName().getValue().toLowerCase(),
        h -> h.getValues().stream().map(v -> v.getValue()).toList(), (a, b) -> a));
  }
}
