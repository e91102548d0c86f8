-- transactional: false
-- Back to 0019: no index of thread replies.

SET lock_timeout = '3s';
SET statement_timeout = '30min';

DROP INDEX CONCURRENTLY IF EXISTS messages_thread_id_idx;
