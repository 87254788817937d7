package io.hookline.claim;

import io.hookline.database.QueuePlans;
import io.hookline.payload.EventData;
import io.hookline.sign.Signature;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Claims a batch of due deliveries in one statement and commits at once: the rows become
 * 'sending' with this worker's name and a lease; no lock or connection is held afterwards.
 * SKIP LOCKED lets any number of workers claim side by side without waiting or overlapping.
 */
@Singleton
public final class ClaimDueDeliveries {
  /**
   * The first look: the oldest due rows, a window a few batches deep, and whether each is of a
   * host left out. Reading a bounded window keeps the claim cheap however many due rows a busy
   * host has at the head of the queue; the window is wider than the batch so that rows other
   * workers are claiming at the same moment (locked, skipped) do not leave it short. Read on its
   * own, in the due index's order ({@link QueuePlans#inIndexOrder}).
   */
  private static final String WINDOW = """
      SELECT id, host <> ALL (?), next_attempt_at FROM hookline.delivery
       WHERE status = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at
       LIMIT ?""";

  /**
   * The window's rows of hosts not left out, oldest first (rechecked once locked). Given as ids
   * and found by primary key only: 'pending' is compared through a sub-select so that no partial
   * index on pending rows qualifies. Joined to the window in one statement, the planner, on stale
   * statistics, scanned every pending row for each claim (50-120 ms a claim in a drain).
   */
  private static final String OLDEST_FIRST = """
      WITH due AS MATERIALIZED (
          SELECT d.id FROM hookline.delivery d
           WHERE d.id = ANY (?) AND d.status = (SELECT 'pending') AND d.next_attempt_at <= ?
           ORDER BY d.next_attempt_at
           LIMIT ?
             FOR UPDATE OF d SKIP LOCKED
      )""";

  /**
   * The second look, when the window was all left-out hosts: every host with pending rows, found
   * by a skip scan of delivery_due_host (one index probe per host), and each host's oldest due
   * rows, an equal share of the batch each (at least perHost). So a host that is slow, hanging
   * or merely busy never hides the rows of other hosts queued behind its backlog.
   *
   * <p>A host's rows are bounded by row comparisons on (host, next_attempt_at), which only
   * delivery_due_host can answer in order. Written as {@code host = ? AND next_attempt_at <= ?},
   * the planner, on stale statistics, walked delivery_due instead and read past every due row of
   * the hosts left out (17,500 rows of a hanging host: 14 ms of a 37 ms claim of 500; 1.3 ms
   * this way).
   */
  private static final String HOST_BY_HOST = """
      WITH RECURSIVE hosts (host) AS (
          (SELECT host FROM hookline.delivery WHERE status = 'pending' ORDER BY host LIMIT 1)
          UNION ALL
          SELECT (SELECT d.host FROM hookline.delivery d
                   WHERE d.status = 'pending' AND d.host > h.host
                   ORDER BY d.host LIMIT 1)
            FROM hosts h
           WHERE h.host IS NOT NULL
      ), eligible AS MATERIALIZED (
          SELECT host FROM hosts WHERE host IS NOT NULL AND host <> ALL (?)
      ), due AS MATERIALIZED (
          SELECT p.id FROM eligible h
           CROSS JOIN LATERAL (
               SELECT d.id FROM hookline.delivery d
                WHERE (d.host, d.next_attempt_at) >= (h.host, '-infinity'::timestamptz)
                  AND (d.host, d.next_attempt_at) <= (h.host, ?)
                  AND d.status = 'pending'
                ORDER BY d.host, d.next_attempt_at
                -- an equal share of the batch for each host, and at least perHost
                LIMIT (SELECT greatest(?, ceil(?::numeric / greatest(count(*), 1)))::int
                         FROM eligible)
                  FOR UPDATE SKIP LOCKED) p
           LIMIT ?
      )""";

  /** The host-by-host claim, for tests of its plan. */
  static String hostByHostClaim() {
    return HOST_BY_HOST + CLAIM;
  }

  /**
   * What sending needs of each row {@code claimed} holds, with its event and webhook; the data
   * column is the expression put in for the placeholder.
   */
  private static final String READ_WITH = """
      SELECT c.id, c.url, c.attempt_count, c.schedule_step, c.retry, c.next_trigger,
             e.pk, e.id AS event_id, e.event, e.created_at, %s AS data,
             w.id AS webhook_id, w.secret, w.previous_secret, w.previous_secret_until,
             w.verifier_token, w.enabled, w.deleted_at IS NOT NULL AS deleted,
             -- most webhooks have no headers of their own: no sub-selects for those
             CASE WHEN w.headers <> '{}'::jsonb THEN
                 ARRAY(SELECT h.key FROM jsonb_each_text(w.headers) h ORDER BY h.key) END
                 AS header_names,
             CASE WHEN w.headers <> '{}'::jsonb THEN
                 ARRAY(SELECT h.value FROM jsonb_each_text(w.headers) h ORDER BY h.key) END
                 AS header_values,
             dst.format, dst.fields
        FROM claimed c
        JOIN hookline.event e ON e.pk = c.event_pk
        JOIN hookline.webhook w ON w.id = c.webhook_id
        JOIN hookline.destination dst ON dst.id = c.destination_id
       ORDER BY c.event_pk, c.id
      """;

  /** As {@link #READ_WITH}, each event's data once per batch, however many webhooks it goes to. */
  private static final String READ = READ_WITH.formatted("""
      CASE WHEN row_number() OVER (PARTITION BY c.event_pk ORDER BY c.id) = 1
           THEN e.data::text END""");

  /** Marks what {@code due} holds as claimed and reads what sending needs, in one statement. */
  private static final String CLAIM = """
      , claimed AS (
          UPDATE hookline.delivery d
             SET status = 'sending', claimed_by = ?, claimed_until = ?, updated_at = ?
           WHERE d.id IN (SELECT id FROM due)
       RETURNING d.id, d.event_pk, d.webhook_id, d.destination_id, d.url, d.attempt_count,
                 d.schedule_step, d.retry, d.next_trigger
      )
      """ + READ;

  /**
   * Deliveries already claimed by the worker, by id: those a fan-out wrote claimed
   * (FanOut.ClaimFor), read inside the transaction that wrote them. Found by primary key only
   * ('sending' through a sub-select, so that delivery_lease cannot qualify; see OLDEST_FIRST).
   */
  private static final String CLAIMED_BY_ID = """
      WITH claimed AS (
          SELECT d.id, d.event_pk, d.webhook_id, d.destination_id, d.url, d.attempt_count,
                 d.schedule_step, d.retry, d.next_trigger
            FROM hookline.delivery d
           WHERE d.id = ANY (?) AND d.claimed_by = ? AND d.status = (SELECT 'sending')
      )
      """;

  /** Those, with their events' data. */
  private static final String CLAIMED = CLAIMED_BY_ID + READ;

  /** Those, without their events' data, which the caller (the outbox relay) has. */
  private static final String CLAIMED_DATA_KNOWN =
      CLAIMED_BY_ID + READ_WITH.formatted("NULL::text");

  /** With hosts left out, the first look reads this many batches of the oldest due rows. */
  public static final int WINDOW_BATCHES = 4;

  /** How long a first look that found only left-out hosts' rows is not repeated. */
  private static final long HEAD_BLOCKED_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The hosts left out when the first look last came back empty, and when (nanoTime). */
  private record HeadBlocked(Set<String> by, long since) {}

  private final DataSource dataSource;
  private volatile HeadBlocked headBlocked;

  ClaimDueDeliveries(DataSource dataSource, DataSourceResolver resolver) {
    this.dataSource = resolver.resolve(dataSource);
  }

  /**
   * What a claim took, and whether it took every due row of the hosts not left out (but those
   * other workers hold locked at that moment): then fresh deliveries of those hosts have no
   * older due rows to wait behind.
   */
  public record Claimed(List<ClaimedDelivery> deliveries, boolean wholeQueue) {}

  /**
   * As {@link #claimDue}, the deliveries only.
   */
  public List<ClaimedDelivery> claim(String workerId, Instant now, Instant leaseUntil, int limit,
      Collection<String> skipHosts, int perHost) throws SQLException {
    return claimDue(workerId, now, leaseUntil, limit, skipHosts, perHost).deliveries();
  }

  /**
   * @param now the time due rows are compared with, and the claim's updated_at
   * @param leaseUntil when the claim expires and the sweeper may hand the row to another worker
   * @param limit the most rows to claim
   * @param skipHosts hosts (lower case, as {@code URI.getHost()}) whose deliveries are left alone
   * @param perHost the least share of the batch each host gets in the second look
   */
  public Claimed claimDue(String workerId, Instant now, Instant leaseUntil, int limit,
      Collection<String> skipHosts, int perHost) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Claimed claimed = claim(connection, workerId, now, leaseUntil, limit,
            skipHosts, perHost, headBlocked(skipHosts));
        connection.commit();
        return claimed;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /**
   * Whether the first look would only read the left-out hosts' rows again: it came back empty
   * with these hosts (or fewer) left out less than {@link #HEAD_BLOCKED_NANOS} ago.
   */
  private boolean headBlocked(Collection<String> skipHosts) {
    HeadBlocked last = headBlocked;
    return last != null && System.nanoTime() - last.since() < HEAD_BLOCKED_NANOS
        && skipHosts.containsAll(last.by());
  }

  private Claimed claim(Connection connection, String workerId, Instant now,
      Instant leaseUntil, int limit, Collection<String> skipHosts, int perHost,
      boolean skipFirstLook) throws SQLException {
    QueuePlans.byIndex(connection);
    Array skip = connection.createArrayOf("text", skipHosts.toArray(String[]::new));
    Map<Long, EventData> events = new HashMap<>();
    List<ClaimedDelivery> claimed = new ArrayList<>();
    if (!skipFirstLook) {
      List<Long> wanted = new ArrayList<>();
      OffsetDateTime windowEnd = null;
      // with nobody left out, the window need only cover rows other workers hold locked
      int windowSize = limit * (skipHosts.isEmpty() ? 2 : WINDOW_BATCHES);
      int seen = 0;
      QueuePlans.inIndexOrder(connection);
      try (PreparedStatement window = connection.prepareStatement(WINDOW)) {
        window.setArray(1, skip);
        window.setObject(2, utc(now));
        window.setInt(3, windowSize);
        try (ResultSet rows = window.executeQuery()) {
          while (rows.next()) {
            seen++;
            if (rows.getBoolean(2)) {
              wanted.add(rows.getLong(1));
            }
            windowEnd = rows.getObject(3, OffsetDateTime.class);
          }
        }
      }
      QueuePlans.sortsAllowed(connection);
      if (!wanted.isEmpty()) {
        try (PreparedStatement oldest = connection.prepareStatement(OLDEST_FIRST + CLAIM)) {
          oldest.setArray(1, connection.createArrayOf("bigint", wanted.toArray()));
          oldest.setObject(2, windowEnd);
          oldest.setInt(3, limit);
          read(oldest, 4, workerId, now, leaseUntil, claimed, events);
        }
      }
      if (seen < windowSize) {
        // the window held every due row: what the claim left of it is locked by other workers
        return new Claimed(claimed, claimed.size() < limit);
      }
      if (claimed.isEmpty() && !skipHosts.isEmpty()) {
        headBlocked = new HeadBlocked(Set.copyOf(skipHosts), System.nanoTime());
      }
    }
    boolean wholeQueue = false;
    if (claimed.isEmpty() && !skipHosts.isEmpty()) {
      // Nothing in the window: it may be all left-out hosts, with other hosts' rows behind.
      try (PreparedStatement byHost = connection.prepareStatement(HOST_BY_HOST + CLAIM)) {
        byHost.setArray(1, skip);
        byHost.setObject(2, utc(now));
        int least = Math.max(1, Math.min(perHost, limit));
        byHost.setInt(3, least);
        byHost.setInt(4, limit);
        byHost.setInt(5, limit);
        read(byHost, 6, workerId, now, leaseUntil, claimed, events);
        // every host may take at least this many: fewer in all, and none was cut short
        wholeQueue = claimed.size() < least;
      }
    }
    return new Claimed(claimed, wholeQueue);
  }

  /**
   * Reads, inside the caller's transaction, what sending needs of deliveries claimed by the
   * worker in that transaction (born claimed), in the order a claim answers.
   */
  public List<ClaimedDelivery> claimed(Connection connection, String workerId,
      List<Long> ids) throws SQLException {
    return claimed(connection, CLAIMED, workerId, ids, Map.of());
  }

  /**
   * As {@link #claimed(Connection, String, List)}, with the events' data given instead of read.
   *
   * @param data each event's data (UTF-8 JSON text as PostgreSQL renders its jsonb), by the
   *     event's key: every event of these deliveries must be there
   */
  public List<ClaimedDelivery> claimed(Connection connection, String workerId,
      List<Long> ids, Map<Long, byte[]> data) throws SQLException {
    return claimed(connection, CLAIMED_DATA_KNOWN, workerId, ids, data);
  }

  private List<ClaimedDelivery> claimed(Connection connection, String sql, String workerId,
      List<Long> ids, Map<Long, byte[]> data) throws SQLException {
    List<ClaimedDelivery> claimed = new ArrayList<>();
    if (ids.isEmpty()) {
      return claimed;
    }
    try (PreparedStatement read = connection.prepareStatement(sql)) {
      read.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
      read.setString(2, workerId);
      Map<Long, EventData> events = new HashMap<>();
      try (ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          claimed.add(read(rows, events, data));
        }
      }
    }
    return claimed;
  }

  /** Claims with every host's deliveries welcome: for tests and tools. */
  public List<ClaimedDelivery> claim(String workerId, Instant now, Instant leaseUntil, int limit)
      throws SQLException {
    return claim(workerId, now, leaseUntil, limit, List.of(), limit);
  }

  private static void read(PreparedStatement claim, int next, String workerId, Instant now,
      Instant leaseUntil, List<ClaimedDelivery> claimed, Map<Long, EventData> events)
      throws SQLException {
    claim.setString(next, workerId);
    claim.setObject(next + 1, utc(leaseUntil));
    claim.setObject(next + 2, utc(now));
    try (ResultSet rows = claim.executeQuery()) {
      while (rows.next()) {
        claimed.add(read(rows, events, Map.of()));
      }
    }
  }

  /**
   * One row: its event's data comes with the event's first row or, without it, from
   * {@code known}.
   */
  private static ClaimedDelivery read(ResultSet row, Map<Long, EventData> events,
      Map<Long, byte[]> known) throws SQLException {
    long pk = row.getLong("pk");
    EventData event = events.get(pk);
    if (event == null) {
      // the driver's bytes of the text as they came (UTF-8): no String made of the data
      byte[] data = row.getBytes("data");
      if (data == null) {
        data = known.get(pk);
      }
      if (data == null) {
        throw new IllegalStateException("No data read for event " + pk);
      }
      event = new EventData(pk, row.getString("event_id"), row.getString("event"),
          row.getObject("created_at", OffsetDateTime.class).toInstant(), data);
      events.put(pk, event);
    }
    OffsetDateTime previousUntil = row.getObject("previous_secret_until", OffsetDateTime.class);
    ClaimedDelivery.Webhook webhook = new ClaimedDelivery.Webhook(row.getString("webhook_id"),
        new Signature.Secrets(row.getString("secret"), row.getString("previous_secret"),
            previousUntil == null ? null : previousUntil.toInstant()),
        row.getString("verifier_token"),
        headers(row.getArray("header_names"), row.getArray("header_values")),
        row.getBoolean("enabled"), row.getBoolean("deleted"));
    Array fields = row.getArray("fields");
    return new ClaimedDelivery(row.getLong("id"), row.getString("url"),
        row.getInt("attempt_count"), row.getInt("schedule_step"), row.getBoolean("retry"),
        row.getString("next_trigger"), event, webhook, row.getString("format"),
        fields == null ? null : List.of((String[]) fields.getArray()));
  }

  private static Map<String, String> headers(Array names, Array values) throws SQLException {
    if (names == null) {
      return Map.of();
    }
    String[] n = (String[]) names.getArray();
    String[] v = (String[]) values.getArray();
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < n.length; i++) {
      headers.put(n[i], v[i]);
    }
    return headers;
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
