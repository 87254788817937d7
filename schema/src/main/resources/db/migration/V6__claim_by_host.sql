-- Claims leave out hosts that have no free slot in the claiming worker. The host is stored once,
-- when the row is written (the same rule as the sender's: scheme, optional user info, then a
-- bracketed IPv6 literal or a name, lower case), so that a claim compares a column instead of
-- parsing every due row's URL.
ALTER TABLE delivery ADD COLUMN host text NOT NULL GENERATED ALWAYS AS (
    coalesce(lower(substring(url FROM '^[^:]+://(?:[^/?#@]*@)?(\[[^]]*\]|[^/?#:]*)')), '')
) STORED;

-- A host's due rows in order, and the distinct hosts with pending rows (a skip scan): the claim's
-- second look when the head of the due queue belongs to hosts the worker is leaving out.
CREATE INDEX delivery_due_host ON delivery (host, next_attempt_at) WHERE status = 'pending';
