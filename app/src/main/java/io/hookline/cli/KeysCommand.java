package io.hookline.cli;

import io.micronaut.json.tree.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "A tenant's API keys (admin token).",
    subcommands = {KeysCommand.Create.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates an API key; the key is shown this once, only its hash is kept.")
  static final class Create implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Option(names = "--tenant", paramLabel = "ID", required = true, description = "The tenant.")
    String tenant;

    @Override
    public Integer call() {
      JsonNode key;
      try {
        key = api.client().post("/tenants/" + AdminClient.segment(tenant) + "/api-keys", null);
      } catch (CommandFailure.NotFound e) {
        throw new CommandFailure("no tenant " + tenant);
      }
      if (api.json) {
        api.out().println(JsonText.write(key, true));
      } else {
        api.out().println(JsonText.text(key, "id", "") + "  " + JsonText.text(key, "key", ""));
        api.err().println("The key is shown only this once: store it now.");
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes an API key at once.")
  static final class Revoke implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Option(names = "--tenant", paramLabel = "ID", required = true, description = "The tenant.")
    String tenant;

    @Parameters(paramLabel = "KEY-ID", description = "The key's id (key_…), not the key.")
    String keyId;

    @Override
    public Integer call() {
      try {
        api.client().delete("/tenants/" + AdminClient.segment(tenant) + "/api-keys/"
            + AdminClient.segment(keyId));
      } catch (CommandFailure.NotFound e) {
        throw new CommandFailure("no live key " + keyId + " of tenant " + tenant);
      }
      api.out().println(api.json ? JsonText.write(JsonNode.from(Map.of("id", keyId,
          "revoked", true)), false) : "Revoked " + keyId);
      return 0;
    }
  }
}
