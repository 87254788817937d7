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
  }
}
