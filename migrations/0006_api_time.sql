-- How the API writes a point in time: ISO 8601 in UTC with a "Z", microseconds only when the
-- time is not a whole second (2026-01-15T10:30:00.123456Z, 2026-01-15T10:30:00Z), whatever
-- the session's TimeZone. That is the form pydantic writes for the answers the service
-- serialises itself, so a message reads the same whichever path returned it, also when the
-- JSON document comes straight from the database. A one-expression SQL function: the planner
-- inlines it.
-- depends: 0005_read_markers

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE FUNCTION api_time(moment timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT to_char(moment AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_trunc('second', moment) = moment THEN ''
                ELSE to_char(moment AT TIME ZONE 'UTC', '.US') END
        || 'Z'
$$;

COMMENT ON FUNCTION api_time(timestamptz) IS
    'A timestamp as the API writes it: 2026-01-15T10:30:00.123456Z (UTC; no fraction on whole seconds).';
