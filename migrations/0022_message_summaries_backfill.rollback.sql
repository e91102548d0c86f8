-- transactional: false
-- Nothing to undo: 0022 only filled in columns and rows that 0021's rollback drops.

SELECT 1;
