-- Back to 0017: no webhooks.

SET lock_timeout = '3s';
SET statement_timeout = '10s';

DROP TABLE webhook_attempts;
DROP TABLE webhook_lanes;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
