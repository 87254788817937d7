package io.hookline.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.event.EventFixtures;
import io.hookline.event.FanOut;
import io.hookline.time.StoppedClock;
import io.hookline.event.NewEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.annotation.Property;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRelayTest implements TestPropertyProvider {
  private static final int LIMIT = 1000;
  private final StoppedClock clock = new StoppedClock(Instant.parse("2026-05-04T08:00:00.5Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Inject
  OutboxRelay relay;
  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Inject
  MeterRegistry registry;
  @Property(name = "datasources.default.url")
  String url;

  EventFixtures db;

  @MockBean(Clock.class)
  Clock clock() {
    return clock;
  }

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>(EventFixtures.database());
    properties.put("hookline.outbox.batch-size", "3");
    properties.put("hookline.events.max-payload-bytes", String.valueOf(LIMIT));
    return properties;
  }

  @BeforeAll
  void setUp() {
    db = new EventFixtures(resolver.resolve(dataSource));
    ((CompositeMeterRegistry) registry).add(meters);
  }

  @BeforeEach
  void emptyOutbox() throws Exception {
    while (relay.relayOnce() > 0) {
      // rows left by another test
    }
    db.update("DELETE FROM hookline.outbox");
  }

  @Test
  void relaysACommittedRowIntoAnEventWithDeliveriesAndDeletesIt() throws Exception {
    String tenant = db.tenant();
    String webhook = db.webhook(tenant, "order.*", "https://orders.example/hook");
    db.delay(webhook, 5, "minute");
    long row = insert(tenant, "order.created", "{\"order_id\": \"ord_1\", \"total\": 199.98}",
        "ord_1-created");

    assertThat(relay.relayOnce()).isEqualTo(1);

    List<Object> event = db.rows("SELECT id, event, data::text, created_at, source"
        + " FROM hookline.event WHERE tenant_id = ?", tenant).get(0);
    assertThat(event.subList(0, 3)).containsExactly("ord_1-created", "order.created",
        "{\"total\": 199.98, \"order_id\": \"ord_1\"}");
    assertThat(EventFixtures.instant(event.get(3))).isEqualTo(clock.instant());
    assertThat(event.get(4)).isEqualTo("outbox");
    List<Object> delivery = db.rows("SELECT url, status, next_attempt_at FROM hookline.delivery"
        + " WHERE tenant_id = ?", tenant).get(0);
    assertThat(delivery.subList(0, 2)).containsExactly("https://orders.example/hook", "pending");
    assertThat(EventFixtures.instant(delivery.get(2)))
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(db.count("SELECT count(*) FROM hookline.outbox WHERE id = ?", row)).isZero();
    assertThat(meters.get("hookline.events.in").tag("source", "outbox").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  /**
   * Vacuuming the drained outbox keeps its pages: truncating them would take a lock that holds up
   * every service inserting into the outbox.
   */
  @Test
  void aVacuumOfTheDrainedOutboxKeepsItsPages() throws Exception {
    String tenant = db.tenant();
    for (int i = 0; i < 60; i++) {
      insert(tenant, "tick", "{\"pad\": \"" + "x".repeat(900) + "\"}", null);
    }
    while (relay.relayOnce() > 0) {
      // drain
    }
    long before = db.count("SELECT pg_relation_size('hookline.outbox')");

    db.update("VACUUM hookline.outbox");

    assertThat(before).isGreaterThan(8192);
    assertThat(db.count("SELECT count(*) FROM hookline.outbox")).isZero();
    assertThat(db.count("SELECT pg_relation_size('hookline.outbox')")).isEqualTo(before);
  }

  @Test
  void generatesAnIdWhenTheRowHasNone() throws Exception {
    String tenant = db.tenant();
    insert(tenant, "user.signed_up", "{}", null);
    relay.relayOnce();
    assertThat((String) db.rows("SELECT id FROM hookline.event WHERE tenant_id = ?", tenant)
        .get(0).get(0)).matches("evt_[0-9A-Za-z]{22}");
  }

  @Test
  void drainsInBatchesOldestFirst() throws Exception {
    String tenant = db.tenant();
    for (int i = 0; i < 7; i++) {
      insert(tenant, "tick", "{\"n\": " + i + "}", "tick-" + i);
      clock.advance(Duration.ofMillis(1));
    }
    assertThat(List.of(relay.relayOnce(), relay.relayOnce(), relay.relayOnce(),
        relay.relayOnce())).containsExactly(3, 3, 1, 0);
    assertThat(db.rows("SELECT id FROM hookline.event WHERE tenant_id = ? ORDER BY pk", tenant))
        .map(row -> row.get(0))
        .containsExactlyElementsOf(IntStream.range(0, 7).mapToObj(i -> "tick-" + i).toList());
  }

  @Test
  void aBacklogBatchWithoutRoomInThisProcessTakesABatchOfDeliveriesNotOfEvents()
      throws Exception {
    String tenant = db.tenant();
    String webhook = db.webhook(tenant, "fan");
    db.destination(webhook, "https://one.example/hook");
    db.destination(webhook, "https://two.example/hook");
    db.destination(webhook, "https://three.example/hook");
    for (int i = 0; i < 7; i++) {
      insert(tenant, "fan", "{\"n\": " + i + "}", "fan-" + i);
    }
    // a batch is three rows: three events of three deliveries each, nine deliveries
    assertThat(relay.relayOnce()).isEqualTo(3);
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isEqualTo(9);

    // this process's worker is off, so a backlog batch finds no room: it writes a batch's
    // worth of deliveries pending (three: one event), not a batch of events (nine)
    assertThat(relay.relayBacklog()).as("a full batch: more may wait").isTrue();
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isEqualTo(12);
    assertThat(db.count("SELECT count(*) FROM hookline.outbox WHERE tenant_id = ?", tenant))
        .isEqualTo(3);
    assertThat(db.rows("SELECT DISTINCT status FROM hookline.delivery WHERE tenant_id = ?",
        tenant)).containsExactly(List.of("pending"));
  }

  @Test
  void aBacklogsRoomIsCountedInTheDeliveriesThatTookItUnlessTheyUsedItUp() {
    FanOut.ClaimFor room = new FanOut.ClaimFor("w", Instant.EPOCH, 192,
        List.of("down.example"), 192);
    // one host of ten left out: nine of each event's ten deliveries took room, with some to spare
    assertThat(OutboxRelay.roomPerEvent(19, 190, 171, room)).isEqualTo(9.0);
    // the room used up: more might have taken it, so every delivery counts
    assertThat(OutboxRelay.roomPerEvent(20, 200, 192, room)).isEqualTo(10.0);
    // no handoff, everything written pending: every delivery
    assertThat(OutboxRelay.roomPerEvent(19, 190, 0, null)).isEqualTo(10.0);
    // every host left out: still one per event, so a batch never takes more rows than its room
    assertThat(OutboxRelay.roomPerEvent(19, 190, 0, room)).isEqualTo(1.0);
  }

  @Test
  void rejectedRowsAreKeptWithEveryReasonAndNeverClaimedAgain() throws Exception {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    String big = "{\"blob\": \"" + "x".repeat(LIMIT) + "\"}";
    String huge = "{\"blob\": \"" + "x".repeat(3 * LIMIT) + "\"}";
    Map<Long, String> expected = Map.of(
        insert("ten_nobody", "order.created", "{}", null), "unknown tenant",
        insert(tenant, "order..created", "{}", null), "invalid event name",
        insert(tenant, "order.created", "{}", "has space"), "invalid event_id",
        insert(tenant, "order.created", "[1, 2]", null), "data is not a JSON object but array",
        insert(tenant, "order.created", "\"text\"", null), "data is not a JSON object but string",
        insert(tenant, "order.created", "null", null), "data is not a JSON object but null",
        insert(tenant, "order.created", big, null), "data is " + (LIMIT + 11)
            + " bytes serialized; the limit is " + LIMIT,
        insert(tenant, "order.created", huge, null), "over twice the limit of " + LIMIT,
        insert("ten_nobody", "bad name!", "7", "x".repeat(129)),
        "unknown tenant; invalid event name");
    double before = rejected("unknown_tenant");

    while (relay.relayOnce() > 0) {
      // drain
    }

    Map<Long, String> kept = db.rows("SELECT id, rejected FROM hookline.outbox"
        + " WHERE processed_at IS NOT NULL").stream()
        .collect(Collectors.toMap(row -> (Long) row.get(0), row -> (String) row.get(1)));
    assertThat(kept.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((id, reason) -> assertThat(kept.get(id)).as("row %d", id).contains(reason));
    assertThat(kept.get(expected.entrySet().stream()
        .filter(e -> e.getValue().startsWith("unknown tenant;")).findFirst().orElseThrow()
        .getKey())).contains("invalid event_id").contains("not a JSON object but number");
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ?", tenant))
        .isZero();
    assertThat(relay.relayOnce()).isZero();
    assertThat(rejected("unknown_tenant") - before).isEqualTo(2);
    assertThat(meters.get("hookline.outbox.rows").tag("state", "rejected").gauge().value())
        .isEqualTo(expected.size());
    assertThat(meters.get("hookline.outbox.rows").tag("state", "unprocessed").gauge().value())
        .isZero();
  }

  @Test
  void measuresTheLimitOnCompactJsonNotOnPostgresqlsRendering() throws Exception {
    String tenant = db.tenant();
    String data = IntStream.range(0, 100).mapToObj(i -> String.format("\"k%03d\":1", i))
        .collect(Collectors.joining(",", "{", "}"));
    long rendered = db.count("SELECT octet_length(?::jsonb::text)", data);
    assertThat(data.length()).isLessThanOrEqualTo(LIMIT);
    assertThat(rendered).isGreaterThan(LIMIT);
    insert(tenant, "wide", data, "wide-1");

    relay.relayOnce();

    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ?", tenant))
        .isEqualTo(1);
  }

  @Test
  void aRepeatedEventIdIsRelayedWithoutASecondEvent() throws Exception {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      FanOut.store(connection, new NewEvent(tenant, "pay_1", "payment.received",
          "{\"via\": \"rest\"}", NewEvent.createdAt(clock), NewEvent.Source.API));
    }
    insert(tenant, "payment.received", "{\"via\": \"outbox\"}", "pay_1");
    insert(tenant, "payment.failed", "{\"n\": 1}", "pay_2");
    insert(tenant, "payment.failed", "{\"n\": 2}", "pay_2");

    assertThat(relay.relayOnce()).isEqualTo(3);

    assertThat(db.rows("SELECT id, source, data->>'via', data->>'n' FROM hookline.event"
        + " WHERE tenant_id = ? ORDER BY pk", tenant)).containsExactly(
        Arrays.asList("pay_1", "api", "rest", null), Arrays.asList("pay_2", "outbox", null, "1"));
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isEqualTo(2);
    assertThat(db.count("SELECT count(*) FROM hookline.outbox")).isZero();
  }

  @Test
  void rowsOfOpenTransactionsWaitAndAreFoundOnceCommitted() throws Exception {
    String tenant = db.tenant();
    try (Connection open = resolver.resolve(dataSource).getConnection()) {
      open.setAutoCommit(false);
      insert(open, tenant, "late", "{}", "late-1");
      insert(tenant, "early", "{}", "early-1");
      assertThat(relay.relayOnce()).isEqualTo(1);
      open.commit();
    }
    assertThat(relay.relayOnce()).isEqualTo(1);
    assertThat(db.rows("SELECT id FROM hookline.event WHERE tenant_id = ? ORDER BY pk", tenant))
        .containsExactly(List.of("early-1"), List.of("late-1"));
  }

  @Test
  void aServiceRoleWithTheDocumentedGrantsCanWriteTheOutbox() throws Exception {
    String tenant = db.tenant();
    String role = "svc_" + Long.toHexString(System.nanoTime());
    db.update("CREATE ROLE " + role + " LOGIN PASSWORD 'service-secret'");
    db.update("GRANT USAGE ON SCHEMA hookline TO " + role);
    db.update("GRANT INSERT ON hookline.outbox TO " + role);
    try (Connection service = DriverManager.getConnection(url, role, "service-secret")) {
      service.setAutoCommit(false);
      try (var insert = service.prepareStatement("INSERT INTO hookline.outbox"
          + " (tenant_id, event, data, event_id) VALUES (?, 'order.created', ?::jsonb, ?)")) {
        insert.setString(1, tenant);
        insert.setString(2, "{\"order_id\": \"ord_9\"}");
        insert.setString(3, "ord_9:created");
        insert.executeUpdate();
      }
      service.commit();
    }
    relay.relayOnce();
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ?"
        + " AND id = 'ord_9:created'", tenant)).isEqualTo(1);
  }

  private double rejected(String reason) {
    var counter = meters.find("hookline.outbox.rejected").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private long insert(String tenant, String event, String data, String eventId)
      throws Exception {
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      return insert(connection, tenant, event, data, eventId);
    }
  }

  private static long insert(Connection connection, String tenant, String event, String data,
      String eventId) throws Exception {
    try (var statement = connection.prepareStatement("INSERT INTO hookline.outbox"
        + " (tenant_id, event, data, event_id) VALUES (?, ?, ?::jsonb, ?) RETURNING id")) {
      statement.setString(1, tenant);
      statement.setString(2, event);
      statement.setString(3, data);
      statement.setString(4, eventId);
      try (var result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }
}
