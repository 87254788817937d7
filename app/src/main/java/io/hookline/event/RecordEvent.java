package io.hookline.event;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.delivery.DeliveriesDue;
import io.hookline.delivery.DeliverySettings;
import io.hookline.delivery.DeliveryWorker;
import io.hookline.identity.PublicId;
import io.hookline.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Stores a POST /events request, its deliveries and its Idempotency-Key in one transaction, or
 * answers with the event a repeat stands for. Races between identical requests are settled by the
 * unique constraints, never by looking first: a repeated id waits in ON CONFLICT for the first
 * request's transaction (see {@link FanOut}); a repeated key fails its insert with 23505 once the
 * first request commits, and the loser rolls back its own event and answers with the winner's.
 */
@Singleton
final class RecordEvent {
  static final Duration KEY_LIFETIME = Duration.ofHours(24);
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";
  private static final String FIND_KEY = """
      SELECT request_hash, event_pk FROM hookline.idempotency_key
       WHERE tenant_id = ? AND key = ? AND created_at > ?""";
  private static final String DROP_EXPIRED_KEY = """
      DELETE FROM hookline.idempotency_key
       WHERE tenant_id = ? AND key = ? AND created_at <= ?""";
  private static final String REMEMBER_KEY = """
      INSERT INTO hookline.idempotency_key (tenant_id, key, request_hash, event_pk, created_at)
      VALUES (?, ?, ?, ?, ?)""";

  private final DataSource dataSource;
  private final EventEnvelopes envelopes;
  private final JsonMapper json;
  private final Clock clock;
  private final Counter eventsIn;
  private final DeliveriesDue due;
  private final DeliveryWorker worker;
  private final ClaimDueDeliveries claim;
  private final int handoffRoom;

  RecordEvent(DataSource dataSource, DataSourceResolver resolver, EventEnvelopes envelopes,
      JsonMapper json, Clock clock, MeterRegistry meters, DeliveriesDue due,
      DeliveryWorker worker, ClaimDueDeliveries claim, DeliverySettings settings) {
    this.due = due;
    this.worker = worker;
    this.claim = claim;
    // one event's deliveries, most often a few: a host's slots are plenty to ask for
    this.handoffRoom = settings.maxPerHost();
    this.dataSource = resolver.resolve(dataSource);
    this.envelopes = envelopes;
    this.json = json;
    this.clock = clock;
    this.eventsIn = Counter.builder("hookline.events.in").tag("source", "api")
        .description("Events stored, by where they came in").register(meters);
  }

  /** The stored event, and whether this request created it (else it repeats an earlier one). */
  record Outcome(Envelope envelope, boolean created) {}

  /** What a transaction did: the outcome, and the deliveries it wrote claimed for the worker. */
  private record Stored(Outcome outcome, List<ClaimedDelivery> handedOver, boolean dueNow) {}

  /**
   * {@code data} is the compact JSON of the request's data, already within the limit. When this
   * process's worker is caught up, the event's deliveries due at once are written claimed for it
   * and started once the transaction commits (see DeliveryWorker#offer), as the outbox relay's
   * are.
   */
  Outcome record(String tenant, IncomingEvent incoming, String data, @Nullable String key) {
    byte[] hash = key == null ? null : incoming.hash(json);
    for (int attempt = 1; ; attempt++) {
      Optional<DeliveryWorker.Handoff> handoff = worker.offer(handoffRoom);
      Stored stored = null;
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          Stored done = attempt(connection, tenant, incoming, data, key, hash, handoff);
          connection.commit();
          stored = done;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState()) && attempt < 3) {
          continue; // the concurrent request with this key won; the next attempt finds its key
        }
        if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
          throw ProblemException.notFound("Tenant");
        }
        throw new IllegalStateException("Could not store an event", e);
      } finally {
        // Committed: the claimed deliveries start now; otherwise the room is free again.
        if (handoff.isPresent() && stored != null) {
          worker.handOver(handoff.get(), stored.handedOver());
        } else {
          handoff.ifPresent(worker::withdraw);
        }
      }
      if (stored.outcome().created()) {
        eventsIn.increment();
        if (stored.dueNow()) {
          due.signal();
        }
      }
      return stored.outcome();
    }
  }

  private Stored attempt(Connection connection, String tenant, IncomingEvent incoming,
      String data, @Nullable String key, byte[] hash, Optional<DeliveryWorker.Handoff> handoff)
      throws SQLException {
    Instant now = clock.instant();
    Instant keysSince = now.minus(KEY_LIFETIME);
    if (key != null) {
      Optional<Outcome> repeat = repeatOf(connection, tenant, key, hash, keysSince);
      if (repeat.isPresent()) {
        return new Stored(repeat.get(), List.of(), false);
      }
      try (PreparedStatement drop = connection.prepareStatement(DROP_EXPIRED_KEY)) {
        drop.setString(1, tenant);
        drop.setString(2, key);
        drop.setObject(3, keysSince.atOffset(ZoneOffset.UTC));
        drop.executeUpdate();
      }
    }
    String id = incoming.id() == null ? PublicId.random("evt") : incoming.id();
    FanOut.ClaimFor claimFor = handoff.map(h -> h.claimFor(clock.instant())).orElse(null);
    FanOut.Batch batch = FanOut.storeAll(connection, List.of(new NewEvent(tenant, id,
        incoming.name(), data, NewEvent.createdAt(clock), NewEvent.Source.API)), claimFor);
    Optional<FanOut.Stored> stored = batch.events().getFirst();
    EventEnvelopes.Found event = (stored.isPresent()
        ? envelopes.byPk(connection, stored.get().pk()) : envelopes.byId(connection, tenant, id))
        .orElseThrow(() -> new IllegalStateException("Event " + id + " vanished"));
    if (key != null) {
      try (PreparedStatement remember = connection.prepareStatement(REMEMBER_KEY)) {
        remember.setString(1, tenant);
        remember.setString(2, key);
        remember.setBytes(3, hash);
        remember.setLong(4, event.pk());
        remember.setObject(5, now.atOffset(ZoneOffset.UTC));
        remember.executeUpdate();
      }
    }
    List<ClaimedDelivery> handedOver = handoff.isEmpty() ? List.of()
        : claim.claimed(connection, handoff.get().workerId(), batch.claimed());
    return new Stored(new Outcome(event.envelope(), stored.isPresent()), handedOver,
        stored.map(FanOut.Stored::dueNow).orElse(false));
  }

  /** The first event of a live key; 409 when the key was used for a different request. */
  private Optional<Outcome> repeatOf(Connection connection, String tenant, String key,
      byte[] hash, Instant keysSince) throws SQLException {
    try (PreparedStatement find = connection.prepareStatement(FIND_KEY)) {
      find.setString(1, tenant);
      find.setString(2, key);
      find.setObject(3, keysSince.atOffset(ZoneOffset.UTC));
      try (ResultSet row = find.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        if (!MessageDigest.isEqual(row.getBytes(1), hash)) {
          throw new ProblemException(HttpStatus.CONFLICT, "This " + IncomingEvent.IDEMPOTENCY_KEY
              + " was used in the last 24 hours for a different request");
        }
        return envelopes.byPk(connection, row.getLong(2))
            .map(found -> new Outcome(found.envelope(), false));
      }
    }
  }
}
