-- The host a delivery's URL is counted against, as a function: the fan-out statement asks it of
-- a destination's URL before the delivery row (and its generated host column) exists, to hand
-- a worker at most its share of each host's fresh deliveries. It must answer what V6's
-- delivery.host column stores (a test compares the two on the same URLs); the column keeps its
-- own expression, since changing a generated column's expression rewrites the whole table.
CREATE FUNCTION url_host(url text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(lower(substring(url FROM '^[^:]+://(?:[^/?#@]*@)?(\[[^]]*\]|[^/?#:]*)')), '')
$$;
