package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.claim.ClaimDueDeliveries;
import io.hookline.claim.ClaimedDelivery;
import io.hookline.claim.ExpiredLeases;
import io.hookline.claim.ReleaseClaims;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The claim, sweep and release statements, each on real PostgreSQL. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaimQueriesTest extends WorkerTest {
  private static final Instant LEASE = START.plusSeconds(90);

  @Inject
  ClaimDueDeliveries claim;
  @Inject
  ExpiredLeases leases;
  @Inject
  ReleaseClaims release;

  @Test
  void claimsDueRowsOldestFirstUpToTheLimit() throws Exception {
    long late = db.pending("http://a.example/", START.minusSeconds(10));
    long early = db.pending("http://a.example/", START.minusSeconds(20));
    long notDue = db.pending("http://a.example/", START.plusMillis(1));

    List<ClaimedDelivery> first = claim.claim("w1", START, LEASE, 1);
    List<ClaimedDelivery> rest = claim.claim("w1", START, LEASE, 10);

    assertThat(first).extracting(ClaimedDelivery::id).containsExactly(early);
    assertThat(rest).extracting(ClaimedDelivery::id).containsExactly(late);
    assertThat(db.delivery(early)).containsEntry("status", "sending")
        .containsEntry("claimed_by", "w1").containsEntry("claimed_until", LEASE)
        .containsEntry("updated_at", START);
    assertThat(db.delivery(notDue)).containsEntry("status", "pending");
  }

  @Test
  void aClaimCarriesWhatSendingNeedsWithTheDataOncePerEvent() throws Exception {
    String webhook = db.webhook(Fixtures.SECRET, "vt", "{\"X-B\": \"2\", \"X-A\": \"1\"}");
    String other = db.webhook();
    long event = db.event("evt_shared", "order.paid", "{\"a\": [1, 2]}", START);
    db.delivery(event, webhook, db.destination(webhook, "xml", "http://b.example/x", "a"), START);
    db.delivery(event, other, db.destination(other, "json", "http://c.example/y"), START);

    List<ClaimedDelivery> claimed = claim.claim("w1", START, LEASE, 10);

    assertThat(claimed).hasSize(2);
    ClaimedDelivery xml = claimed.stream().filter(c -> c.format().equals("xml")).findFirst()
        .orElseThrow();
    assertThat(xml.event()).isEqualTo(claimed.get(1 - claimed.indexOf(xml)).event());
    assertThat(new String(xml.event().data(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"a\": [1, 2]}");
    assertThat(xml.event().createdAt()).isEqualTo(START);
    assertThat(xml.fields()).containsExactly("a");
    assertThat(xml.url()).isEqualTo("http://b.example/x");
    assertThat(xml.trigger()).isEqualTo("scheduled");
    assertThat(xml.retry()).isTrue();
    assertThat(xml.webhook().headers()).containsExactly(Map.entry("X-A", "1"),
        Map.entry("X-B", "2"));
    assertThat(xml.webhook().verifierToken()).isEqualTo("vt");
    assertThat(xml.webhook().secrets().current()).isEqualTo(Fixtures.SECRET);
    assertThat(xml.webhook().enabled()).isTrue();
  }

  @Test
  void hostsWithoutASlotAreLeftInTheQueue() throws Exception {
    long busy = db.pending("https://Busy.Example:8443/hook?x=1", START);
    long busyToo = db.pending("http://user@busy.example/", START);
    long ipv6 = db.pending("http://[::1]:9/", START);
    long free = db.pending("http://free.example/", START);
    long odd = db.pending("not a url", START);

    List<ClaimedDelivery> claimed = claim.claim("w1", START, LEASE, 10,
        List.of("busy.example", "[::1]"), 10);

    assertThat(claimed).extracting(ClaimedDelivery::id).containsExactlyInAnyOrder(free, odd);
    assertThat(List.of(busy, busyToo, ipv6)).allSatisfy(id ->
        assertThat(db.delivery(id)).containsEntry("status", "pending"));
  }

  @Test
  void aBacklogOfLeftOutHostsAtTheHeadDoesNotHideOtherHosts() throws Exception {
    // More due rows of busy hosts than the first look's window, all older than the others.
    int backlog = 3 * ClaimDueDeliveries.WINDOW_BATCHES;
    for (int i = 0; i < backlog; i++) {
      db.pending("http://busy.example/" + i, START.minusSeconds(100 - i));
      db.pending("http://hanging.example/" + i, START.minusSeconds(100 - i));
    }
    long a1 = db.pending("http://a.example/1", START.minusSeconds(2));
    long a2 = db.pending("http://a.example/2", START.minusSeconds(1));
    long a3 = db.pending("http://a.example/3", START);
    long b = db.pending("http://b.example/", START);
    long notDue = db.pending("http://c.example/", START.plusSeconds(1));

    List<String> leftOut = List.of("busy.example", "hanging.example");
    ClaimDueDeliveries.Claimed first = claim.claimDue("w1", START, LEASE, 2, leftOut, 2);
    ClaimDueDeliveries.Claimed second = claim.claimDue("w1", START, LEASE, 2, leftOut, 2);
    ClaimDueDeliveries.Claimed third = claim.claimDue("w1", START, LEASE, 2, leftOut, 2);

    // host by host, each host's oldest first, at most perHost of one host
    assertThat(first.deliveries()).extracting(ClaimedDelivery::id).containsExactly(a1, a2);
    assertThat(second.deliveries()).extracting(ClaimedDelivery::id)
        .containsExactlyInAnyOrder(a3, b);
    assertThat(third.deliveries()).isEmpty();
    // a host that took its whole share may have more; only a claim that took less than any
    // host's least share took every due row of the hosts not left out
    assertThat(List.of(first.wholeQueue(), second.wholeQueue(), third.wholeQueue()))
        .containsExactly(false, false, true);
    assertThat(db.delivery(notDue)).containsEntry("status", "pending");
    assertThat(db.queryLong("SELECT count(*) FROM hookline.delivery"
        + " WHERE status = 'pending' AND host IN ('busy.example', 'hanging.example')"))
        .isEqualTo(2L * backlog);
  }

  @Test
  void aClaimTellsWhetherItSawEveryDueRowOfTheHostsNotLeftOut() throws Exception {
    // the first look's window for a claim of 3 with a host left out: 12 rows
    int window = 3 * ClaimDueDeliveries.WINDOW_BATCHES;
    for (int i = 0; i < window - 1; i++) {
      db.pending("http://stuck.example/" + i, START.minusSeconds(100 - i));
    }
    long inWindow = db.pending("http://a.example/1", START.minusSeconds(2));
    long behind = db.pending("http://a.example/2", START.minusSeconds(1));
    // a host no other test leaves out, so that no earlier claim makes this one skip its window
    List<String> leftOut = List.of("stuck.example");

    ClaimDueDeliveries.Claimed first = claim.claimDue("w1", START, LEASE, 3, leftOut, 3);
    assertThat(first.deliveries()).extracting(ClaimedDelivery::id).containsExactly(inWindow);
    assertThat(first.wholeQueue()).as("a row may wait behind a full window").isFalse();

    ClaimDueDeliveries.Claimed second = claim.claimDue("w1", START, LEASE, 3, leftOut, 3);
    assertThat(second.deliveries()).extracting(ClaimedDelivery::id).containsExactly(behind);
    assertThat(second.wholeQueue()).as("the window was full again").isFalse();

    ClaimDueDeliveries.Claimed third = claim.claimDue("w1", START, LEASE, 3, leftOut, 3);
    assertThat(third.deliveries()).isEmpty();
    assertThat(third.wholeQueue()).as("the window held every due row").isTrue();
  }

  @Test
  void behindALeftOutBacklogTheOnlyOtherHostGetsTheWholeBatch() throws Exception {
    for (int i = 0; i < 3 * ClaimDueDeliveries.WINDOW_BATCHES; i++) {
      db.pending("http://hanging.example/" + i, START.minusSeconds(100 - i));
    }
    List<Long> healthy = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      healthy.add(db.pending("http://healthy.example/" + i, START.minusSeconds(10 - i)));
    }

    // a share of the batch per host with due rows, never less than perHost: one host, all 5
    List<ClaimedDelivery> claimed = claim.claim("w1", START, LEASE, 5,
        List.of("hanging.example"), 2);

    assertThat(claimed).extracting(ClaimedDelivery::id)
        .containsExactlyElementsOf(healthy.subList(0, 5));
  }

  @Test
  void rowsLockedByAnotherClaimAreSkippedNotWaitedFor() throws Exception {
    long locked = db.pending("http://a.example/", START.minusSeconds(5));
    long open = db.pending("http://a.example/", START);
    try (Connection other = resolver.resolve(dataSource).getConnection();
        Statement lock = other.createStatement()) {
      other.setAutoCommit(false);
      lock.execute("SELECT 1 FROM hookline.delivery WHERE id = " + locked + " FOR UPDATE");

      List<ClaimedDelivery> claimed = claim.claim("w1", START, LEASE, 10);

      assertThat(claimed).extracting(ClaimedDelivery::id).containsExactly(open);
      other.rollback();
    }
  }

  @Test
  void theSweeperReturnsOnlyExpiredClaims() throws Exception {
    long expired = db.pending("http://a.example/", START.minusSeconds(100));
    claim.claim("gone", START.minusSeconds(100), START.minusSeconds(1), 10);
    long live = db.pending("http://a.example/", START);
    claim.claim("alive", START, START.plusSeconds(60), 10);

    assertThat(leases.sweep(START)).isEqualTo(1);

    assertThat(db.delivery(expired)).containsEntry("status", "pending")
        .containsEntry("claimed_by", null).containsEntry("claimed_until", null)
        .containsEntry("next_attempt_at", START.minusSeconds(100));
    assertThat(db.delivery(live)).containsEntry("status", "sending")
        .containsEntry("claimed_by", "alive");
  }

  @Test
  void releaseTouchesOnlyThisWorkersClaims() throws Exception {
    long mine = db.pending("http://a.example/", START);
    claim.claim("me", START, LEASE, 10);
    long theirs = db.pending("http://a.example/", START);
    claim.claim("them", START, LEASE, 10);

    assertThat(release.release("me", List.of(mine, theirs), START.plusSeconds(1), START))
        .isEqualTo(1);
    assertThat(release.release("me", List.of(), null, START)).isZero();

    assertThat(db.delivery(mine)).containsEntry("status", "pending")
        .containsEntry("claimed_by", null).containsEntry("next_attempt_at", START.plusSeconds(1));
    assertThat(db.delivery(theirs)).containsEntry("status", "sending");
    long kept = db.pending("http://a.example/", START.minusSeconds(3));
    claim.claim("me", START, LEASE, 10);
    release.release("me", List.of(kept), null, START);
    assertThat(db.delivery(kept)).containsEntry("next_attempt_at", START.minusSeconds(3));
  }
}
