package io.hookline.cli;

import io.micronaut.json.tree.JsonNode;
import java.util.List;
import java.util.Map;

/** {@code replay dlv_…}: each delivery at once; one failing does not stop the others. */
final class ReplayDeliveries {
  private final ApiOptions api;
  private final AdminClient client;

  ReplayDeliveries(ApiOptions api, AdminClient client) {
    this.api = api;
    this.client = client;
  }

  int replay(List<String> deliveries, boolean retry) {
    int failures = 0;
    for (String id : deliveries) {
      try {
        JsonNode delivery = client.post("/deliveries/" + AdminClient.segment(id) + "/replay",
            Map.of("retry", retry));
        api.out().println(api.json ? JsonText.write(delivery, false)
            : id + " queued for replay (" + JsonText.text(delivery, "attemptCount", "0")
                + " attempts so far)");
      } catch (CommandFailure.NotFound e) {
        api.err().println("no delivery " + id);
        failures++;
      } catch (CommandFailure e) {
        if (e.getMessage().startsWith("cannot reach") || e.getMessage().startsWith("the token")) {
          throw e;
        }
        api.err().println(id + ": " + e.getMessage());
        failures++;
      }
    }
    api.out().flush();
    return failures == 0 ? 0 : 1;
  }
}
