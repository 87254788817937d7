package io.hookline.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The compile-time OpenAPI document is served without a token and describes the API. */
class WebhookOpenApiTest extends SubscriptionTest {

  @Test
  void openApiDocumentIsServed() {
    Response response = call("GET", "/openapi.yml", null, null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/yaml");
    assertThat(response.body()).startsWith("openapi: 3.")
        .contains("\n  /webHooks:\n", "\n  /webHooks/{id}:\n",
            "\n  /webHooks/{id}/secret/rotate:\n",
            "\n  /tenants:\n", "scheme: bearer", "WebHookParameter", "webHookDelay")
        .doesNotContain("$ref: \"#/components/schemas/Caller\"", "/openapi.yml");
    // every call needs the bearer token but the two that are open (protected by network)
    assertThat(response.body()).contains("\nsecurity:\n- bearer: []\n");
    for (String open : new String[] {"/health", "/metrics"}) {
      assertThat(operation(response.body(), open)).as(open).contains("\n      security: []\n");
    }
    assertThat(operation(response.body(), "/events")).doesNotContain("security: []");
  }

  /** The lines of the document's entry for one path, up to the next path. */
  private static String operation(String document, String path) {
    int start = document.indexOf("\n  " + path + ":\n");
    assertThat(start).as(path).isNotNegative();
    int end = document.indexOf("\n  /", start + 1);
    return document.substring(start, end < 0 ? document.length() : end + 1);
  }
}
