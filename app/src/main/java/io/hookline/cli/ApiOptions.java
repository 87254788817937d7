package io.hookline.cli;

import java.io.PrintWriter;
import java.net.URI;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the admin commands find Hookline, and with which token; shared by every command. */
final class ApiOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--url", paramLabel = "URL",
      defaultValue = "${env:HOOKLINE_URL:-http://localhost:8080}",
      description = "Hookline's base URL (default: HOOKLINE_URL or ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:HOOKLINE_ADMIN_TOKEN}",
      description = "The admin token or an API key (default: HOOKLINE_ADMIN_TOKEN).")
  String token;

  @Option(names = "--json", description = "Print the server's JSON answer instead of text.")
  boolean json;

  AdminClient client() {
    if (token == null || token.isBlank()) {
      throw new CommandFailure("no token: pass --token or set HOOKLINE_ADMIN_TOKEN", 2);
    }
    URI base;
    try {
      base = URI.create(url);
    } catch (IllegalArgumentException e) {
      base = null;
    }
    if (base == null || base.getHost() == null
        || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
      throw new CommandFailure("--url must be an http(s) URL such as http://localhost:8080", 2);
    }
    return new AdminClient(url, token.strip());
  }

  PrintWriter out() {
    return command.commandLine().getOut();
  }

  PrintWriter err() {
    return command.commandLine().getErr();
  }
}
