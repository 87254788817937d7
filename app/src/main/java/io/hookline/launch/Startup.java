package io.hookline.launch;

import io.hookline.database.DatabaseUrl;
import io.hookline.database.LocalPostgres;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code serve} and {@code worker} share: find the database (HOOKLINE_DATABASE_URL, or an
 * embedded PostgreSQL in HOOKLINE_DATA_DIR), settle the admin token, and start Micronaut.
 */
public final class Startup {
  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

  private Startup() {}

  /** A started Hookline: its context and, when it runs one, its embedded database. */
  public record Running(ApplicationContext context, LocalPostgres embedded) implements AutoCloseable {
    @Override
    public void close() {
      context.close();
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /**
   * Starts for the process: reads the real environment and stops cleanly on SIGTERM. With the
   * HTTP server, Micronaut's own shutdown hook closes the context (closing it from a second hook
   * as well deadlocks), so this hook only waits for that before stopping the embedded database,
   * which the worker's graceful shutdown still needs to release its claims.
   */
  public static Running start(boolean server, boolean worker) {
    Running running = start(System.getenv(), server, worker, Map.of());
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (server) {
        awaitStopped(running.context(), Duration.ofSeconds(90));
      } else {
        running.context().close();
      }
      if (running.embedded() != null) {
        running.embedded().close();
      }
    }, "hookline-stop"));
    return running;
  }

  private static void awaitStopped(ApplicationContext context, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (context.isRunning() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    }
  }

  public static Running start(Map<String, String> env, boolean server, boolean worker,
      Map<String, Object> overrides) {
    Path dataDir = Path.of(value(env, "HOOKLINE_DATA_DIR", "hookline-data")).toAbsolutePath()
        .normalize();
    Map<String, Object> properties = new HashMap<>();
    LocalPostgres embedded = null;
    String url = value(env, "HOOKLINE_DATABASE_URL", null);
    if (url != null) {
      DatabaseUrl database = DatabaseUrl.parse(url);
      LOG.info("Using PostgreSQL at {}", database);
      properties.putAll(database.properties());
    } else {
      embedded = LocalPostgres.start(dataDir);
      properties.put("datasources.default.url", embedded.jdbcUrl());
      properties.put("datasources.default.username", embedded.user());
      properties.put("datasources.default.password", embedded.password());
    }
    if (value(env, "HOOKLINE_ADMIN_TOKEN", null) == null) {
      properties.put("hookline.admin-token", AdminTokenFile.readOrCreate(dataDir));
    }
    properties.put("hookline.worker.enabled", worker);
    // The contract's short name for hookline.delivery.allow-private-targets.
    String allowPrivate = value(env, "HOOKLINE_ALLOW_PRIVATE_TARGETS", null);
    if (allowPrivate != null) {
      properties.put("hookline.delivery.allow-private-targets", allowPrivate);
    }
    properties.putAll(overrides);
    try {
      ApplicationContext context;
      if (server) {
        context = Micronaut.build(new String[0]).mainClass(Startup.class).banner(false)
            .properties(properties).start();
      } else {
        properties.put("micronaut.server.enabled", false);
        context = ApplicationContext.builder().properties(properties)
            .environments(Environment.CLI).banner(false).start();
      }
      return new Running(context, embedded);
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
