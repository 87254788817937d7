package io.hookline.launch;

import io.hookline.Hookline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Runs only the delivery worker (outbox relay, fan-out and sending), no API.",
        "Any number of workers may share one database (HOOKLINE_DATABASE_URL)."})
public final class WorkerCommand implements Callable<Integer> {

  @Override
  public Integer call() throws InterruptedException {
    Startup.start(false, true);
    // No HTTP server keeps this process alive: wait until a signal stops it (the shutdown hook
    // closes the context and the embedded database).
    Thread.currentThread().join();
    return Hookline.KEEP_RUNNING;
  }
}
