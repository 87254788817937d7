package io.hookline.subscription;

import io.hookline.identity.PublicId;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Every change to a webhook that touches more than one row, each in one transaction: a webhook
 * and its destinations are written together or not at all, and disabling or deleting one drops
 * its pending deliveries in the same commit.
 */
@Singleton
class WebhookChanges {
  /** How long a rotated-out secret keeps signing, so receivers can switch without a gap. */
  static final Duration PREVIOUS_SECRET_LIFETIME = Duration.ofHours(24);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookRepository webhooks;
  private final DestinationRepository destinations;
  private final JsonMapper json;
  private final Clock clock;

  WebhookChanges(WebhookRepository webhooks, DestinationRepository destinations, JsonMapper json,
      Clock clock) {
    this.webhooks = webhooks;
    this.destinations = destinations;
    this.json = json;
    this.clock = clock;
  }

  @Transactional
  public Webhook create(String tenantId, WebhookForm form) {
    String id = PublicId.random("wh");
    Delay delay = form.delay();
    webhooks.insert(id, tenantId, form.event(), form.enabled(), form.label(),
        delay == null ? null : delay.delay(), delay == null ? null : delay.delayUnit(),
        form.verifierToken(), headersJson(form), newSecret(), now());
    insertDestinations(id, form.destinations());
    return webhooks.findLive(id, tenantId).orElseThrow();
  }

  /** Replaces a live webhook of the scope (null: any tenant); empty when there is none. */
  @Transactional
  public Optional<Webhook> replace(String id, String scope, WebhookForm form) {
    if (webhooks.findLive(id, scope).isEmpty()) {
      return Optional.empty();
    }
    Instant now = now();
    Delay delay = form.delay();
    // The webhook row is updated first: its row lock orders concurrent PUTs of one webhook, so
    // each sees the destinations the previous one committed.
    if (webhooks.replace(id, form.event(), form.enabled(), form.label(),
        delay == null ? null : delay.delay(), delay == null ? null : delay.delayUnit(),
        form.verifierToken(), headersJson(form), now) == 0) {
      return Optional.empty();
    }
    destinations.markAllRemoved(id, now);
    insertDestinations(id, form.destinations());
    if (!form.enabled()) {
      webhooks.dropPendingDeliveries(id, "webhook disabled", now);
    }
    return webhooks.findLive(id, scope);
  }

  @Transactional
  public boolean delete(String id, String scope) {
    if (webhooks.findLive(id, scope).isEmpty()) {
      return false;
    }
    Instant now = now();
    if (webhooks.markDeleted(id, now) == 0) {
      return false;
    }
    webhooks.dropPendingDeliveries(id, "webhook deleted", now);
    return true;
  }

  @Transactional
  public Optional<Webhook> rotateSecret(String id, String scope) {
    if (webhooks.findLive(id, scope).isEmpty()) {
      return Optional.empty();
    }
    Instant now = now();
    webhooks.rotateSecret(id, newSecret(), now.plus(PREVIOUS_SECRET_LIFETIME), now);
    return webhooks.findLive(id, scope);
  }

  private void insertDestinations(String webhookId, List<DestinationForm> forms) {
    for (int position = 0; position < forms.size(); position++) {
      DestinationForm form = forms.get(position);
      destinations.insert(webhookId, position, form.format(), form.url(),
          form.fields() == null ? null : form.fields().toArray(String[]::new));
    }
  }

  private String headersJson(WebhookForm form) {
    try {
      return json.writeValueAsString(form.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Standard Webhooks' form: whsec_ and the base64 of 32 random bytes. */
  static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }
}
