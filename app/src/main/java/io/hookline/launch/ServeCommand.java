package io.hookline.launch;

import io.hookline.Hookline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Runs the REST API and, unless --no-worker, the delivery worker.",
        "Database: HOOKLINE_DATABASE_URL, or an embedded PostgreSQL in HOOKLINE_DATA_DIR"
            + " (default ./hookline-data). Port: MICRONAUT_SERVER_PORT (default 8080)."})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--no-worker", description = "Run only the API; workers run elsewhere.")
  boolean noWorker;

  @Override
  public Integer call() {
    Startup.start(true, !noWorker);
    return Hookline.KEEP_RUNNING;
  }
}
