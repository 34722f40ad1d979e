-- One SCAN step, run on the Redis node that holds KEYS[1].
-- SCAN names no key, so a Redis Cluster client sends it to whichever node it picks, and that node knows only its own
-- keys. Every key of a Shoal deployment carries the key prefix's hash tag on a cluster (io.shoal.store.RedisLayout),
-- so they all live in one slot: a script whose key is any of them runs on that slot's node, and its SCAN sees all of
-- them. On a single Redis this is a plain SCAN. Scripts may call SCAN since Redis 5 (effects replication).
--
-- KEYS[1] a key of the deployment (the anchor; not read), ARGV[1] cursor, ARGV[2] MATCH pattern, ARGV[3] COUNT.
-- Returns SCAN's reply: { next cursor, { key, ... } }.
return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
