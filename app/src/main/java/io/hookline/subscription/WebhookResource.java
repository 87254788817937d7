package io.hookline.subscription;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.AccessMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A webhook as the API shows it, in the shape of Shoprenter's WebHook resource. The same shape is
 * what POST and PUT take; the read-only fields are ignored there.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "WebHook")
record WebhookResource(
    @Schema(accessMode = AccessMode.READ_ONLY, description = "Absolute URL of this webhook")
    String href,
    @Schema(accessMode = AccessMode.READ_ONLY, example = "wh_4cTQ2mKQbQy6oQ7a1ZpGxE")
    String id,
    @Schema(description = "An event name (order.created), a prefix pattern (order.*: every name"
        + " below order.) or * (all)", example = "order_confirm")
    String event,
    @Schema(description = "\"1\" enabled (default), \"0\" disabled",
        allowableValues = {"1", "0"})
    String status,
    @Nullable @Schema(maxLength = 255) String label,
    @Schema(description = "One to 20 destinations") List<Parameter> webHookParameters,
    @Schema(implementation = Delay.class,
        description = "[] when there is no delay (as Shoprenter answers), else {delay, delayUnit}")
    Object webHookDelay,
    @Nullable @Schema(maxLength = 512, description = "Sent as the Verifier-Token header")
    String verifierToken,
    @Schema(description = "Static headers sent with every delivery") Map<String, String> headers,
    @Schema(accessMode = AccessMode.READ_ONLY,
        description = "The signing secret (Standard Webhooks), whsec_ and base64")
    String secret,
    @Schema(accessMode = AccessMode.READ_ONLY) Instant createdAt,
    @Schema(accessMode = AccessMode.READ_ONLY) Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
    @Schema(accessMode = AccessMode.READ_ONLY,
        description = "Why Hookline disabled it (endpoint health); absent otherwise")
    String disabledReason,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
    @Schema(accessMode = AccessMode.READ_ONLY) Instant disabledAt) {

  /** One destination: Shoprenter's WebHookParameter, with a link back to its webhook. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @Schema(name = "WebHookParameter")
  record Parameter(
      @Schema(allowableValues = {"json", "xml"}, description = "Body format; json by default")
      String type,
      @Schema(maxLength = 2048, example = "https://erp.example.com/hooks") String url,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
      @Schema(description = "Keep only these keys of the event's data") List<String> fields,
      @Schema(description = "Link to the webhook; read-only") Link webHook) {}

  /** A link in Shoprenter's shape: {@code {"href": "..."}}. */
  @Serdeable
  @Schema(name = "Link")
  record Link(String href) {}

  static WebhookResource of(String baseUrl, Webhook webhook, List<Destination> destinations) {
    String href = baseUrl + "/webHooks/" + webhook.id();
    Link self = new Link(href);
    List<Parameter> parameters = destinations.stream()
        .map(d -> new Parameter(d.format(), d.url(),
            d.fields() == null ? null : List.of(d.fields()), self))
        .toList();
    Object delay = webhook.delayAmount() == null ? List.of()
        : new Delay(webhook.delayAmount(), webhook.delayUnit());
    return new WebhookResource(href, webhook.id(), webhook.event(),
        webhook.enabled() ? "1" : "0", webhook.label(), parameters, delay,
        webhook.verifierToken(), webhook.headers(), webhook.secret(), webhook.createdAt(),
        webhook.updatedAt(), webhook.disabledReason(), webhook.disabledAt());
  }
}
