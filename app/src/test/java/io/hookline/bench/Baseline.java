package io.hookline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same-run baseline: a plain HTTP client POSTing the same 1 KiB bodies to the same receiver
 * as fast as it can with a fixed number in flight. Hookline's figures are reported as ratios to
 * this, since absolute numbers drift on a shared machine.
 */
final class Baseline {
  private Baseline() {}

  /** POSTs/s over {@code count} requests with {@code inFlight} concurrent. */
  static double postsPerSecond(String url, byte[] body, int count, int inFlight) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    CompletableFuture<?>[] all = new CompletableFuture<?>[count];
    for (int i = 0; i < count; i++) {
      slots.acquire();
      HttpRequest request = HttpRequest.newBuilder(URI.create(url))
          .header("Content-Type", "application/json").header("webhook-id", "baseline-" + i)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      all[i] = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .handle((response, error) -> {
            // handled here, so that one failed POST counts instead of failing the join below
            if (error != null || response.statusCode() != 200) {
              failures.incrementAndGet();
            }
            slots.release();
            return null;
          });
    }
    CompletableFuture.allOf(all).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    // A rare failure is the JDK client reusing a keep-alive connection the receiver just closed;
    // more than 1 % means the baseline itself is broken.
    if (failures.get() > count / 100) {
      throw new IllegalStateException(failures.get() + " of " + count + " baseline POSTs failed");
    }
    return (count - failures.get()) / seconds;
  }
}
