package io.hookline.delivery;

import java.util.List;

/**
 * What one {@link DeliveryWorker#workOnce()} did.
 *
 * @param claimed deliveries claimed
 * @param delivered attempts answered with 2xx
 * @param retried attempts that failed and are due again
 * @param failed deliveries that failed for good (no retry left)
 * @param dropped deliveries dropped (permanent failure, refused target, disabled webhook)
 * @param released claims handed back unsent because their host was at its cap
 */
public record WorkCounts(int claimed, int delivered, int retried, int failed, int dropped,
    int released) {

  static WorkCounts of(int claimed, List<Outcome> outcomes, int released) {
    int[] n = new int[4];
    for (Outcome outcome : outcomes) {
      n[switch (outcome) {
        case Outcome.Delivered d -> 0;
        case Outcome.RetryAt r -> 1;
        case Outcome.Fail f -> 2;
        case Outcome.Drop d -> 3;
      }]++;
    }
    return new WorkCounts(claimed, n[0], n[1], n[2], n[3], released);
  }
}
