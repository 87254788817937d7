package io.hookline.cli;

import io.micronaut.json.tree.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Follows a replay job until it is done, drawing a progress bar on stderr. Stopping the command
 * stops only the display: the job runs on in the workers.
 */
final class ReplayProgress {
  private static final int WIDTH = 30;

  private final AdminClient client;
  private final PrintWriter err;
  private final Duration interval;

  ReplayProgress(AdminClient client, PrintWriter err, Duration interval) {
    this.client = client;
    this.err = err;
    this.interval = interval;
  }

  /** Polls {@code GET /replays/{id}} from the job as created; answers it once done. */
  JsonNode follow(JsonNode job) {
    String id = JsonText.text(job, "id", "");
    err.println("Replay " + id + " started (the workers run it; Ctrl-C stops only this display)");
    while (!"done".equals(JsonText.text(job, "status", "done"))) {
      draw(job);
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandFailure("interrupted; replay " + id + " goes on", 130);
      }
      job = client.get("/replays/" + AdminClient.segment(id));
    }
    draw(job);
    err.println();
    err.flush();
    return job;
  }

  private void draw(JsonNode job) {
    int matched = job.get("matched").getIntValue();
    int settled = job.get("done").getIntValue() + job.get("failed").getIntValue();
    int filled = matched == 0 ? WIDTH : (int) ((long) settled * WIDTH / matched);
    err.printf("\r[%s%s] %3d%% %d of %d, %d failed", "#".repeat(filled),
        "-".repeat(WIDTH - filled), matched == 0 ? 100 : settled * 100L / matched, settled,
        matched, job.get("failed").getIntValue());
    err.flush();
  }
}
