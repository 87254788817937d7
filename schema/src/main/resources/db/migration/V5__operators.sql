-- Operators: bulk replays and retention.

-- A queued replay item whose delivery is being sent waits for that attempt to end; since when,
-- so that a delivery stuck in 'sending' fails its item instead of holding the job open forever.
ALTER TABLE replay_item ADD COLUMN waiting_since timestamptz;

-- Deleting a delivery (retention) cascades to its replay items and checks for queued ones:
-- both need to find a delivery's items without scanning every job's items.
CREATE INDEX replay_item_delivery ON replay_item (delivery_id);

-- Deleting an event (retention) cascades to idempotency keys: find them by index, not by a scan
-- of a day's keys per deleted event.
CREATE INDEX idempotency_key_event ON idempotency_key (event_pk);
