package io.hookline.delivery;

import io.hookline.problem.ProblemException;

/** Public delivery ids are {@code dlv_} and the row's bigint key. */
public final class DeliveryId {
  private static final String PREFIX = "dlv_";

  private DeliveryId() {}

  public static String format(long id) {
    return PREFIX + id;
  }

  /** The row key of a public id; anything that cannot be one is simply not found. */
  public static long parse(String id) {
    if (id.startsWith(PREFIX) && id.length() > PREFIX.length() && id.length() <= PREFIX.length() + 19
        && id.substring(PREFIX.length()).chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(id.substring(PREFIX.length()));
      } catch (NumberFormatException e) {
        // beyond a bigint: falls through to not found
      }
    }
    throw ProblemException.notFound("Delivery");
  }
}
