-- Webhooks: endpoints that receive the event log's chat-wide events (POST /webhooks), what is
-- queued for each, and every attempt to deliver it (docs/webhooks.md).
--
-- A webhook reads the log like a user feed does (migration 0016): `cursor` is a snapshot, and
-- queuing takes the events whose transaction was not visible in it and is now, so nothing is
-- skipped or queued twice whatever the commit order. The queuing process holds the webhook's
-- row (FOR UPDATE SKIP LOCKED), so one process at a time moves a cursor.
--
-- A delivery is claimed by moving next_attempt_at past its attempt's time limit (a lease),
-- in a statement that takes it FOR UPDATE SKIP LOCKED: a process killed mid-attempt leaves a
-- delivery that falls due again when the lease runs out. Per webhook and chat, only the
-- oldest pending delivery is ever claimed: the chat's order holds.
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
    cursor_moved_at       timestamptz NOT NULL DEFAULT now(),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE webhooks IS
    'Endpoints that receive the event log (POST /webhooks); see migration 0018.';

CREATE TABLE webhook_deliveries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- NULL for a ping: it waits on no chat.
    chat_id         bigint,
    -- webhook-id: the same on every attempt (evt_<log position>, or ping_<delivery id>).
    event_id        text        NOT NULL,
    event           text        NOT NULL,
    -- The body exactly as sent (and signed), made once when queued.
    body            text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    CONSTRAINT webhook_deliveries_state CHECK (state IN ('pending', 'delivered', 'failed'))
);

-- What falls due, and the head of each webhook's chat queue: pending rows only, so the
-- indexes stay as small as the backlog.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
WHERE state = 'pending';
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (webhook_id, chat_id, id)
WHERE state = 'pending';
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_deliveries_created_at_idx ON webhook_deliveries USING brin (created_at);

CREATE TABLE webhook_attempts (
    id           bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint           NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    webhook_id   bigint           NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    attempt      integer          NOT NULL,
    -- The receiver's status, or what went wrong before one came (never the receiver's body).
    status_code  integer,
    error        text,
    duration_ms  double precision NOT NULL,
    attempted_at timestamptz      NOT NULL DEFAULT now()
);

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_attempts_webhook_idx ON webhook_attempts (webhook_id, id);
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id);
