-- name: reset_database :exec
-- Puts a test's database back as the migrated template left it, for the next test: ends the
-- connections the test left (as DROP DATABASE ... WITH (FORCE) would), then empties every
-- table of the service (yoyo's own stay) and restarts the sequences they own. Far cheaper
-- than cloning the template again. Dynamic SQL, so that a table added by a new migration
-- is emptied too; the names come from the catalog, quoted by format('%I').
-- returns: nothing
DO $$
BEGIN
    PERFORM pg_terminate_backend(pid, 5000)
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid();
    EXECUTE (
        SELECT
            'TRUNCATE '
            || string_agg(format('%I.%I', schemaname, tablename), ', ')
            || ' RESTART IDENTITY CASCADE'
        FROM pg_tables
        WHERE schemaname = 'public' AND tablename NOT LIKE '%yoyo%'
    );
END
$$;
