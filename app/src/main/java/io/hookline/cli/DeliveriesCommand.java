package io.hookline.cli;

import io.micronaut.json.tree.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "deliveries", mixinStandardHelpOptions = true,
    description = "Looks back at deliveries: where events went and what every attempt got.",
    subcommands = {DeliveriesCommand.ListDeliveries.class, DeliveriesCommand.Show.class})
public final class DeliveriesCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Deliveries, newest first, as a table.")
  static final class ListDeliveries implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Mixin
    DeliveryFilterOptions filter;
    @Option(names = "--event-id", paramLabel = "ID", description = "Of this one event.")
    String eventId;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "At most N (1 to 500; default ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this.")
    String cursor;

    @Override
    public Integer call() {
      Map<String, Object> query = new LinkedHashMap<>();
      filter.putInto(query);
      query.put("event", eventId);
      query.put("limit", limit);
      query.put("cursor", cursor);
      JsonNode page = api.client().get(AdminClient.query("/deliveries", query));
      if (api.json) {
        api.out().println(JsonText.write(page, true));
        return 0;
      }
      TextTable table = new TextTable("ID", "STATUS", "ATTEMPTS", "EVENT", "WEBHOOK", "CREATED",
          "URL");
      page.get("items").values().forEach(d -> table.row(JsonText.text(d, "id", ""),
          JsonText.text(d, "status", ""), JsonText.text(d, "attemptCount", "0"),
          JsonText.text(d, "eventId", ""), JsonText.text(d, "webhookId", ""),
          JsonText.text(d, "createdAt", ""), JsonText.text(d, "url", "")));
      table.print(api.out());
      String next = JsonText.text(page, "next", null);
      if (next != null) {
        api.err().println("More: add --cursor " + next);
      }
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One delivery and its attempts.")
  static final class Show implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Parameters(paramLabel = "DELIVERY-ID", description = "The delivery (dlv_…).")
    String id;

    @Override
    public Integer call() {
      JsonNode delivery;
      try {
        delivery = api.client().get("/deliveries/" + AdminClient.segment(id));
      } catch (CommandFailure.NotFound e) {
        throw new CommandFailure("no delivery " + id);
      }
      if (api.json) {
        api.out().println(JsonText.write(delivery, true));
        return 0;
      }
      DeliveryText.print(delivery, api.out());
      return 0;
    }
  }
}
