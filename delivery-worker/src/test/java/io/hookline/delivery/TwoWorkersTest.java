package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mockserver.model.Delay;
import org.mockserver.model.HttpRequest;

/** Two worker processes on one database: every delivery is POSTed exactly once. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoWorkersTest extends WorkerTest {
  private static final int DELIVERIES = 300;
  private static final int BATCH = 25;

  @Override
  Map<String, String> settings() {
    return Map.of("hookline.delivery.batch-size", Integer.toString(BATCH));
  }

  @Test
  void eachDeliveryIsSentOnce() throws Exception {
    receiver.when(request().withPath("/once")).respond(response().withStatusCode(200)
        .withDelay(new Delay(TimeUnit.MILLISECONDS, 20)));
    for (int i = 0; i < DELIVERIES; i++) {
      db.pending(url("/once"), START);
    }
    try (ApplicationContext other = ApplicationContext.run(Map.copyOf(properties))) {
      DeliveryWorker second = other.getBean(DeliveryWorker.class);
      assertThat(second.workerId()).isNotEqualTo(worker.workerId());

      List<Integer> claims = runSideBySide(List.of(worker, second));

      System.out.printf("two workers: %s claimed %d, %s claimed %d%n", worker.workerId(),
          claims.get(0), second.workerId(), claims.get(1));
      assertThat(claims).allMatch(n -> n > 0);
      assertThat(claims.get(0) + claims.get(1)).isEqualTo(DELIVERIES);
    }
    HttpRequest[] got = received("/once");
    Map<String, Long> perId = Arrays.stream(got).collect(Collectors.groupingBy(
        r -> r.getFirstHeader("webhook-id"), Collectors.counting()));
    assertThat(perId).hasSize(DELIVERIES).allSatisfy((id, n) -> assertThat(n).isOne());
    assertThat(db.queryLong("SELECT count(*) FROM hookline.delivery WHERE status = 'delivered'"
        + " AND attempt_count = 1 AND url = ?", url("/once"))).isEqualTo(DELIVERIES);
    assertThat(db.queryLong("SELECT count(*) FROM hookline.attempt a JOIN hookline.delivery d"
        + " ON d.id = a.delivery_id WHERE d.url = ?", url("/once"))).isEqualTo(DELIVERIES);
  }

  /** Both workers claim at the same moment, round after round; answers what each claimed. */
  private static List<Integer> runSideBySide(List<DeliveryWorker> workers) throws Exception {
    int rounds = DELIVERIES / (BATCH * workers.size()) + 2;
    CyclicBarrier together = new CyclicBarrier(workers.size());
    ExecutorService threads = Executors.newFixedThreadPool(workers.size());
    try {
      List<Future<Integer>> claimed = new ArrayList<>();
      for (DeliveryWorker w : workers) {
        claimed.add(threads.submit(() -> {
          int total = 0;
          for (int round = 0; round < rounds; round++) {
            together.await(30, TimeUnit.SECONDS);
            total += w.workOnce().claimed();
          }
          return total;
        }));
      }
      List<Integer> totals = new ArrayList<>();
      for (Future<Integer> f : claimed) {
        totals.add(f.get(120, TimeUnit.SECONDS));
      }
      return totals;
    } finally {
      threads.shutdownNow();
    }
  }
}
