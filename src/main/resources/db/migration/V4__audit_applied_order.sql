-- The order in which Redis applied each change: the position of its audit outbox entry (io.shoal.event.EventPosition
-- of the stream id). Ids follow the insert order of whichever relay wrote a row, which with several relays (workers,
-- or a standby taking over) is not the order the changes happened in; applied_order is. NULL for rows written before.
ALTER TABLE segment_history ADD COLUMN applied_order BIGINT;
CREATE INDEX segment_history_user_applied ON segment_history (user_id, applied_order);
