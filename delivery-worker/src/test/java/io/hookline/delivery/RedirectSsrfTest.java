package io.hookline.delivery;

import static io.hookline.delivery.MutableClock.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A receiver that is allowed (127.0.0.1 is listed in allowed-networks) answers with a redirect to
 * a private address (127.0.0.2, not allowed): the redirect is recorded and the delivery dropped,
 * and nothing ever connects to the private address.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedirectSsrfTest extends WorkerTest {

  @Override
  Map<String, String> settings() {
    return Map.of("hookline.delivery.allow-private-targets", "false",
        "hookline.delivery.allowed-networks", "127.0.0.1/32");
  }

  @Test
  void aRedirectToAPrivateAddressIsNeverFollowed() throws Exception {
    String internal = "http://127.0.0.2:" + receiver.getPort() + "/internal";
    receiver.when(request().withPath("/hop"))
        .respond(response().withStatusCode(302).withHeader("Location", internal));
    receiver.when(request().withPath("/internal")).respond(response().withStatusCode(200));
    long id = db.pending("http://127.0.0.1:" + receiver.getPort() + "/hop", START);

    worker.workOnce();

    assertThat(db.delivery(id)).containsEntry("status", "dropped");
    assertThat(db.attempts(id)).singleElement().satisfies(attempt -> assertThat(attempt)
        .containsEntry("status_code", 302).containsEntry("outcome", "dropped"));
    assertThat(receiver.retrieveRecordedRequests(request().withPath("/hop"))).hasSize(1);
    assertThat(receiver.retrieveRecordedRequests(request().withPath("/internal"))).isEmpty();
  }
}
