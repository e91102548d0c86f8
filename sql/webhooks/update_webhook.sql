-- name: update_webhook :one
-- Changes what a PATCH names (NULL: leave it). Enabling a webhook clears why it was disabled
-- and its failure streak; it goes on from where its cursor stopped (events the log has
-- pruned since are gone).
-- $1 webhook_id bigint
-- $2 url text
-- $3 events text[]
-- $4 description text
-- $5 enabled boolean
-- $6 set_chat boolean: whether chat_id is being changed (it may change to NULL)
-- $7 chat_id bigint
-- returns: the public fields of get_webhook.sql, or no row when there is no such webhook
UPDATE webhooks AS w
SET
    url = coalesce($2::text, w.url),
    events = coalesce($3::text [], w.events),
    description = coalesce($4::text, w.description),
    chat_id = CASE WHEN $6::boolean THEN $7::bigint ELSE w.chat_id END,
    enabled = coalesce($5::boolean, w.enabled),
    disabled_reason = CASE WHEN $5::boolean THEN NULL ELSE w.disabled_reason END,
    failing_since = CASE WHEN $5::boolean THEN NULL ELSE w.failing_since END,
    updated_at = now()
WHERE w.id = $1::bigint
RETURNING
    w.id, w.url, w.events, w.chat_id, w.description, w.enabled, w.disabled_reason,
    w.failing_since,
    CASE WHEN w.previous_secret_until > now() THEN w.previous_secret_until END
        AS previous_secret_until,
    w.created_at, w.updated_at;
