-- transactional: false
-- Nothing to undo: 0014 only filled in columns and rows that 0013's rollback drops.

SELECT 1;
