-- The last three foreign keys on the delivery path checked, once per inserted row, what the
-- fan-out statement can guard once per batch. A foreign-key check looks up and locks (FOR KEY
-- SHARE) the parent row for every child row: a drain of 1-KiB events with one destination paid
-- three per delivery (the event's tenant, the delivery's event and its destination), about 7 %
-- of PostgreSQL's CPU (perf with DWARF stacks) and 5-7 ms of a 41 ms batch of 500 events in
-- pgbench (docs/benchmarks.md, stop 17).
--
-- What the keys guarded is still guarded:
-- * a delivery's event is inserted by the same statement (FanOut), so nobody else can see it,
--   let alone delete it, before that commits; a replay into a webhook (ReplayIntoWebhook), the
--   only other writer of deliveries, locks the events it makes deliveries for (FOR KEY SHARE);
-- * FanOut locks the events' tenants and the destinations it may deliver to, once per batch
--   (FOR KEY SHARE), so a concurrent DELETE of either waits for it and then takes what it wrote
--   with it; an event whose tenant is gone fails the statement as the foreign key did (SQLSTATE
--   23503);
-- * and what the keys did on delete is done once per statement, by the triggers below: deleting
--   a tenant deletes its events, deleting an event or a destination deletes its deliveries (and,
--   V10, their attempts).
ALTER TABLE event DROP CONSTRAINT event_tenant_id_fkey;
ALTER TABLE delivery DROP CONSTRAINT delivery_event_pk_fkey;
ALTER TABLE delivery DROP CONSTRAINT delivery_destination_id_fkey;

CREATE FUNCTION delete_events_of_deleted_tenants() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM hookline.event e USING deleted_tenant t WHERE e.tenant_id = t.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER tenant_deletes_its_events
    AFTER DELETE ON tenant
    REFERENCING OLD TABLE AS deleted_tenant
    FOR EACH STATEMENT EXECUTE FUNCTION delete_events_of_deleted_tenants();

CREATE FUNCTION delete_deliveries_of_deleted_events() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM hookline.delivery d USING deleted_event e WHERE d.event_pk = e.pk;
    RETURN NULL;
END;
$$;

CREATE TRIGGER event_deletes_its_deliveries
    AFTER DELETE ON event
    REFERENCING OLD TABLE AS deleted_event
    FOR EACH STATEMENT EXECUTE FUNCTION delete_deliveries_of_deleted_events();

-- A destination's deliveries are found through their webhook's index (delivery_webhook): there is
-- no index on destination_id, and the foreign key's cascade scanned the whole table once per
-- deleted destination.
CREATE FUNCTION delete_deliveries_of_deleted_destinations() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM hookline.delivery d USING deleted_destination x
     WHERE d.webhook_id = x.webhook_id AND d.destination_id = x.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER destination_deletes_its_deliveries
    AFTER DELETE ON destination
    REFERENCING OLD TABLE AS deleted_destination
    FOR EACH STATEMENT EXECUTE FUNCTION delete_deliveries_of_deleted_destinations();

-- A destination's host (as delivery.host stores it, V6) is worked out once, when the destination
-- is written, instead of by a regular expression (5 us a call) twice per delivery: once when the
-- fan-out chooses the deliveries to hand its worker, once for delivery.host. delivery.host becomes
-- a plain column that its writers fill from the destination (dropping the expression keeps the
-- stored values and rewrites nothing).
ALTER TABLE destination ADD COLUMN host text NOT NULL GENERATED ALWAYS AS (hookline.url_host(url)) STORED;
ALTER TABLE delivery ALTER COLUMN host DROP EXPRESSION;
