package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With private targets not allowed, loopback, private, link-local and unspecified addresses are
 * refused in every spelling, and names that resolve to them too: nothing reaches the receiver
 * (which listens on every loopback address) and the delivery is dropped.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SsrfTest extends WorkerTest {

  @Override
  Map<String, String> settings() {
    return Map.of("hookline.delivery.allow-private-targets", "false");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "[::1]", "10.0.0.1", "169.254.169.254", "0.0.0.0",
      "2130706433", "[::ffff:127.0.0.1]", "localhost", "0x7f.1", "127.1"})
  void privateTargetsAreDroppedUnsent(String host) throws Exception {
    receiver.when(request()).respond(response().withStatusCode(200));
    long id = db.pending("http://" + host + ":" + receiver.getPort() + "/ssrf", START);

    WorkCounts counts = worker.workOnce();

    assertThat(counts.dropped()).isEqualTo(1);
    Map<String, Object> delivery = db.delivery(id);
    assertThat(delivery).containsEntry("status", "dropped").containsEntry("attempt_count", 1);
    assertThat((String) delivery.get("reason")).startsWith("target refused: ");
    Map<String, Object> attempt = db.attempts(id).getFirst();
    assertThat(attempt).containsEntry("status_code", null).containsEntry("outcome", "dropped");
    assertThat((String) attempt.get("error")).startsWith("target refused: ")
        .contains("not public");
    assertThat(receiver.retrieveRecordedRequests(request())).isEmpty();
  }

  @Test
  void aNameIsRefusedAfterResolvingNotBefore() throws Exception {
    long id = db.pending("http://localhost:" + receiver.getPort() + "/ssrf", START);

    worker.workOnce();

    assertThat((String) db.delivery(id).get("reason"))
        .isEqualTo("target refused: localhost: the address 127.0.0.1 is not public (loopback,"
            + " private, link-local, multicast or reserved); private targets are not allowed");
  }
}
