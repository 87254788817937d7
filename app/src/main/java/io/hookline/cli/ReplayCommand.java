package io.hookline.cli;

import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Sends deliveries again: the same event and webhook-id, a fresh signature.",
        "With delivery ids, replays those at once. With --webhook and/or --tenant, replays every"
            + " delivery the filter matches through a background job and shows its progress;"
            + " --dry-run only counts them. With --from-events, sends the events created since"
            + " --since to --webhook where it has no delivery yet (a new webhook)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:refused, unreachable, or some deliveries could not be replayed",
        "2:bad usage"})
public final class ReplayCommand implements Callable<Integer> {
  static final Duration POLL = Duration.ofMillis(500);

  @Spec
  CommandSpec spec;
  @Mixin
  ApiOptions api;

  @Parameters(paramLabel = "DELIVERY-ID", arity = "0..*", description = "Deliveries (dlv_…).")
  List<String> deliveries = List.of();

  @Mixin
  DeliveryFilterOptions filter;
  @Option(names = "--from-events",
      description = "Send past events (since --since) to --webhook instead of replaying.")
  boolean fromEvents;
  @Option(names = "--dry-run", description = "Only count what would be replayed.")
  boolean dryRun;
  @Option(names = "--no-retry", negatable = false,
      description = "A replayed attempt that fails is not retried on the schedule.")
  boolean noRetry;

  @Override
  public Integer call() {
    boolean bulk = filter.webhook != null || filter.tenant != null;
    if (deliveries.isEmpty() == !bulk) {
      throw new ParameterException(spec.commandLine(), deliveries.isEmpty()
          ? "Name deliveries to replay, or a filter with --webhook and/or --tenant"
          : "Give either delivery ids or a filter, not both");
    }
    if (fromEvents && (filter.webhook == null || filter.since == null)) {
      throw new ParameterException(spec.commandLine(), "--from-events needs --webhook and --since");
    }
    AdminClient client = api.client();
    if (!bulk) {
      return new ReplayDeliveries(api, client).replay(deliveries, !noRetry);
    }
    JsonNode answer = client.post("/replays", request());
    if (dryRun) {
      long matched = answer.get("matched").getLongValue();
      api.out().println(api.json ? JsonText.write(answer, false)
          : matched + (matched == 1 ? " delivery matches" : " deliveries match"));
      return 0;
    }
    JsonNode job = new ReplayProgress(client, api.err(), POLL).follow(answer);
    int failed = job.get("failed").getIntValue();
    if (api.json) {
      api.out().println(JsonText.write(job, true));
    } else {
      api.out().printf("Replay %s: %d matched, %d replayed, %d failed%n",
          JsonText.text(job, "id", "?"), job.get("matched").getIntValue(),
          job.get("done").getIntValue(), failed);
    }
    return failed == 0 ? 0 : 1;
  }

  private Map<String, Object> request() {
    Map<String, Object> body = new LinkedHashMap<>();
    if (fromEvents) {
      Map<String, Object> window = new LinkedHashMap<>();
      window.put("since", filter.since.toString());
      DeliveryFilterOptions.put(window, "until", filter.until);
      body.put("webhook", filter.webhook);
      body.put("fromEvents", window);
      DeliveryFilterOptions.put(body, "tenant", filter.tenant);
    } else {
      Map<String, Object> matching = new LinkedHashMap<>();
      filter.putInto(matching);
      body.put("filter", matching);
    }
    body.put("dryRun", dryRun);
    body.put("retry", !noRetry);
    return body;
  }
}
