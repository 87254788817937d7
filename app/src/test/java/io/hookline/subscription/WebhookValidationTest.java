package io.hookline.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every rule of a /webHooks body, each bad field named at its path, and nothing stored. */
class WebhookValidationTest extends SubscriptionTest {
  String key;
  String tenant;

  @BeforeAll
  void tenant() {
    String[] created = tenantWithKey("validating");
    tenant = created[0];
    key = created[1];
  }

  /** A valid body with one member replaced: field is a top-level name, json its new value. */
  static String with(String field, String json) {
    return """
        {"event": "order_confirm", "webHookParameters": [{"url": "https://h.example.com/"}],
         "%s": %s}""".formatted(field, json);
  }

  @Test
  void oneRequestWithManyBadFieldsNamesThemAll() {
    long before = count("SELECT count(*) FROM hookline.webhook WHERE tenant_id = ?", tenant);
    long destinations = count("SELECT count(*) FROM hookline.destination");
    Response response = call("POST", "/webHooks", key, """
        {"event": "order..confirm", "status": 5, "label": 42,
         "webHookParameters": [
           {"type": "yaml", "url": "ftp://files.example.com/x", "fields": ["", 3]},
           {"type": "json", "url": "https://10.0.0.1/hook"},
           "x"],
         "webHookDelay": {"delay": -1, "delayUnit": "week"},
         "verifierToken": ["t"],
         "headers": {"X-Bad": "a\\r\\nInjected: yes", "Content-Type": "text/plain",
                     "bad name": "v", "X-Number": 1},
         "colour": "red"}""");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("status").getIntValue()).isEqualTo(400);
    assertThat(response.text("type")).isNotBlank();
    assertThat(response.text("title")).isEqualTo("Bad Request");
    assertThat(response.text("detail")).isEqualTo("17 fields are invalid");
    assertThat(errorFields(response)).containsExactlyInAnyOrder("event", "status", "label",
        "webHookParameters[0].type", "webHookParameters[0].url",
        "webHookParameters[0].fields[0]", "webHookParameters[0].fields[1]",
        "webHookParameters[1].url", "webHookParameters[2]", "webHookDelay.delay",
        "webHookDelay.delayUnit", "verifierToken", "headers.X-Bad", "headers.Content-Type",
        "headers.bad name", "headers.X-Number", "colour");
    assertThat(errorMessages(response)).contains(
        entry("status", "must be \"1\" (enabled) or \"0\" (disabled)"),
        entry("colour", "is not a known field"),
        entry("webHookParameters[0].url", "must be an absolute http or https URL"),
        entry("headers.Content-Type", "is set by Hookline and cannot be overridden"));
    assertThat(errorMessages(response).get("webHookParameters[1].url")).contains("not public");
    assertThat(count("SELECT count(*) FROM hookline.webhook WHERE tenant_id = ?", tenant))
        .isEqualTo(before);
    assertThat(count("SELECT count(*) FROM hookline.destination")).isEqualTo(destinations);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      event             | null                            | event
      event             | ""                              | event
      event             | 7                               | event
      event             | "order created"                 | event
      event             | "order.*.paid"                  | event
      event             | ".order"                        | event
      event             | "order."                        | event
      event             | "**"                            | event
      status            | "2"                             | status
      status            | 1                               | status
      status            | true                            | status
      label             | 42                              | label
      webHookParameters | null                            | webHookParameters
      webHookParameters | "x"                             | webHookParameters
      webHookParameters | []                              | webHookParameters
      webHookParameters | {}                              | webHookParameters
      webHookParameters | [7]                             | webHookParameters[0]
      webHookParameters | [{}]                            | webHookParameters[0].url
      webHookParameters | [{"url": 5}]                    | webHookParameters[0].url
      webHookParameters | [{"url": "/relative"}]          | webHookParameters[0].url
      webHookParameters | [{"url": "https://"}]           | webHookParameters[0].url
      webHookParameters | [{"url": "https://a b.com/"}]   | webHookParameters[0].url
      webHookParameters | [{"url": "mailto:a@b.com"}]     | webHookParameters[0].url
      webHookParameters | [{"url": "https://u:p@h.com/"}] | webHookParameters[0].url
      webHookParameters | [{"url": "http://h.com:70000"}] | webHookParameters[0].url
      webHookParameters | [{"url": "http://127.0.0.1/"}]  | webHookParameters[0].url
      webHookParameters | [{"url": "http://[::1]:80/"}]   | webHookParameters[0].url
      webHookParameters | [{"url": "http://0x7f.1/"}]     | webHookParameters[0].url
      webHookParameters | [{"url": "http://169.254.169.254/"}] | webHookParameters[0].url
      webHookParameters | [{"url": "https://h.com/", "type": "JSON"}] | webHookParameters[0].type
      webHookParameters | [{"url": "https://h.com/", "fields": "id"}] | webHookParameters[0].fields
      webHookParameters | [{"url": "https://h.com/", "fields": [""]}] | webHookParameters[0].fields[0]
      webHookParameters | [{"url": "https://h.com/", "extra": 1}] | webHookParameters[0].extra
      webHookDelay      | 10                              | webHookDelay
      webHookDelay      | "10 minutes"                    | webHookDelay
      webHookDelay      | [1]                             | webHookDelay
      webHookDelay      | {"delayUnit": "minute"}         | webHookDelay.delay
      webHookDelay      | {"delay": 1}                    | webHookDelay.delayUnit
      webHookDelay      | {"delay": 1.5, "delayUnit": "hour"} | webHookDelay.delay
      webHookDelay      | {"delay": "1", "delayUnit": "hour"} | webHookDelay.delay
      webHookDelay      | {"delay": -1, "delayUnit": "hour"}  | webHookDelay.delay
      webHookDelay      | {"delay": 31, "delayUnit": "day"}   | webHookDelay.delay
      webHookDelay      | {"delay": 2592001, "delayUnit": "second"} | webHookDelay.delay
      webHookDelay      | {"delay": 99999999999, "delayUnit": "second"} | webHookDelay.delay
      webHookDelay      | {"delay": 1, "delayUnit": "week"}   | webHookDelay.delayUnit
      webHookDelay      | {"delay": 1, "delayUnit": "minute", "x": 1} | webHookDelay.x
      verifierToken     | 5                               | verifierToken
      verifierToken     | "line\\nbreak"                  | verifierToken
      headers           | "X-A: b"                        | headers
      headers           | ["X-A"]                         | headers
      headers           | {"X-A": 1}                      | headers.X-A
      headers           | {"X-A": null}                   | headers.X-A
      headers           | {"X-A": "a\\nb"}                | headers.X-A
      headers           | {"X-A": "a\\rb"}                | headers.X-A
      headers           | {"X A": "b"}                    | headers.X A
      headers           | {"": "b"}                       | headers.
      headers           | {"X-A": "b", "x-a": "c"}        | headers.x-a
      headers           | {"content-length": "1"}         | headers.content-length
      headers           | {"Host": "evil.example"}        | headers.Host
      headers           | {"User-Agent": "x"}             | headers.User-Agent
      headers           | {"Transfer-Encoding": "x"}      | headers.Transfer-Encoding
      headers           | {"Connection": "x"}             | headers.Connection
      headers           | {"webhook-id": "x"}             | headers.webhook-id
      headers           | {"Webhook-Timestamp": "1"}      | headers.Webhook-Timestamp
      headers           | {"webhook-signature": "v1,x"}   | headers.webhook-signature
      headers           | {"Verifier-Token": "x"}         | headers.Verifier-Token
      unknownField      | 1                               | unknownField
      """)
  void eachRuleNamesItsField(String field, String json, String path) {
    String body = json.equals("null") && !field.equals("webHookParameters")
        && !field.equals("event") ? with(field, json) : replaced(field, json);
    long before = count("SELECT count(*) FROM hookline.webhook");
    Response response = call("POST", "/webHooks", key, body);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(errorFields(response)).as(response.body()).containsExactly(path);
    assertThat(count("SELECT count(*) FROM hookline.webhook")).isEqualTo(before);
  }

  /** The valid body with a required member set to json, or with an optional one added. */
  private static String replaced(String field, String json) {
    if (field.equals("event")) {
      return """
          {"event": %s, "webHookParameters": [{"url": "https://h.example.com/"}]}"""
          .formatted(json);
    }
    if (field.equals("webHookParameters")) {
      return "{\"event\": \"order_confirm\", \"webHookParameters\": " + json + "}";
    }
    return with(field, json);
  }

  @Test
  void limitsOnSizes() {
    String tooLong = "\"" + "l".repeat(256) + "\"";
    assertThat(errorFields(call("POST", "/webHooks", key, with("label", tooLong))))
        .containsExactly("label");
    assertThat(created(key, with("label", "\"" + "l".repeat(255) + "\"")).text("label"))
        .hasSize(255);
    assertThat(errorFields(call("POST", "/webHooks", key,
        with("verifierToken", "\"" + "t".repeat(513) + "\"")))).containsExactly("verifierToken");
    String longUrl = "https://h.example.com/" + "p".repeat(2048);
    assertThat(errorFields(call("POST", "/webHooks", key,
        replaced("webHookParameters", "[{\"url\": \"" + longUrl + "\"}]"))))
        .containsExactly("webHookParameters[0].url");
    String event201 = "\"" + "e".repeat(201) + "\"";
    assertThat(errorFields(call("POST", "/webHooks", key, replaced("event", event201))))
        .containsExactly("event");

    StringBuilder destinations = new StringBuilder("[");
    StringBuilder headers = new StringBuilder("{");
    for (int i = 0; i < 21; i++) {
      destinations.append(i == 0 ? "" : ",").append("{\"url\": \"https://h.example.com/")
          .append(i).append("\"}");
      headers.append(i == 0 ? "" : ",").append("\"X-H").append(i).append("\": \"v\"");
    }
    assertThat(errorFields(call("POST", "/webHooks", key,
        replaced("webHookParameters", destinations + "]")))).containsExactly("webHookParameters");
    assertThat(errorFields(call("POST", "/webHooks", key, with("headers", headers + "}"))))
        .containsExactly("headers");
    assertThat(created(key, replaced("webHookParameters",
        destinations.substring(0, destinations.lastIndexOf(",{")) + "]"))
        .json().get("webHookParameters").size()).isEqualTo(20);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      event         | "order.created"
      event         | "order_confirm"
      event         | "Order-Confirm.v2"
      event         | "order.*"
      event         | "a.b.c.*"
      event         | "*"
      webHookDelay  | []
      webHookDelay  | null
      webHookDelay  | {"delay": 0, "delayUnit": "second"}
      webHookDelay  | {"delay": 30, "delayUnit": "day"}
      webHookDelay  | {"delay": 720, "delayUnit": "hour"}
      status        | "0"
      label         | null
      label         | ""
      headers       | {"Authorization": "Bearer x", "X-Tab": "a\\tb", "x!#$%&*+.^_~": "1"}
      verifierToken | ""
      """)
  void acceptedValues(String field, String json) {
    Response response = call("POST", "/webHooks", key, field.equals("event")
        ? replaced("event", json) : with(field, json));
    assertThat(response.status()).as(json + " " + response.body()).isEqualTo(201);
  }

  @Test
  void publicIpLiteralsAndHostNamesAreAccepted() {
    for (String url : new String[] {"https://93.184.216.34/x", "https://[2606:4700::1111]/x",
        "http://localhost:8080/x", "HTTPS://Hooks.Example.com"}) {
      Response response = call("POST", "/webHooks", key,
          replaced("webHookParameters", "[{\"url\": \"" + url + "\"}]"));
      assertThat(response.status()).as(url + " " + response.body()).isEqualTo(201);
    }
  }

  @Test
  void unreadableBodiesAre400ProblemsAndStoreNothing() {
    long before = count("SELECT count(*) FROM hookline.webhook");
    for (String body : new String[] {"{\"event\":", "not json", "[]", "\"x\"", "null", "7"}) {
      Response response = call("POST", "/webHooks", key, body);
      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(response.contentType()).as(body).startsWith("application/problem+json");
      assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.");
    }
    Response empty = call("POST", "/webHooks", key, null);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM hookline.webhook")).isEqualTo(before);
  }

  @Test
  void aRejectedPutChangesNothing() {
    Response created = created(key, WebhookApiTest.FULL);
    String id = created.text("id");
    long destinations = count("SELECT count(*) FROM hookline.destination");
    Response rejected = call("PUT", "/webHooks/" + id, key, """
        {"event": "ok.event", "webHookParameters": [{"url": "https://ok.example.com/"},
                                                     {"url": "nope"}]}""");
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(errorFields(rejected)).containsExactly("webHookParameters[1].url");
    assertThat(call("GET", "/webHooks/" + id, key, null).json()).isEqualTo(created.json());
    assertThat(count("SELECT count(*) FROM hookline.destination")).isEqualTo(destinations);
  }

  @Test
  void aFailingWriteRollsBackTheWebhookAndItsDestinations() {
    // A destination that the database refuses after the webhook row was written: the whole
    // create must leave nothing behind.
    execute("ALTER TABLE hookline.destination ADD CONSTRAINT test_no_refused"
        + " CHECK (url NOT LIKE '%refused-by-db%')");
    try {
      long webhooks = count("SELECT count(*) FROM hookline.webhook");
      Response response = call("POST", "/webHooks", key, replaced("webHookParameters",
          "[{\"url\": \"https://ok.example.com/\"}, {\"url\": \"https://refused-by-db.example/\"}]"));
      assertThat(response.status()).isEqualTo(500);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(count("SELECT count(*) FROM hookline.webhook")).isEqualTo(webhooks);
      assertThat(count("SELECT count(*) FROM hookline.destination"
          + " WHERE url = 'https://ok.example.com/'")).isZero();
    } finally {
      execute("ALTER TABLE hookline.destination DROP CONSTRAINT test_no_refused");
    }
  }
}
