-- An attempt row is written by one statement only (the worker's record, RecordOutcomes): in the
-- same statement that moves its delivery on, and only for the delivery rows that statement
-- updated, which it holds locked until it commits. Its foreign key checked again what that
-- statement had just done, once per attempt, looking up and locking the delivery row (FOR KEY
-- SHARE): 6-12 us of PostgreSQL per attempt in psql (100,000 rows updated and their children
-- inserted in one statement: 1.4-1.5 s without the key, 2.0-2.8 s with it), a few percent of a
-- drain's PostgreSQL time per delivery.
--
-- What the key did on delete is still done, once per statement instead of once per row: deleting
-- deliveries (retention; an event's or a destination's deletion cascading to its deliveries)
-- deletes their attempts.
ALTER TABLE attempt DROP CONSTRAINT attempt_delivery_id_fkey;

CREATE FUNCTION delete_attempts_of_deleted_deliveries() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM hookline.attempt a USING deleted_delivery d WHERE a.delivery_id = d.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER delivery_deletes_its_attempts
    AFTER DELETE ON delivery
    REFERENCING OLD TABLE AS deleted_delivery
    FOR EACH STATEMENT EXECUTE FUNCTION delete_attempts_of_deleted_deliveries();
