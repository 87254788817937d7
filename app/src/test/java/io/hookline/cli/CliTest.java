package io.hookline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookline.Hookline;
import io.hookline.api.ApiTest;
import io.hookline.delivery.DeliveryRows;
import io.hookline.replay.ReplayJobs;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The admin commands, run in-process as {@code java -jar hookline.jar …} runs them. */
class CliTest extends ApiTest {
  static final Instant T0 = Instant.parse("2030-03-01T10:00:00Z");

  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;
  @Inject
  ReplayJobs jobs;

  DeliveryRows rows;
  String tenant;
  String hook;

  record Run(int exit, String out, String err) {}

  @Override
  protected Map<String, String> extraProperties() {
    // An item whose delivery is being sent fails at once: lets a test see a replay that failed.
    return Map.of("hookline.replay.sending-wait", "0s");
  }

  @BeforeAll
  void seed() {
    rows = new DeliveryRows(resolver.resolve(dataSource));
    tenant = newTenant("cli");
    hook = rows.webhook(tenant, "order.*", "https://erp.example.com/hooks");
  }

  @BeforeEach
  void noJobs() {
    rows.exec("DELETE FROM hookline.replay");
  }

  @Test
  void showPrintsTheDeliveryAndItsAttempts() {
    long delivery = delivery("show_1", "failed");
    rows.attempt(delivery, T0.plusSeconds(1), null, "connection refused", null, "scheduled");
    rows.attempt(delivery, T0.plusSeconds(6), 503, null, "{\"error\":\n \"maintenance\"}",
        "replay");

    Run run = hookline("deliveries", "show", "dlv_" + delivery);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("dlv_" + delivery + "  failed  (2 attempts)")
        .contains("event    show_1").contains("url      https://erp.example.com/hooks");
    List<String> lines = run.out().lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("AT")).findFirst()
        .orElseThrow());
    assertThat(lines.get(header)).containsSubsequence("AT", "TRIGGER", "STATUS", "DURATION",
        "ERROR", "RESPONSE");
    assertThat(lines.get(header + 1)).containsSubsequence("2030-03-01T10:00:01Z", "scheduled",
        "-", "120 ms", "connection refused");
    assertThat(lines.get(header + 2)).containsSubsequence("2030-03-01T10:00:06Z", "replay", "503",
        "{\"error\": \"maintenance\"}");

    Run json = hookline("deliveries", "show", "dlv_" + delivery, "--json");
    assertThat(parse(json.out()).get("attempts").size()).isEqualTo(2);

    Run missing = hookline("deliveries", "show", "dlv_987654");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("no delivery dlv_987654");
  }

  @Test
  void listPrintsATableAndNamesBadFilters() {
    long failed = delivery("list_1", "failed");
    delivery("list_2", "delivered");

    Run run = hookline("deliveries", "list", "--tenant", tenant, "--status", "failed",
        "--event", "order.created");

    assertThat(run.exit()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).containsSubsequence("ID", "STATUS", "ATTEMPTS", "EVENT", "WEBHOOK",
        "CREATED", "URL");
    assertThat(lines).anySatisfy(line -> assertThat(line).containsSubsequence("dlv_" + failed,
        "failed", "0", "list_1", hook, "2030-03-01T10:00:00Z", "https://erp.example.com/hooks"));
    assertThat(lines).noneMatch(line -> line.contains("list_2"));

    Run paged = hookline("deliveries", "list", "--tenant", tenant, "--limit", "1", "--json");
    JsonNode page = parse(paged.out());
    assertThat(page.get("items").size()).isEqualTo(1);
    assertThat(page.get("next").isString()).isTrue();

    Run bad = hookline("deliveries", "list", "--status", "lost");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err().strip()).isEqualTo("1 field is invalid: status must be one of pending,"
        + " sending, delivered, failed, dropped (comma-separated for several)");
    assertThat(bad.err().lines().count()).isEqualTo(1);
  }

  @Test
  void replayingDeliveriesByIdMovesThemAndReportsEachFailure() {
    long failed = delivery("one_1", "failed");
    long sending = delivery("one_2", "sending");

    Run run = hookline("replay", "dlv_" + failed, "dlv_424242", "dlv_" + sending, "--no-retry");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("dlv_" + failed + " queued for replay");
    assertThat(run.err()).contains("no delivery dlv_424242")
        .contains("dlv_" + sending + ": The delivery is being sent right now");
    assertThat(rows.delivery(failed)).containsEntry("status", "pending")
        .containsEntry("next_trigger", "replay").containsEntry("retry", false);
    assertThat(rows.delivery(sending)).containsEntry("status", "sending");
    assertThat(hookline("replay", "dlv_" + failed).exit()).isZero();
  }

  @Test
  void aDryRunPrintsTheCount() {
    String other = rows.webhook(tenant, "*", "https://count.example.com");
    for (int i = 0; i < 3; i++) {
      rows.delivery(rows.event(tenant, "dry_" + i, "order.created", T0), other, "failed", T0);
    }
    rows.delivery(rows.event(tenant, "dry_ok", "order.created", T0), other, "delivered", T0);

    Run run = hookline("replay", "--webhook", other, "--status", "failed", "--dry-run");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo("3 deliveries match");
    Run json = hookline("replay", "--webhook", other, "--dry-run", "--json");
    assertThat(parse(json.out()).get("matched").getLongValue()).isEqualTo(4);
    Run since = hookline("replay", "--tenant", tenant, "--webhook", other, "--since",
        "2030-03-01T10:00:01Z", "--dry-run");
    assertThat(since.out().strip()).isEqualTo("0 deliveries match");
    assertThat(rows.count("SELECT count(*) FROM hookline.replay")).isZero();
  }

  @Test
  void aBulkReplayShowsProgressUntilTheWorkersAreDone() throws Exception {
    String other = rows.webhook(tenant, "*", "https://bulk.example.com");
    for (int i = 0; i < 5; i++) {
      rows.delivery(rows.event(tenant, "bulk_" + i, "order.created", T0), other, "dropped", T0);
    }

    Run run = replayWhileWorkersRun("replay", "--webhook", other, "--status", "dropped");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().strip()).matches("Replay rpl_\\w+: 5 matched, 5 replayed, 0 failed");
    assertThat(run.err()).contains("[##############################] 100% 5 of 5, 0 failed");
    assertThat(rows.count("SELECT count(*) FROM hookline.delivery WHERE webhook_id = ?"
        + " AND status = 'pending' AND next_trigger = 'replay'", other)).isEqualTo(5);
  }

  @Test
  void aBulkReplayWithFailuresExitsNonZero() throws Exception {
    String other = rows.webhook(tenant, "*", "https://stuck.example.com");
    rows.delivery(rows.event(tenant, "stuck_1", "order.created", T0), other, "failed", T0);
    rows.delivery(rows.event(tenant, "stuck_2", "order.created", T0), other, "sending", T0);

    Run run = replayWhileWorkersRun("replay", "--webhook", other, "--json");

    assertThat(run.exit()).isEqualTo(1);
    JsonNode job = parse(run.out());
    assertThat(job.get("done").getIntValue()).isEqualTo(1);
    assertThat(job.get("failed").getIntValue()).isEqualTo(1);
    assertThat(job.get("status").getStringValue()).isEqualTo("done");
  }

  @Test
  void fromEventsSendsPastEventsToAWebhook() throws Exception {
    String shop = newTenant("backfill");
    rows.event(shop, "past_1", "order.created", T0);
    rows.event(shop, "past_2", "invoice.sent", T0);
    String fresh = rows.webhook(shop, "order.*", "https://fresh.example.com");

    Run dry = hookline("replay", "--webhook", fresh, "--from-events", "--since", "2030-03-01",
        "--dry-run");
    assertThat(dry.out().strip()).as(dry.err()).isEqualTo("1 delivery matches");
    Run run = replayWhileWorkersRun("replay", "--webhook", fresh, "--from-events", "--since",
        "2030-03-01");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(rows.count("SELECT count(*) FROM hookline.delivery WHERE webhook_id = ?"
        + " AND next_trigger = 'replay' AND next_attempt_at IS NOT NULL", fresh)).isEqualTo(1);
  }

  @Test
  void tenantsAndKeysAreManaged() {
    Run created = hookline("tenants", "create", "Acme Shop");
    assertThat(created.exit()).as(created.err()).isZero();
    String[] tenantLine = created.out().strip().split(" {2}");
    assertThat(tenantLine[0]).startsWith("ten_");
    assertThat(tenantLine[1]).isEqualTo("Acme Shop");

    Run key = hookline("keys", "create", "--tenant", tenantLine[0]);
    assertThat(key.exit()).as(key.err()).isZero();
    String[] keyLine = key.out().strip().split(" {2}");
    assertThat(keyLine[0]).startsWith("key_");
    assertThat(keyLine[1]).startsWith("hkl_");
    assertThat(key.err()).contains("only this once");
    assertThat(call("GET", "/deliveries", keyLine[1], null).status()).isEqualTo(200);

    Run revoked = hookline("keys", "revoke", "--tenant", tenantLine[0], keyLine[0]);
    assertThat(revoked.exit()).as(revoked.err()).isZero();
    assertThat(revoked.out().strip()).isEqualTo("Revoked " + keyLine[0]);
    assertThat(call("GET", "/deliveries", keyLine[1], null).status()).isEqualTo(401);
    Run again = hookline("keys", "revoke", "--tenant", tenantLine[0], keyLine[0]);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err().strip()).isEqualTo("no live key " + keyLine[0] + " of tenant "
        + tenantLine[0]);
    assertThat(hookline("keys", "create", "--tenant", "ten_nope").err().strip())
        .isEqualTo("no tenant ten_nope");
    Run empty = hookline("tenants", "create", " ");
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.err().strip()).isEqualTo("1 field is invalid: name is required");
  }

  @Test
  void aServerThatIsDownIsSaidInOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    Run run = run("deliveries", "list", "--url", url, "--token", ADMIN);
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip())
        .isEqualTo("cannot reach Hookline at " + url + ": connection refused");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aRefusedTokenIsSaidInOneLine() {
    Run run = run("replay", "dlv_1", "--url", server.getURL().toString(), "--token",
        "wrong-token-0123456789");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("the token was refused");
    Run none = run("tenants", "create", "x", "--url", server.getURL().toString());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err().strip()).isEqualTo("no token: pass --token or set HOOKLINE_ADMIN_TOKEN");
  }

  @Test
  void everyCommandHasHelpAndUsageMistakesExitTwo() {
    for (String[] command : List.of(new String[] {"replay"}, new String[] {"deliveries"},
        new String[] {"deliveries", "list"}, new String[] {"deliveries", "show"},
        new String[] {"tenants"}, new String[] {"tenants", "create"}, new String[] {"keys"},
        new String[] {"keys", "create"}, new String[] {"keys", "revoke"})) {
      Run help = run(Stream.concat(Arrays.stream(command), Stream.of("--help"))
          .toArray(String[]::new));
      assertThat(help.exit()).as(String.join(" ", command)).isZero();
      assertThat(help.out()).contains("Usage: hookline " + String.join(" ", command));
    }
    Run nothing = run("replay", "--token", ADMIN);
    assertThat(nothing.exit()).isEqualTo(2);
    assertThat(nothing.err()).contains("Name deliveries to replay").contains("--help");
    assertThat(run("replay", "dlv_1", "--webhook", "whk_1").exit()).isEqualTo(2);
    Run badTime = run("replay", "--webhook", "whk_1", "--since", "last tuesday");
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.err()).contains("'last tuesday' is not a time");
  }

  private long delivery(String eventId, String status) {
    return rows.delivery(rows.event(tenant, eventId, "order.created", T0), hook, status, T0);
  }

  /** Runs a bulk replay command while the test plays the workers, stepping the job to done. */
  private Run replayWhileWorkersRun(String... args) throws Exception {
    CompletableFuture<Run> command = CompletableFuture.supplyAsync(() -> hookline(args));
    await().atMost(Duration.ofSeconds(30)).until(() -> command.isDone()
        || rows.count("SELECT count(*) FROM hookline.replay") > 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      jobs.step("cli-test-runner", 2);
      return rows.count("SELECT count(*) FROM hookline.replay WHERE status = 'running'") == 0;
    });
    return command.get(30, TimeUnit.SECONDS);
  }

  /** A command against the test server with the admin token. */
  private Run hookline(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", server.getURL().toString(), "--token", ADMIN));
    return run(all.toArray(String[]::new));
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = Hookline.commandLine();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int exit = line.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static JsonNode parse(String json) {
    try {
      return JsonText.parse(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
