-- name: schema_signature :many
-- Columns, indexes, triggers, functions and constraints of the public schema (yoyo's own
-- bookkeeping tables left out), to compare schemas in the migration stairway test.
-- returns: kind, name, definition
SELECT 'column' AS kind, table_name || '.' || column_name AS name,
       data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS definition
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name NOT LIKE '%yoyo%'
UNION ALL
SELECT 'index' AS kind, indexname::text AS name, indexdef AS definition
FROM pg_indexes
WHERE schemaname = 'public' AND tablename NOT LIKE '%yoyo%'
UNION ALL
SELECT 'trigger' AS kind, tgname::text AS name, pg_get_triggerdef(oid) AS definition
FROM pg_trigger
WHERE NOT tgisinternal
UNION ALL
SELECT 'function' AS kind, proname::text AS name, pg_get_functiondef(oid) AS definition
FROM pg_proc
WHERE pronamespace = 'public'::regnamespace
UNION ALL
SELECT 'constraint' AS kind, conname::text AS name, pg_get_constraintdef(oid) AS definition
FROM pg_constraint
WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%yoyo%'
ORDER BY 1, 2;
