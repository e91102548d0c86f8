-- Webhooks: endpoints that receive the event log's chat-wide events (POST /webhooks), what is
-- queued for each, and every attempt to deliver it (docs/webhooks.md).
--
-- A webhook reads the log like a user feed does (migration 0016): `cursor` is a snapshot, and
-- queuing takes the events whose transaction was not visible in it and is in `cursor_target`
-- (the snapshot of the first read of a round), a bounded page at a time after `cursor_after`,
-- so nothing is skipped or queued twice whatever the commit order, and a long outage is
-- caught up in pages. The queuing process holds the webhook's row (FOR UPDATE SKIP LOCKED).
--
-- Deliveries wait in lanes, one per webhook and chat: a lane is due when its oldest pending
-- delivery may be attempted, and only that one is. A lane is claimed FOR UPDATE SKIP LOCKED
-- by moving next_attempt_at past the attempt's time limit (a lease): a process killed
-- mid-attempt leaves a lane that falls due again when the lease runs out. `pending` counts
-- the lane's pending deliveries (kept, not counted): finishing the last one idles the lane
-- in the same row update that the queuing of a new one would wait on, so a lane is never
-- idle with work in it, and claiming costs the due lanes, not the backlog.
--
-- New tables only.
-- depends: 0017_redis_bus

SET lock_timeout = '3s';
SET statement_timeout = '10s';

CREATE TABLE webhooks (
    id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url                   text        NOT NULL,
    events                text []     NOT NULL,
    -- No foreign key: a chat's deletion is itself an event the webhook must receive.
    chat_id               bigint,
    description           text        NOT NULL DEFAULT '',
    -- HMAC keys have to be kept as they are ("whsec_" + base64): the database is trusted
    -- with them as with the messages themselves (docs/security.md).
    secret                text        NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    enabled               boolean     NOT NULL DEFAULT true,
    disabled_reason       text,
    -- Since when every attempt has failed (NULL after any success).
    failing_since         timestamptz,
    cursor                pg_snapshot NOT NULL DEFAULT pg_current_snapshot(),
    cursor_target         pg_snapshot,
    cursor_after          bigint      NOT NULL DEFAULT 0,
    cursor_moved_at       timestamptz NOT NULL DEFAULT now(),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE webhooks IS
    'Endpoints that receive the event log (POST /webhooks); see migration 0018.';

CREATE TABLE webhook_deliveries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- 0 for a ping: it waits on no chat.
    chat_id         bigint      NOT NULL,
    -- webhook-id: the same on every attempt (evt_<log position>, or ping_<delivery id>).
    event_id        text        NOT NULL,
    event           text        NOT NULL,
    -- The body exactly as sent (and signed), made once when queued.
    body            text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending',
    -- At most 8 (the first attempt and 7 retries).
    -- squawk-ignore prefer-bigint-over-int
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    CONSTRAINT webhook_deliveries_state CHECK (state IN ('pending', 'delivered', 'failed'))
);

-- The head of each lane: pending rows only, so the index stays as small as the backlog.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (webhook_id, chat_id, id)
WHERE state = 'pending';
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_deliveries_created_at_idx ON webhook_deliveries USING brin (created_at);

CREATE TABLE webhook_lanes (
    webhook_id      bigint      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    chat_id         bigint      NOT NULL,
    pending         bigint      NOT NULL DEFAULT 0,
    -- When the oldest pending delivery may be attempted (a lease while one is under way).
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (webhook_id, chat_id),
    CONSTRAINT webhook_lanes_pending CHECK (pending >= 0)
);

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_lanes_due_idx ON webhook_lanes (next_attempt_at) WHERE pending > 0;

CREATE TABLE webhook_attempts (
    id           bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint           NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    webhook_id   bigint           NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- At most 8; an HTTP status.
    -- squawk-ignore prefer-bigint-over-int
    attempt      integer          NOT NULL,
    -- The receiver's status, or what went wrong before one came (never the receiver's body).
    -- squawk-ignore prefer-bigint-over-int
    status_code  integer,
    error        text,
    duration_ms  double precision NOT NULL,
    attempted_at timestamptz      NOT NULL DEFAULT now()
);

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_attempts_webhook_idx ON webhook_attempts (webhook_id, id);
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id);
