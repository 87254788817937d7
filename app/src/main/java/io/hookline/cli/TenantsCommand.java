package io.hookline.cli;

import io.micronaut.json.tree.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tenants", mixinStandardHelpOptions = true,
    description = "Tenants: the customers whose webhooks Hookline sends (admin token).",
    subcommands = TenantsCommand.Create.class)
public final class TenantsCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates a tenant and prints its id.")
  static final class Create implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Parameters(paramLabel = "NAME", description = "The tenant's name (1 to 200 characters).")
    String name;

    @Override
    public Integer call() {
      JsonNode tenant = api.client().post("/tenants", Map.of("name", name));
      api.out().println(api.json ? JsonText.write(tenant, true)
          : JsonText.text(tenant, "id", "") + "  " + JsonText.text(tenant, "name", ""));
      return 0;
    }
  }
}
