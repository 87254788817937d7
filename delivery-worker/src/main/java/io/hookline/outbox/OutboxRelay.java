package io.hookline.outbox;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.delivery.DeliveriesDue;
import io.hookline.delivery.DeliveryWorker;
import io.hookline.event.EventLimits;
import io.hookline.event.FanOut;
import io.hookline.event.NewEvent;
import io.hookline.identity.PublicId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed outbox rows into events and deliveries. Each call claims the oldest
 * unprocessed rows with FOR UPDATE SKIP LOCKED and handles them in one transaction, so any number
 * of relays may run at once: a row is locked by one of them, and once that one commits it is
 * gone (or rejected) for all. Nothing remembers how far it got: a row whose transaction commits
 * late, after higher ids were relayed, is still unprocessed and is found by the next claim.
 *
 * <p>A relayed row is deleted in the same transaction that stores its event: the event row is
 * the durable record, so keeping the outbox row adds nothing, and deleting keeps the outbox down
 * to rows in flight and rejected rows, which the claim and the gauges scan. Rejected rows are
 * kept with {@code processed_at} and their reason, never silently skipped; removing them is the
 * operators' call.
 */
@Singleton
public final class OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  // The claim is materialized on its own so that only rows this relay locked are rendered as
  // text, each once (the lateral subquery is not flattened, so its one rendering is what both
  // the length and the text are taken from). The data itself stays in PostgreSQL (FanOut copies
  // it into the event); its text, unless it is over twice the limit, comes back here: to be
  // measured in its compact form when it is over the limit (see OutboxRow), and otherwise
  // handed with the event's deliveries to the worker, which would have read the text back.
  private static final String CLAIM = """
      WITH claimed AS MATERIALIZED (
        SELECT id FROM hookline.outbox
         WHERE processed_at IS NULL
         ORDER BY id
         LIMIT ?
           FOR UPDATE SKIP LOCKED
      )
      SELECT o.id, o.tenant_id, o.event, o.event_id, jsonb_typeof(o.data), octet_length(t.text),
             CASE WHEN octet_length(t.text) <= ? THEN t.text END,
             EXISTS (SELECT 1 FROM hookline.tenant tn WHERE tn.id = o.tenant_id)
        FROM claimed JOIN hookline.outbox o USING (id)
       CROSS JOIN LATERAL (SELECT o.data::text AS text OFFSET 0) t
       ORDER BY o.id""";
  private static final String DELETE_RELAYED = "DELETE FROM hookline.outbox WHERE id = ANY (?)";
  private static final String REJECT =
      "UPDATE hookline.outbox SET processed_at = ?, rejected = ? WHERE id = ?";

  // Deliveries per event stored by the last batch (at least one): how many outbox rows a batch
  // of deliveries is.
  private volatile double deliveriesPerEvent = 1.0;
  // Of those, the ones that take a handoff's room (due now, to hosts not left out), as the last
  // batch found them (at least one): how many outbox rows a backlog's room has deliveries for.
  private volatile double roomPerEvent = 1.0;

  private final DataSource dataSource;
  private final EventLimits limits;
  private final OutboxSettings settings;
  private final JsonMapper json;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Counter eventsIn;
  private final DeliveriesDue due;
  private final DeliveryWorker worker;
  private final ClaimDueDeliveries claim;

  OutboxRelay(DataSource dataSource, DataSourceResolver resolver, EventLimits limits,
      OutboxSettings settings, JsonMapper json, Clock clock, MeterRegistry meters,
      DeliveriesDue due, DeliveryWorker worker, ClaimDueDeliveries claim) {
    this.due = due;
    this.worker = worker;
    this.claim = claim;
    // The raw pool: the relay commits its own transactions.
    this.dataSource = resolver.resolve(dataSource);
    this.limits = limits;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
    this.meters = meters;
    this.eventsIn = Counter.builder("hookline.events.in").tag("source", "outbox")
        .description("Events stored, by where they came in").register(meters);
    rowGauge("unprocessed", "processed_at IS NULL");
    rowGauge("rejected", "rejected IS NOT NULL");
  }

  /**
   * Claims up to a batch of unprocessed rows and relays them in one transaction; answers how many
   * rows it claimed (fewer than the batch size: the outbox is drained for now).
   */
  public int relayOnce() throws SQLException {
    // Room in this process's worker for the deliveries about to be made, if it is caught up.
    return relay(worker.offer(), settings.batchSize());
  }

  /**
   * One batch of a backlog (the last batch was full): as many events as this process's worker
   * can start the deliveries of at once (at most a host's fill, see
   * {@link DeliveryWorker#offerForBacklog}; at the deliveries per event that took room in the
   * last batch, see {@link #roomPerEvent}), all
   * handed over, after waiting up to backlog-wait for that room. Without this, a backlog would
   * be written pending as fast as the relay goes, and every delivery rewritten by a claim of its
   * own: about a fifth of PostgreSQL's work per delivery in a drain. Without room by then, as
   * {@link #relayOnce()} does, but no more rows than batch-size deliveries need at that fan-out
   * (a tenth of the rows when each event goes to ten destinations): the outbox keeps moving
   * when this worker is full, and a moment without room (a slow commit of the outcomes) costs
   * the next batch a claim of its own, not a whole batch of events' worth.
   *
   * @return whether the batch was full (more rows may be waiting)
   */
  public boolean relayBacklog() throws SQLException {
    Optional<DeliveryWorker.Handoff> handoff =
        worker.offerForBacklog(settings.batchSize(), settings.backlogWait());
    if (handoff.isPresent()) {
      // as many events as the room has deliveries for, at the last batch's fan-out (and no
      // more than a batch of deliveries when most go to hosts left out)
      int rows = Math.max(1, (int) Math.min(handoff.get().room() / roomPerEvent,
          settings.batchSize() / deliveriesPerEvent));
      return relay(handoff, rows) >= rows;
    }
    int rows = Math.max(1, (int) (settings.batchSize() / deliveriesPerEvent));
    return relay(worker.offer(), rows) >= rows;
  }

  private int relay(Optional<DeliveryWorker.Handoff> handoff, int limit) throws SQLException {
    Relayed relayed = null;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Relayed done = relay(connection, handoff, limit);
        connection.commit();
        relayed = done;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } finally {
      // Committed: the claimed deliveries start now; otherwise the room is free again.
      if (handoff.isPresent() && relayed != null) {
        worker.handOver(handoff.get(), relayed.handedOver());
      } else {
        handoff.ifPresent(worker::withdraw);
      }
    }
    if (relayed.dueNow()) {
      due.signal(relayed.dueHosts());
    }
    eventsIn.increment(relayed.stored());
    relayed.rejections().forEach(code -> Counter.builder("hookline.outbox.rejected")
        .tag("reason", code).description("Outbox rows kept as rejected, by reason")
        .register(meters).increment());
    return relayed.claimed();
  }

  public int batchSize() {
    return settings.batchSize();
  }

  /**
   * What a relay transaction did: rows claimed, events stored, whether deliveries due now were
   * left for the workers' claims and their hosts (empty: not named), rejection reasons,
   * deliveries written claimed for the handoff.
   */
  private record Relayed(int claimed, int stored, boolean dueNow, List<String> dueHosts,
      List<String> rejections, List<ClaimedDelivery> handedOver) {}

  private Relayed relay(Connection connection, Optional<DeliveryWorker.Handoff> handoff,
      int limit) throws SQLException {
    List<OutboxRow> rows = claim(connection, limit);
    List<Long> relayed = new ArrayList<>();
    List<String> rejectionCodes = new ArrayList<>();
    List<FanOut.FromOutbox> events = new ArrayList<>();
    List<OutboxRow> accepted = new ArrayList<>();
    try (PreparedStatement reject = connection.prepareStatement(REJECT)) {
      for (OutboxRow row : rows) {
        List<OutboxRow.Rejection> rejections = row.rejections(limits, json);
        if (!rejections.isEmpty()) {
          String reason = rejections.stream().map(OutboxRow.Rejection::message)
              .collect(Collectors.joining("; "));
          LOG.warn("Outbox row {} of tenant {} is rejected and kept: {}", row.id(),
              row.tenantId(), reason);
          reject.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
          reject.setString(2, reason);
          reject.setLong(3, row.id());
          reject.addBatch();
          rejections.forEach(r -> rejectionCodes.add(r.code()));
          continue;
        }
        String id = row.eventId() == null ? PublicId.random("evt") : row.eventId();
        events.add(new FanOut.FromOutbox(row.id(), row.tenantId(), id,
            NewEvent.createdAt(clock)));
        accepted.add(row);
        relayed.add(row.id());
      }
      if (!rejectionCodes.isEmpty()) {
        reject.executeBatch();
      }
    }
    // One statement stores the whole batch's events and deliveries; with room in this
    // process's worker, those due at once are written claimed for it, up to that room.
    FanOut.ClaimFor claimFor = handoff.map(h -> h.claimFor(clock.instant())).orElse(null);
    FanOut.Batch batch = FanOut.storeFromOutbox(connection, events, claimFor);
    List<Optional<FanOut.Stored>> fanned = batch.events();
    int stored = 0;
    long deliveries = 0;
    boolean dueNow = false;
    for (int i = 0; i < fanned.size(); i++) {
      if (fanned.get(i).isPresent()) {
        stored++;
        deliveries += fanned.get(i).get().deliveries();
        dueNow |= fanned.get(i).get().dueNow();
      } else {
        LOG.info("Outbox row {}: tenant {} already has event {}; relayed without a second one",
            relayed.get(i), accepted.get(i).tenantId(), events.get(i).id());
      }
    }
    if (!relayed.isEmpty()) {
      try (PreparedStatement delete = connection.prepareStatement(DELETE_RELAYED)) {
        delete.setArray(1, connection.createArrayOf("bigint", relayed.toArray()));
        delete.executeUpdate();
      }
    }
    if (stored > 0) {
      deliveriesPerEvent = Math.max(1.0, (double) deliveries / stored);
      roomPerEvent = roomPerEvent(stored, deliveries, batch.claimed().size(), claimFor);
    }
    List<ClaimedDelivery> handedOver = List.of();
    if (handoff.isPresent()) {
      // the events' data as the claim rendered it, so that the read-back need not again
      Map<Long, byte[]> data = new HashMap<>();
      for (int i = 0; i < fanned.size(); i++) {
        int row = i;
        fanned.get(i).ifPresent(event -> data.put(event.pk(), accepted.get(row).data()));
      }
      handedOver = claim.claimed(connection, handoff.get().workerId(), batch.claimed(), data);
    }
    return new Relayed(rows.size(), stored, dueNow, batch.dueHosts(), rejectionCodes,
        handedOver);
  }

  /**
   * Deliveries per event that took room, at least one. With room left over, every delivery that
   * could be handed over was: those written claimed. A host left out (hanging, say) takes none,
   * so one endpoint down of ten lets a batch take a ninth more events instead of leaving a tenth
   * of its room unused. With the room used up, or without a handoff, every delivery is counted:
   * an estimate too low would write the deliveries beyond the room pending, each to be claimed
   * again.
   */
  static double roomPerEvent(int stored, long deliveries, int claimed, FanOut.ClaimFor claimFor) {
    long took = claimFor != null && claimed < claimFor.room() ? claimed : deliveries;
    return Math.max(1.0, (double) took / stored);
  }

  private List<OutboxRow> claim(Connection connection, int limit) throws SQLException {
    List<OutboxRow> rows = new ArrayList<>();
    try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
      claim.setInt(1, limit);
      claim.setLong(2, OutboxRow.measuredUpTo(limits));
      try (ResultSet result = claim.executeQuery()) {
        while (result.next()) {
          rows.add(new OutboxRow(result.getLong(1), result.getString(2), result.getString(3),
              result.getString(4), result.getString(5), result.getLong(6), result.getBytes(7),
              result.getBoolean(8)));
        }
      }
    }
    return rows;
  }

  /** Outbox rows in a state, counted when scraped (the outbox holds only those, so it is cheap). */
  private void rowGauge(String state, String predicate) {
    String sql = "SELECT count(*) FROM hookline.outbox WHERE " + predicate;
    Gauge.builder("hookline.outbox.rows", () -> count(sql)).tag("state", state)
        .description("Outbox rows waiting to be relayed, and rejected rows kept")
        .register(meters);
  }

  private double count(String sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(5);
      try (ResultSet result = statement.executeQuery(sql)) {
        result.next();
        return result.getLong(1);
      }
    } catch (SQLException e) {
      LOG.debug("Could not count outbox rows: {}", e.getMessage());
      return Double.NaN;
    }
  }
}
