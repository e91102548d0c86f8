-- name: create_webhook :one
-- Adds a webhook; it receives the events committed from now on (its cursor is this snapshot).
-- $1 url text
-- $2 events text[]: event types, or '*'
-- $3 chat_id bigint: only this chat's events; NULL: every chat's
-- $4 description text
-- $5 secret text: "whsec_" + base64
-- returns: the webhook's public fields (see get_webhook.sql)
INSERT INTO webhooks AS w (url, events, chat_id, description, secret)
VALUES ($1::text, $2::text [], $3::bigint, $4::text, $5::text)
RETURNING
    w.id, w.url, w.events, w.chat_id, w.description, w.enabled, w.disabled_reason,
    w.failing_since, w.previous_secret_until, w.created_at, w.updated_at, w.secret;
