package io.hookline.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stores an event and its deliveries inside the caller's transaction, in one statement: one
 * 'pending' delivery per enabled, not deleted webhook of the event's tenant whose pattern
 * matches, times each of its current destinations. An event that matches nothing is still
 * stored.
 *
 * <p>A repeated id (the tenant already has an event with it, committed or being committed by a
 * concurrent transaction) writes nothing: {@code ON CONFLICT DO NOTHING} waits for the other
 * transaction and then leaves its row alone, so neither this transaction nor the caller's batch
 * is aborted by a unique violation.
 *
 * <p>Deliveries due at once NOTIFY {@code hookline_delivery} in the same transaction, unless they
 * are born claimed ({@link ClaimFor}: the outbox relay hands them straight to its own worker);
 * callers in the worker's process also signal {@code DeliveriesDue} after their commit, which is
 * quicker.
 *
 * <p>The events' tenants and the destinations of their enabled webhooks are locked (FOR KEY
 * SHARE) once per statement, which is what the foreign keys this replaced (V11) did once per row:
 * a concurrent DELETE of a tenant or a destination waits for the caller's commit and then takes
 * the rows written here with it. Events of a tenant that does not exist fail the statement with
 * SQLSTATE 23503, as the foreign key did.
 *
 * <p>A webhook disabled or deleted while this runs may still get a delivery from it (its row is
 * not locked, to keep concurrent events from queueing on it); the worker drops a delivery whose
 * webhook is disabled or deleted at send time, so the race sends nothing.
 */
public final class FanOut {

  // Patterns: the exact name, '*', or 'prefix.*' for every name below prefix. starts_with, not
  // LIKE, because '_' is a LIKE wildcard and a legal character of names. Delays are whole
  // seconds (a day is 86,400 s whatever the time zone), in float8 so large ones cannot overflow.
  // The events come from the statement's parameters (the REST API) ...
  private static final String FROM_PARAMETERS = """
      WITH input AS (
        SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[],
                             ?::text[]::timestamptz[], ?::text[])
            WITH ORDINALITY AS i(tenant_id, id, event, data, created_at, source, n)
      )""";
  // ... or from outbox rows: their data is copied inside PostgreSQL, never sent to Java and back
  // as text to be parsed into jsonb a second time.
  private static final String FROM_OUTBOX = """
      WITH input AS (
        SELECT o.tenant_id, i.id, o.event, o.data, i.created_at, 'outbox' AS source, i.n
          FROM unnest(?::bigint[], ?::text[], ?::text[]::timestamptz[])
               WITH ORDINALITY AS i(outbox_id, id, created_at, n)
          JOIN hookline.outbox o ON o.id = i.outbox_id
      )""";
  private static final String STORE = """
      , claim AS (
        -- who the deliveries due at once are born claimed for (none: worker is null, room 0)
        SELECT ?::text AS worker, ?::timestamptz AS lease_until, ?::int AS room,
               ?::text[] AS skip_hosts, ?::int AS per_host
      ), tenants AS MATERIALIZED (
        -- the events' tenants, locked until this commits: a concurrent DELETE of one waits,
        -- then deletes the events written here with it (V11's trigger). Once per tenant, where
        -- a foreign key looked up and locked the tenant once per event.
        SELECT t.id FROM hookline.tenant t
         WHERE t.id IN (SELECT tenant_id FROM input)
           FOR KEY SHARE
      ), stored AS (
        INSERT INTO hookline.event (tenant_id, id, event, data, created_at, source)
        SELECT tenant_id, id, event, data::jsonb, created_at, source FROM input
         WHERE tenant_id IN (SELECT id FROM tenants)
         ORDER BY n
        ON CONFLICT (tenant_id, id) DO NOTHING
        RETURNING pk, tenant_id, id, event, created_at
      ), targets AS MATERIALIZED (
        -- the destinations of those tenants' enabled webhooks, locked the same way, once each
        SELECT d.id, d.webhook_id, d.url, d.host, d.position
          FROM hookline.destination d
         WHERE d.removed_at IS NULL
           AND d.webhook_id IN (SELECT w.id FROM hookline.webhook w
                                 WHERE w.tenant_id IN (SELECT id FROM tenants)
                                   AND w.enabled AND w.deleted_at IS NULL)
           FOR KEY SHARE
      ), matched AS (
        SELECT e.tenant_id, e.pk, w.id AS webhook_id, d.id AS destination_id, d.url, d.host,
               w.seq, d.position, e.created_at,
               e.created_at + make_interval(secs => coalesce(w.delay_amount, 0)::float8
                   * CASE w.delay_unit WHEN 'minute' THEN 60 WHEN 'hour' THEN 3600
                                       WHEN 'day' THEN 86400 ELSE 1 END) AS due_at,
               -- the host of a delivery that may be claimed
               CASE WHEN c.room > 0 AND coalesce(w.delay_amount, 0) = 0
                    THEN d.host END AS claim_host
          FROM stored e
          CROSS JOIN claim c
          JOIN hookline.webhook w
            ON w.tenant_id = e.tenant_id AND w.enabled AND w.deleted_at IS NULL
          JOIN targets d ON d.webhook_id = w.id
         WHERE w.event = e.event
            OR w.event = '*'
            OR (right(w.event, 2) = '.*' AND starts_with(e.event, left(w.event, -1)))
      )""";
  // Which deliveries are born claimed: with a claim, ranked within the claim's limits ...
  private static final String RANKED = """
      , within_host AS (
        -- at most per_host of each host's deliveries due at once, none of the hosts left out
        SELECT m.*, m.claim_host IS NOT NULL AND m.claim_host <> ALL (c.skip_hosts)
                    AND row_number() OVER (PARTITION BY m.claim_host
                                           ORDER BY m.pk, m.seq, m.position) <= c.per_host
                    AS eligible
          FROM matched m CROSS JOIN claim c
      ), chosen AS (
        -- and at most room of those in all, the first ones in the batch's order
        SELECT h.*, h.eligible
                    AND count(*) FILTER (WHERE h.eligible)
                            OVER (ORDER BY h.pk, h.seq, h.position ROWS UNBOUNDED PRECEDING)
                        <= c.room AS born_claimed
          FROM within_host h CROSS JOIN claim c
      )""";
  // ... and without one, none (no window functions, no sorts for them)
  private static final String UNRANKED = """
      , chosen AS (SELECT m.*, false AS born_claimed FROM matched m)""";
  private static final String WRITE = """
      , fanned AS (
        INSERT INTO hookline.delivery (tenant_id, event_pk, webhook_id, destination_id, url,
            host, status, attempt_count, schedule_step, retry, next_trigger, next_attempt_at,
            claimed_by, claimed_until, created_at, updated_at)
        SELECT h.tenant_id, h.pk, h.webhook_id, h.destination_id, h.url, h.host,
               CASE WHEN h.born_claimed THEN 'sending' ELSE 'pending' END, 0, 0, true,
               'scheduled', h.due_at,
               CASE WHEN h.born_claimed THEN c.worker END,
               CASE WHEN h.born_claimed THEN c.lease_until END,
               h.created_at, h.created_at
          FROM chosen h CROSS JOIN claim c
         ORDER BY h.pk, h.seq, h.position
        RETURNING id, status, event_pk, host, next_attempt_at, created_at
      ), due_hosts AS (
        -- the hosts of the deliveries left waiting for a claim and due now, for workers that
        -- leave all of them out to ignore (DeliveriesDue); '' (any host) when there are many
        SELECT CASE WHEN bool_or(f.host IS NULL) OR sum(octet_length(f.host) + 1) > 4000
                    THEN '' ELSE string_agg(f.host, ' ' ORDER BY f.host) END AS hosts
          FROM (SELECT DISTINCT host FROM fanned
                 WHERE status = 'pending' AND next_attempt_at <= created_at) f
        HAVING count(*) > 0
      ), notified AS (
        -- wakes the workers of every process once this commits (deliveries due now only:
        -- later ones are found by their poll); repeats within one transaction are folded
        SELECT pg_notify('hookline_delivery', hosts), hosts FROM due_hosts
      ), counted AS (
        SELECT event_pk, count(*) AS deliveries,
               bool_or(status = 'pending' AND next_attempt_at <= created_at) AS due_now
          FROM fanned GROUP BY event_pk
      )
      -- Four kinds of row, matched up with the input in Java. Joined here instead, the CTEs
      -- can be planned as nested loops, every row against every row, when their sizes are not
      -- known (a generic plan assumes 10 rows): 98 of 114 ms for a batch of 500 outbox rows in
      -- psql. The 'n' row also runs the NOTIFY: a CTE that nothing reads is never run.
      SELECT 'e', s.pk, s.tenant_id, s.id, NULL::bigint, NULL::boolean FROM stored s
      UNION ALL
      SELECT 'c', c.event_pk, NULL, NULL, c.deliveries, c.due_now FROM counted c
      UNION ALL
      SELECT 's', f.id, NULL, NULL, NULL, NULL FROM fanned f WHERE f.status = 'sending'
      UNION ALL
      SELECT 'n', (SELECT count(*) FROM input
                    WHERE tenant_id NOT IN (SELECT id FROM tenants)),
             (SELECT hosts FROM notified), NULL,
             (SELECT count(*) FROM input), (SELECT count(*) FROM notified) > 0""";

  private FanOut() {}

  /**
   * What was written: the event's key, how many deliveries it got, whether any is due now and
   * left waiting for a claim.
   */
  public record Stored(long pk, int deliveries, boolean dueNow) {}

  /**
   * Deliveries due at once that are written already claimed ('sending', claimed_by the worker,
   * leased until leaseUntil) instead of 'pending': at most {@code room} of them, in the batch's
   * order, none to the hosts left out, at most {@code perHost} to any one host (hosts as
   * delivery.host stores them). The rest are written pending as usual.
   */
  public record ClaimFor(String workerId, Instant leaseUntil, int room, List<String> skipHosts,
      int perHost) {}

  /**
   * What a batch wrote: each row's event (as {@link #storeAll} answers), the deliveries born
   * claimed, in id order, and the hosts of the deliveries it left pending and due now, as the
   * NOTIFY named them (empty: none, or too many to name).
   */
  public record Batch(List<Optional<Stored>> events, List<Long> claimed, List<String> dueHosts) {}

  /**
   * Stores the event and its deliveries; empty when the tenant already has an event with this id
   * (then nothing was written). Deliveries are due at the event's time plus the webhook's delay.
   */
  public static Optional<Stored> store(Connection connection, NewEvent event)
      throws SQLException {
    return storeAll(connection, List.of(event)).getFirst();
  }

  /**
   * Stores the events and their deliveries in one statement; each answer, in the events' order,
   * is empty when the tenant already had an event with that id.
   */
  public static List<Optional<Stored>> storeAll(Connection connection, List<NewEvent> events)
      throws SQLException {
    return storeAll(connection, events, null).events();
  }

  /**
   * As {@link #storeAll(Connection, List)}; with {@code claim}, deliveries due at once are born
   * claimed within its limits (and NOTIFY nobody); without, all are pending.
   */
  public static Batch storeAll(Connection connection, List<NewEvent> events, ClaimFor claim)
      throws SQLException {
    if (events.isEmpty()) {
      return new Batch(List.of(), List.of(), List.of());
    }
    int n = events.size();
    String[][] columns = new String[6][n];
    for (int i = 0; i < n; i++) {
      NewEvent event = events.get(i);
      columns[0][i] = event.tenantId();
      columns[1][i] = event.id();
      columns[2][i] = event.name();
      columns[3][i] = event.data();
      columns[4][i] = event.createdAt().toString();
      columns[5][i] = event.source().column();
    }
    try (PreparedStatement statement = connection.prepareStatement(FROM_PARAMETERS + store(claim))) {
      for (int c = 0; c < columns.length; c++) {
        statement.setArray(c + 1, connection.createArrayOf("text", columns[c]));
      }
      claimFor(connection, statement, columns.length + 1, claim);
      List<Key> keys = events.stream().map(e -> new Key(e.tenantId(), e.id())).toList();
      Answer answer = stored(statement, keys);
      return new Batch(answer.events(), answer.claimed(), answer.dueHosts());
    }
  }

  /**
   * An outbox row to store as an event: its name and data are read from the row, which the
   * caller has locked and checked; its tenant is the row's, as the caller read it.
   */
  public record FromOutbox(long outboxId, String tenantId, String id, Instant createdAt) {}

  /**
   * Stores the outbox rows' events and their deliveries in one statement, as
   * {@link #storeAll} does; each answer, in the rows' order, is empty when the tenant already had
   * an event with that id. With {@code claim}, deliveries due at once are born claimed within
   * its limits (and NOTIFY nobody); without, all are pending.
   */
  public static Batch storeFromOutbox(Connection connection, List<FromOutbox> rows,
      ClaimFor claim) throws SQLException {
    if (rows.isEmpty()) {
      return new Batch(List.of(), List.of(), List.of());
    }
    int n = rows.size();
    Long[] outboxIds = new Long[n];
    String[] ids = new String[n];
    String[] createdAt = new String[n];
    for (int i = 0; i < n; i++) {
      outboxIds[i] = rows.get(i).outboxId();
      ids[i] = rows.get(i).id();
      createdAt[i] = rows.get(i).createdAt().toString();
    }
    try (PreparedStatement statement = connection.prepareStatement(FROM_OUTBOX + store(claim))) {
      statement.setArray(1, connection.createArrayOf("bigint", outboxIds));
      statement.setArray(2, connection.createArrayOf("text", ids));
      statement.setArray(3, connection.createArrayOf("text", createdAt));
      claimFor(connection, statement, 4, claim);
      List<Key> keys = rows.stream().map(r -> new Key(r.tenantId(), r.id())).toList();
      Answer answer = stored(statement, keys);
      if (answer.given() != n) {
        throw new IllegalStateException("Found " + answer.given() + " of " + n
            + " outbox rows: a row the relay locked is gone");
      }
      return new Batch(answer.events(), answer.claimed(), answer.dueHosts());
    }
  }

  /** The statement after its input: with a claim, deliveries are ranked for it. */
  private static String store(ClaimFor claim) {
    return STORE + (claim == null ? UNRANKED : RANKED) + WRITE;
  }

  /** Sets the claim CTE's five parameters from {@code first} on; null claims nothing. */
  private static void claimFor(Connection connection, PreparedStatement statement, int first,
      ClaimFor claim) throws SQLException {
    statement.setString(first, claim == null ? null : claim.workerId());
    statement.setObject(first + 1, claim == null ? null
        : OffsetDateTime.ofInstant(claim.leaseUntil(), ZoneOffset.UTC));
    statement.setInt(first + 2, claim == null ? 0 : Math.max(claim.room(), 0));
    statement.setArray(first + 3, connection.createArrayOf("text",
        claim == null ? new String[0] : claim.skipHosts().toArray(String[]::new)));
    statement.setInt(first + 4, claim == null ? 0 : claim.perHost());
  }

  private record Key(String tenantId, String id) {}

  private record Fanned(int deliveries, boolean dueNow) {}

  /**
   * Each event's answer in the input's order, how many input rows the statement saw, and the
   * deliveries born claimed.
   */
  private record Answer(List<Optional<Stored>> events, long given, List<Long> claimed,
      List<String> dueHosts) {}

  /** SQLSTATE foreign_key_violation: what the tenant's foreign key answered before V11. */
  static final String NO_SUCH_TENANT = "23503";

  /**
   * Matches the statement's rows up with the input: an event stored for a key answers its first
   * occurrence (a repeated id in one call is stored once), every other occurrence is empty.
   * Events of a tenant that does not exist (deleted meanwhile) fail the whole statement, as the
   * tenant's foreign key did: the caller's transaction must not commit the others as if stored.
   */
  private static Answer stored(PreparedStatement statement, List<Key> inputs)
      throws SQLException {
    Map<Key, Long> pks = new HashMap<>();
    Map<Long, Fanned> fanned = new HashMap<>();
    long given = -1;
    long tenantless = 0;
    List<Long> claimed = new ArrayList<>();
    List<String> dueHosts = List.of();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        switch (rows.getString(1)) {
          case "e" -> pks.put(new Key(rows.getString(3), rows.getString(4)), rows.getLong(2));
          case "c" -> fanned.put(rows.getLong(2), new Fanned(rows.getInt(5), rows.getBoolean(6)));
          case "s" -> claimed.add(rows.getLong(2));
          default -> {
            tenantless = rows.getLong(2);
            given = rows.getLong(5);
            String hosts = rows.getString(3);
            dueHosts = hosts == null || hosts.isEmpty() ? List.of()
                : List.of(hosts.split(" "));
          }
        }
      }
    }
    if (tenantless > 0) {
      throw new SQLException(tenantless + " of " + inputs.size()
          + " events belong to no tenant (deleted, or never created)", NO_SUCH_TENANT);
    }
    Set<Key> seen = new HashSet<>();
    List<Optional<Stored>> events = new ArrayList<>(inputs.size());
    for (Key key : inputs) {
      Long pk = seen.add(key) ? pks.get(key) : null;
      Fanned f = pk == null ? null : fanned.getOrDefault(pk, new Fanned(0, false));
      events.add(pk == null ? Optional.empty()
          : Optional.of(new Stored(pk, f.deliveries(), f.dueNow())));
    }
    claimed.sort(null);
    return new Answer(events, given, claimed, dueHosts);
  }
}
