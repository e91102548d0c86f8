-- name: new_process_id :scalar
-- A process on the Redis bus names its user_followers rows (who is online) with this id, as a
-- process on the PostgreSQL bus does with its LISTEN connection's backend pid (migration 0017).
-- returns: id integer
SELECT nextval('bus_process_ids')::integer AS id;
