-- name: list_event_log :many
-- The whole event log in position order (each chat's commit order): what user feeds must
-- have delivered.
-- returns: position, chat_id, user_id, event, message_id
SELECT position, chat_id, user_id, event, message_id FROM event_log ORDER BY position;
