package io.hookline.claim;

import io.hookline.payload.EventData;
import io.hookline.sign.Signature;
import java.util.List;
import java.util.Map;

/**
 * A delivery this worker has claimed, with everything sending it needs, read in the claiming
 * statement so that nothing else touches the database before the POST.
 *
 * @param id the delivery row
 * @param url where to POST (copied from the destination when the delivery was made)
 * @param attemptCount attempts made so far, ever
 * @param scheduleStep attempts made since creation or the last replay (drives the schedule)
 * @param retry whether a failed attempt is retried on the schedule
 * @param trigger what this attempt is: "scheduled" or "replay"
 * @param event the event
 * @param webhook the subscription as it is now
 * @param format the body format, "json" or "xml"
 * @param fields the data keys to keep, or null for all
 */
public record ClaimedDelivery(long id, String url, int attemptCount, int scheduleStep,
    boolean retry, String trigger, EventData event, Webhook webhook, String format,
    List<String> fields) {

  /**
   * @param headers static headers to send (names and values are never logged)
   */
  public record Webhook(String id, Signature.Secrets secrets, String verifierToken,
      Map<String, String> headers, boolean enabled, boolean deleted) {
    @Override
    public String toString() {
      return "Webhook[" + id + ", enabled=" + enabled + ", deleted=" + deleted + "]";
    }
  }
}
