-- transactional: false
-- The index of thread replies, built without blocking writes: a thread's replies oldest
-- first (GET /messages/{root}/thread) and its last reply (the threads triggers of 0019).
-- depends: 0019_threads_reactions_pins_mentions

SET lock_timeout = '3s';
SET statement_timeout = '30min';

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_thread_id_idx
    ON messages (thread_id, created_at, id) WHERE thread_id IS NOT NULL;
