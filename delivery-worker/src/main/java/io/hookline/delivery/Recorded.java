package io.hookline.delivery;

import io.hookline.claim.ClaimedDelivery;

/**
 * What the worker writes for one claimed delivery.
 *
 * @param attempt the HTTP attempt, or null when none was made (the webhook was disabled or
 *     deleted in the meantime)
 */
record Recorded(ClaimedDelivery delivery, Outcome outcome, Attempt attempt) {}
