-- name: count_all_followers :scalar
-- How many chat follow records any process holds (none on the Redis bus).
-- returns: count
SELECT count(*) FROM chat_followers;
