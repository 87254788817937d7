package io.hookline.subscription;

import io.hookline.auth.Caller;
import io.hookline.problem.Problem;
import io.hookline.problem.Problem.FieldError;
import io.hookline.problem.ProblemException;
import io.hookline.target.TargetPolicy;
import io.hookline.tenant.TenantRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.util.HttpHostResolver;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The /webHooks subscription API, in the shape of Shoprenter's WebHook resource. */
@Controller("/webHooks")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "webHooks", description = "Subscriptions: which events go where")
@ApiResponse(responseCode = "400", description = "Invalid input; errors names every bad field",
    content = @Content(mediaType = Problem.MEDIA_TYPE,
        schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "401", description = "Missing, wrong or revoked key",
    content = @Content(mediaType = Problem.MEDIA_TYPE,
        schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "404", description = "No such webhook for this tenant",
    content = @Content(mediaType = Problem.MEDIA_TYPE,
        schema = @Schema(implementation = Problem.class)))
final class WebhookController {
  static final String WEBHOOK_SCHEMA = "#/components/schemas/WebHook";
  static final int DEFAULT_LIMIT = 25;
  static final int MAX_LIMIT = 200;

  private final WebhookRepository webhooks;
  private final DestinationRepository destinations;
  private final WebhookChanges changes;
  private final TenantRepository tenants;
  private final TargetPolicy targets;
  private final HttpHostResolver hosts;

  WebhookController(WebhookRepository webhooks, DestinationRepository destinations,
      WebhookChanges changes, TenantRepository tenants, TargetPolicy targets,
      HttpHostResolver hosts) {
    this.webhooks = webhooks;
    this.destinations = destinations;
    this.changes = changes;
    this.tenants = tenants;
    this.targets = targets;
    this.hosts = hosts;
  }

  @Post
  @Operation(operationId = "createWebHook", summary = "Create a webhook",
      description = "Admin callers name the tenant with the tenant query parameter or body"
          + " field. Read-only fields are ignored.")
  @ApiResponse(responseCode = "201", description = "Created; Location is its href",
      content = @Content(mediaType = "application/json", schema = @Schema(ref = WEBHOOK_SCHEMA)))
  HttpResponse<WebhookResource> create(@Parameter(hidden = true) Caller caller,
      HttpRequest<?> request, @Nullable @QueryValue String tenant,
      @Nullable @Body @Schema(ref = WEBHOOK_SCHEMA) JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    String tenantId = tenantOf(caller, tenant != null ? tenant : bodyTenant(body), errors);
    WebhookForm form = WebhookForm.read(body, targets, errors);
    if (form == null || !errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    if (caller instanceof Caller.Admin && !tenants.existsById(tenantId)) {
      throw ProblemException.notFound("Tenant");
    }
    WebhookResource created = view(request, changes.create(tenantId, form));
    return HttpResponse.created(created, URI.create(created.href()));
  }

  @Get
  @Operation(operationId = "listWebHooks", summary = "List webhooks, oldest first",
      description = "Pages count from 0; limit is 1 to 200 (default 25).")
  WebhookPage list(@Parameter(hidden = true) Caller caller, HttpRequest<?> request,
      @Nullable @QueryValue String page, @Nullable @QueryValue String limit,
      @Nullable @QueryValue String tenant) {
    List<FieldError> errors = new ArrayList<>();
    String tenantId = tenantOf(caller, tenant, errors);
    long pageNumber = WebhookPage.parameter(page, "page", 0, 0, Integer.MAX_VALUE, errors);
    int size = (int) WebhookPage.parameter(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    if (caller instanceof Caller.Admin && !tenants.existsById(tenantId)) {
      throw ProblemException.notFound("Tenant");
    }
    String base = hosts.resolve(request) + "/webHooks?page=";
    String suffix = "&limit=" + size + (tenant == null ? ""
        : "&tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
    List<Webhook> rows = webhooks.page(tenantId, size, pageNumber * size);
    return WebhookPage.of(pageNumber, size, webhooks.countLive(tenantId),
        n -> base + n + suffix, views(request, rows));
  }

  @Get("/{id}")
  @Operation(operationId = "getWebHook",
      summary = "Show a webhook, with its signing secret")
  WebhookResource show(@Parameter(hidden = true) Caller caller, HttpRequest<?> request,
      String id, @Nullable @QueryValue String tenant) {
    return view(request, webhooks.findLive(id, caller.tenantOrAll(tenant))
        .orElseThrow(() -> ProblemException.notFound("Webhook")));
  }

  @Put("/{id}")
  @Operation(operationId = "replaceWebHook", summary = "Replace a webhook",
      description = "The whole resource: omitted optional fields are cleared. Read-only"
          + " fields, the secret among them, are ignored. status \"0\" drops its pending"
          + " deliveries; \"1\" re-enables one that endpoint health disabled.")
  WebhookResource replace(@Parameter(hidden = true) Caller caller, HttpRequest<?> request,
      String id, @Nullable @QueryValue String tenant,
      @Nullable @Body @Schema(ref = WEBHOOK_SCHEMA) JsonNode body) {
    String scope = caller.tenantOrAll(tenant != null ? tenant : bodyTenant(body));
    List<FieldError> errors = new ArrayList<>();
    WebhookForm form = WebhookForm.read(body, targets, errors);
    if (form == null) {
      throw ProblemException.invalid(errors);
    }
    return view(request, changes.replace(id, scope, form)
        .orElseThrow(() -> ProblemException.notFound("Webhook")));
  }

  @Delete("/{id}")
  @Operation(operationId = "deleteWebHook", summary = "Delete a webhook",
      description = "Its pending deliveries are dropped;"
          + " its delivery history stays readable and replayable.")
  @ApiResponse(responseCode = "204", description = "Deleted")
  HttpResponse<Void> delete(@Parameter(hidden = true) Caller caller, String id,
      @Nullable @QueryValue String tenant) {
    if (!changes.delete(id, caller.tenantOrAll(tenant))) {
      throw ProblemException.notFound("Webhook");
    }
    return HttpResponse.noContent();
  }

  @Post("/{id}/secret/rotate")
  @Operation(operationId = "rotateWebHookSecret",
      summary = "Rotate the signing secret",
      description = "The old secret keeps signing beside the new one for 24 hours.")
  WebhookResource rotateSecret(@Parameter(hidden = true) Caller caller, HttpRequest<?> request,
      String id, @Nullable @QueryValue String tenant) {
    return view(request, changes.rotateSecret(id, caller.tenantOrAll(tenant))
        .orElseThrow(() -> ProblemException.notFound("Webhook")));
  }

  /** The tenant to act on; an admin who names none gets a complaint beside the body's. */
  @Nullable
  private static String tenantOf(Caller caller, @Nullable String named, List<FieldError> errors) {
    try {
      return caller.tenant(named);
    } catch (ProblemException e) {
      if (e.status() != HttpStatus.BAD_REQUEST || e.errors() == null) {
        throw e;
      }
      errors.addAll(e.errors());
      return null;
    }
  }

  @Nullable
  private static String bodyTenant(@Nullable JsonNode body) {
    JsonNode tenant = body != null && body.isObject() ? body.get("tenant") : null;
    return tenant != null && tenant.isString() ? tenant.getStringValue() : null;
  }

  private WebhookResource view(HttpRequest<?> request, Webhook webhook) {
    return views(request, List.of(webhook)).get(0);
  }

  private List<WebhookResource> views(HttpRequest<?> request, List<Webhook> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, List<Destination>> byWebhook = destinations
        .findLive(rows.stream().map(Webhook::id).toList()).stream()
        .collect(Collectors.groupingBy(Destination::webhookId));
    String base = hosts.resolve(request);
    return rows.stream().map(w -> WebhookResource.of(base, w,
        byWebhook.getOrDefault(w.id(), List.of()))).toList();
  }
}
