package io.hookline.api;

import io.hookline.problem.ProblemException;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Hookline's OpenAPI document: written at compile time by micronaut-openapi from the controllers
 * (file name set in app/pom.xml) and served as it is at GET /openapi.yml, without a token.
 */
@OpenAPIDefinition(
    info = @Info(title = "Hookline", version = "0.1",
        description = "Self-hosted webhook sending: subscriptions (/webHooks), events in,"
            + " deliveries out. Every call but /health and /metrics needs"
            + " Authorization: Bearer <API key or admin token>. Errors are"
            + " application/problem+json.",
        license = @License(name = "Apache-2.0")),
    security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
    description = "A tenant's API key (hkl_…) or the admin token")
@Controller
@Hidden
final class OpenApiDocument {
  static final String RESOURCE = "META-INF/swagger/hookline.yml";

  @Get(value = "/openapi.yml", produces = "application/yaml")
  byte[] yaml() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new ProblemException(HttpStatus.NOT_FOUND, "This build has no OpenAPI document");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
