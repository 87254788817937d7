package io.hookline.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery meters: attempts by outcome, attempt latency (with a histogram), attempts in
 * flight, and the due queue (depth and age of its oldest row). The queue figures come from a
 * periodic query, so a scrape never touches the database.
 */
@Singleton
@Requires(beans = DataSource.class)
public class DeliveryMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryMetrics.class);
  private static final String QUEUE = """
      SELECT count(*), min(next_attempt_at) FROM hookline.delivery
       WHERE status = 'pending' AND next_attempt_at <= ?
      """;

  private final MeterRegistry registry;
  private final DataSource dataSource;
  private final Clock clock;
  private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Timer latency;
  private final Counter handedOver;
  private final AtomicLong due = new AtomicLong();
  private final AtomicLong oldestDueMillis = new AtomicLong();

  DeliveryMetrics(MeterRegistry registry, DataSource dataSource, DataSourceResolver resolver,
      Clock clock) {
    this.registry = registry;
    this.dataSource = resolver.resolve(dataSource);
    this.clock = clock;
    this.latency = Timer.builder("hookline.delivery.attempt.duration")
        .description("How long delivery attempts take, answer or not")
        .publishPercentileHistogram()
        .register(registry);
    this.handedOver = Counter.builder("hookline.delivery.handed.over")
        .description("Deliveries created claimed for this worker (by the outbox relay or"
            + " POST /events) and started without a claim of their own")
        .register(registry);
    Gauge.builder("hookline.delivery.queue.depth", due, AtomicLong::get)
        .description("Pending deliveries that are due now").register(registry);
    Gauge.builder("hookline.delivery.queue.oldest.age", oldestDueMillis, v -> v.get() / 1000.0)
        .baseUnit("seconds")
        .description("How long the oldest due delivery has been waiting").register(registry);
  }

  void attempted(Outcome outcome, Duration took) {
    attempts.computeIfAbsent(outcome.attemptOutcome(), o -> Counter.builder(
            "hookline.delivery.attempts").tag("outcome", o)
        .description("Delivery attempts by outcome").register(registry)).increment();
    latency.record(took);
  }

  void handedOver(int deliveries) {
    handedOver.increment(deliveries);
  }

  void inFlight(Supplier<Number> inFlight) {
    Gauge.builder("hookline.delivery.in.flight", inFlight)
        .description("Delivery attempts running in this process").register(registry);
  }

  /** Refreshes the queue gauges; runs in every process that shares the database. */
  @Scheduled(fixedDelay = "${hookline.delivery.queue-metrics-interval:15s}",
      initialDelay = "1s")
  public void refreshQueue() {
    Instant now = clock.instant();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(QUEUE)) {
      query.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      try (ResultSet row = query.executeQuery()) {
        row.next();
        due.set(row.getLong(1));
        OffsetDateTime oldest = row.getObject(2, OffsetDateTime.class);
        oldestDueMillis.set(oldest == null ? 0
            : Math.max(0, Duration.between(oldest.toInstant(), now).toMillis()));
      }
    } catch (SQLException e) {
      LOG.warn("Could not refresh the delivery queue gauges: {}", e.getMessage());
    }
  }
}
