package io.hookline.event;

import io.hookline.time.StoppedClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hookline.identity.PublicId;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanOutTest implements TestPropertyProvider {
  private final StoppedClock clock = new StoppedClock(Instant.parse("2026-03-01T10:00:00.123456Z"));

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Inject
  Clock injectedClock;

  EventFixtures db;

  @MockBean(Clock.class)
  Clock clock() {
    return clock;
  }

  @Override
  public Map<String, String> getProperties() {
    return EventFixtures.database();
  }

  @BeforeAll
  void setUp() {
    db = new EventFixtures(resolver.resolve(dataSource));
  }

  @Test
  void starMatchesEveryName() {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    for (String name : List.of("order", "order.created", "a.b.c.d", "user_signed-up")) {
      assertThat(urls(store(tenant, name).orElseThrow())).as(name)
          .containsExactly("https://all.example/hook");
    }
  }

  @Test
  void prefixPatternMatchesEveryDepthBelowThePrefixOnly() {
    String tenant = db.tenant();
    db.webhook(tenant, "order.*", "https://orders.example/hook");
    assertThat(urls(store(tenant, "order.created").orElseThrow())).hasSize(1);
    assertThat(urls(store(tenant, "order.item.added").orElseThrow())).hasSize(1);
    assertThat(urls(store(tenant, "order").orElseThrow())).isEmpty();
    assertThat(urls(store(tenant, "orders.x").orElseThrow())).isEmpty();
    assertThat(urls(store(tenant, "order_created").orElseThrow())).isEmpty();
    assertThat(urls(store(tenant, "shop.order.created").orElseThrow())).isEmpty();
  }

  @Test
  void underscoresInPatternsAreLiteralNotLikeWildcards() {
    String tenant = db.tenant();
    db.webhook(tenant, "a_b.*", "https://prefix.example/hook");
    db.webhook(tenant, "x_y", "https://exact.example/hook");
    assertThat(urls(store(tenant, "aXb.c").orElseThrow())).isEmpty();
    assertThat(urls(store(tenant, "a_b.c").orElseThrow()))
        .containsExactly("https://prefix.example/hook");
    assertThat(urls(store(tenant, "xzy").orElseThrow())).isEmpty();
    assertThat(urls(store(tenant, "x_y").orElseThrow()))
        .containsExactly("https://exact.example/hook");
  }

  @Test
  void exactPatternMatchesOnlyThatName() {
    String tenant = db.tenant();
    db.webhook(tenant, "order.created", "https://exact.example/hook");
    assertThat(urls(store(tenant, "order.created").orElseThrow())).hasSize(1);
    assertThat(urls(store(tenant, "order.created.late").orElseThrow())).isEmpty();
    assertThat(urls(store(tenant, "order").orElseThrow())).isEmpty();
    assertThat(urls(store(tenant, "Order.Created").orElseThrow())).isEmpty();
  }

  @Test
  void disabledAndDeletedWebhooksGetNothing() {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://live.example/hook");
    db.disable(db.webhook(tenant, "*", "https://disabled.example/hook"));
    db.delete(db.webhook(tenant, "*", "https://deleted.example/hook"));
    assertThat(urls(store(tenant, "order.created").orElseThrow()))
        .containsExactly("https://live.example/hook");
  }

  @Test
  void everyCurrentDestinationGetsOneDeliveryAndRemovedOnesNone() {
    String tenant = db.tenant();
    String webhook = db.webhook(tenant, "order.*");
    db.destination(webhook, "https://one.example/hook");
    long removed = db.destination(webhook, "https://removed.example/hook");
    db.destination(webhook, "https://three.example/hook");
    db.removeDestination(removed);
    FanOut.Stored stored = store(tenant, "order.paid").orElseThrow();
    assertThat(stored.deliveries()).isEqualTo(2);
    assertThat(urls(stored)).containsExactly("https://one.example/hook",
        "https://three.example/hook");
  }

  @Test
  void deliveryRowsFollowTheContract() {
    String tenant = db.tenant();
    String webhook = db.webhook(tenant, "*", "https://contract.example/hook");
    FanOut.Stored stored = store(tenant, "order.created").orElseThrow();
    Instant created = Instant.parse("2026-03-01T10:00:00.123Z");
    List<Object> row = db.rows("""
        SELECT d.tenant_id, d.webhook_id, d.url, d.status, d.attempt_count, d.schedule_step,
               d.retry, d.next_trigger, d.next_attempt_at, d.created_at, d.updated_at,
               d.claimed_by, d.reason, e.created_at, e.source,
               d.destination_id = (SELECT id FROM hookline.destination WHERE webhook_id = ?)
          FROM hookline.delivery d JOIN hookline.event e ON e.pk = d.event_pk
         WHERE d.event_pk = ?""", webhook, stored.pk()).get(0);
    assertThat(row.subList(0, 8)).containsExactly(tenant, webhook,
        "https://contract.example/hook", "pending", 0, 0, true, "scheduled");
    assertThat(row.subList(8, 11)).map(EventFixtures::instant)
        .containsExactly(created, created, created);
    assertThat(row.subList(11, 13)).containsOnlyNulls();
    assertThat(EventFixtures.instant(row.get(13))).isEqualTo(created);
    assertThat(row.subList(14, 16)).containsExactly("api", true);
  }

  @Test
  void webhookDelayPutsTheFirstAttemptThatLongAfterTheEvent() {
    String tenant = db.tenant();
    Map<String, Duration> delays = Map.of("second", Duration.ofSeconds(30),
        "minute", Duration.ofMinutes(30), "hour", Duration.ofHours(30),
        "day", Duration.ofDays(30));
    delays.forEach((unit, delay) -> db.delay(
        db.webhook(tenant, "*", "https://" + unit + ".example/hook"), 30, unit));
    db.webhook(tenant, "*", "https://now.example/hook");
    clock.advance(Duration.ofDays(400).plusMillis(7));
    Instant created = NewEvent.createdAt(clock);
    FanOut.Stored stored = store(tenant, "order.created").orElseThrow();
    List<List<Object>> rows = db.rows(
        "SELECT url, next_attempt_at FROM hookline.delivery WHERE event_pk = ?", stored.pk());
    assertThat(rows).hasSize(5);
    for (List<Object> row : rows) {
      String unit = ((String) row.get(0)).replaceAll("https://(\\w+)\\..*", "$1");
      assertThat(EventFixtures.instant(row.get(1))).as(unit)
          .isEqualTo(created.plus(delays.getOrDefault(unit, Duration.ZERO)));
    }
  }

  @Test
  void anotherTenantsWebhooksNeverMatch() {
    String mine = db.tenant();
    String theirs = db.tenant();
    db.webhook(theirs, "*", "https://theirs.example/hook");
    db.webhook(theirs, "order.created", "https://theirs.example/exact");
    FanOut.Stored stored = store(mine, "order.created").orElseThrow();
    assertThat(stored.deliveries()).isZero();
    assertThat(urls(stored)).isEmpty();
  }

  @Test
  void anEventThatMatchesNothingIsStillStored() {
    String tenant = db.tenant();
    FanOut.Stored stored = store(tenant, "nobody.listens").orElseThrow();
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE pk = ? AND tenant_id = ?",
        stored.pk(), tenant)).isEqualTo(1);
  }

  @Test
  void aRepeatedIdWritesNothing() {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    String id = "order-42";
    FanOut.Stored first = store(tenant, id, "order.created").orElseThrow();
    assertThat(store(tenant, id, "order.updated")).isEmpty();
    assertThat(db.rows("SELECT pk, event FROM hookline.event WHERE tenant_id = ?", tenant))
        .containsExactly(List.of(first.pk(), "order.created"));
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isEqualTo(1);
    // The same id is another tenant's own business.
    assertThat(store(db.tenant(), id, "order.created")).isPresent();
  }

  @Test
  void aBatchAnswersEachEventInItsOrder() throws SQLException {
    String tenant = db.tenant();
    String other = db.tenant();
    db.destination(db.webhook(tenant, "order.*", "https://orders.example/hook"),
        "https://audit.example/hook");
    FanOut.Stored existing = store(tenant, "ord-old", "order.created").orElseThrow();
    List<NewEvent> batch = List.of(
        event(tenant, "ord-1", "order.created"),
        event(tenant, "ord-old", "order.created"),
        event(tenant, "ord-1", "order.updated"),
        event(other, "ord-1", "order.created"),
        event(tenant, "user-1", "user.created"),
        event(tenant, "ord-2", "order.paid"));
    List<Optional<FanOut.Stored>> stored;
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      stored = FanOut.storeAll(connection, batch);
      connection.commit();
    }
    // An id already stored, or repeated within the batch, answers empty; the first occurrence
    // is stored, and another tenant's same id is its own event.
    assertThat(stored).extracting(Optional::isPresent)
        .containsExactly(true, false, false, true, true, true);
    assertThat(stored.get(0).orElseThrow().deliveries()).isEqualTo(2);
    assertThat(stored.get(3).orElseThrow().deliveries()).isZero();
    assertThat(stored.get(4).orElseThrow().deliveries()).isZero();
    assertThat(stored.get(5).orElseThrow().deliveries()).isEqualTo(2);
    assertThat(stored.get(5).orElseThrow().dueNow()).isTrue();
    assertThat(stored.get(4).orElseThrow().dueNow()).isFalse();
    assertThat(db.rows("SELECT pk, id, event FROM hookline.event WHERE tenant_id = ? ORDER BY pk",
        tenant)).containsExactly(List.of(existing.pk(), "ord-old", "order.created"),
            List.of(stored.get(0).orElseThrow().pk(), "ord-1", "order.created"),
            List.of(stored.get(4).orElseThrow().pk(), "user-1", "user.created"),
            List.of(stored.get(5).orElseThrow().pk(), "ord-2", "order.paid"));
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE event_pk = ?",
        stored.get(5).orElseThrow().pk())).isEqualTo(2);
  }

  @Test
  void deletingATenantOrAWebhookDeletesTheirDeliveries() {
    String tenant = db.tenant();
    String gone = db.webhook(tenant, "order.*", "https://gone.example/hook");
    db.webhook(tenant, "*", "https://kept.example/hook");
    store(tenant, "order.created").orElseThrow();
    db.update("DELETE FROM hookline.webhook WHERE id = ?", gone);
    assertThat(db.rows("SELECT url FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .containsExactly(List.of("https://kept.example/hook"));
    db.update("DELETE FROM hookline.tenant WHERE id = ?", tenant);
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isZero();
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ?", tenant))
        .isZero();
  }

  @Test
  void aTenantDeletedWhileItsEventsAreStoredWaitsAndTakesThemWithIt() throws Exception {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    // the DELETE waits for the fan-out's lock on the tenant row, then finds the event and its
    // delivery committed and deletes them with the tenant
    assertThat(deletedWhileStoring(event(tenant, "evt-racing", "order.created"), 1,
        "DELETE FROM hookline.tenant WHERE id = ?", tenant)).isEqualTo(1);
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ?", tenant))
        .isZero();
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isZero();
  }

  @Test
  void aDestinationDeletedWhileEventsFanOutToItWaitsAndTakesItsDeliveries() throws Exception {
    String tenant = db.tenant();
    String webhook = db.webhook(tenant, "*", "https://kept.example/hook");
    long gone = db.destination(webhook, "https://gone.example/hook");
    assertThat(deletedWhileStoring(event(tenant, "evt-racing", "order.created"), 2,
        "DELETE FROM hookline.destination WHERE id = ?", gone)).isEqualTo(1);
    assertThat(db.rows("SELECT url FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .containsExactly(List.of("https://kept.example/hook"));
  }

  /**
   * Stores the event (with this many deliveries) in a transaction, runs the DELETE from another
   * connection, checks that it waits for a row lock until the transaction commits, and answers
   * how many rows it deleted.
   */
  private int deletedWhileStoring(NewEvent event, int deliveries, String delete, Object id)
      throws Exception {
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      assertThat(FanOut.store(connection, event).orElseThrow().deliveries())
          .isEqualTo(deliveries);
      CompletableFuture<Integer> deleted = CompletableFuture.supplyAsync(
          () -> db.update(delete, id));
      // (the server shows the statement with $1 for the parameter)
      await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*)"
          + " FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
          + " AND starts_with(query, split_part(?, '?', 1))", delete) == 1);
      assertThat(deleted).isNotDone();
      connection.commit();
      return deleted.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void eventsOfATenantThatDoesNotExistFailTheStatementAsTheForeignKeyDid() throws SQLException {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      assertThatThrownBy(() -> FanOut.storeAll(connection, List.of(
          event(tenant, "evt-kept-out", "order.created"),
          event("ten_nobody", "evt-orphan", "order.created"))))
          .isInstanceOfSatisfying(SQLException.class,
              e -> assertThat(e.getSQLState()).isEqualTo("23503"));
      connection.rollback();
    }
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE id IN"
        + " ('evt-kept-out', 'evt-orphan')")).isZero();
  }

  @Test
  void writesNothingWhenTheCallersTransactionRollsBack() throws SQLException {
    String tenant = db.tenant();
    db.webhook(tenant, "*", "https://all.example/hook");
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      assertThat(FanOut.store(connection, event(tenant, "evt-rolled-back", "order.created")))
          .isPresent();
      connection.rollback();
    }
    assertThat(db.count("SELECT count(*) FROM hookline.event WHERE tenant_id = ?", tenant))
        .isZero();
    assertThat(db.count("SELECT count(*) FROM hookline.delivery WHERE tenant_id = ?", tenant))
        .isZero();
  }

  @Test
  void theInjectedClockIsTheTestsClock() {
    assertThat(injectedClock.instant()).isEqualTo(clock.instant());
  }

  private Optional<FanOut.Stored> store(String tenant, String name) {
    return store(tenant, PublicId.random("evt"), name);
  }

  private Optional<FanOut.Stored> store(String tenant, String id, String name) {
    try (Connection connection = resolver.resolve(dataSource).getConnection()) {
      connection.setAutoCommit(false);
      Optional<FanOut.Stored> stored = FanOut.store(connection, event(tenant, id, name));
      connection.commit();
      return stored;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private NewEvent event(String tenant, String id, String name) {
    return new NewEvent(tenant, id, name, "{\"order_id\": \"ord_1\"}",
        NewEvent.createdAt(clock), NewEvent.Source.API);
  }

  private List<String> urls(FanOut.Stored stored) {
    return db.rows("SELECT url FROM hookline.delivery WHERE event_pk = ? ORDER BY id",
        stored.pk()).stream().map(row -> (String) row.get(0)).toList();
  }
}
