-- Applies one identity merge atomically (io.shoal.segmentation.SegmentationEngine#merge planned it): shopper
-- "previous" is shopper "into" from now on. The link key is the merge's idempotency marker: a merge whose link
-- already exists is a no-op, so a redelivered or repeated identify changes nothing. Links are one hop; a target that
-- was itself merged away is answered with its own target, and the caller merges into that one instead.
--
-- KEYS[1] model hash, KEYS[2] segment sizes hash, KEYS[3] sample hash, KEYS[4] sample index, KEYS[5] profiled-shopper
-- counter, KEYS[6] audit outbox stream, KEYS[7] link of previous, KEYS[8] link of into, KEYS[9] state of previous,
-- KEYS[10] state of into
-- ARGV[1] into's user id, ARGV[2] the model generation the merge was planned on, ARGV[3] SHA-1 of the previous
-- state planned on ("" none), ARGV[4] SHA-1 of into's state planned on ("" none), ARGV[5] into's new state ("" keep),
-- ARGV[6] audit rows (JSON array, "[]" none), ARGV[7] the link row (JSON), ARGV[8] the merge's id,
-- ARGV[9] profiled shoppers to subtract (1 when both had a profile), ARGV[10] into's sample priority,
-- ARGV[11] into's profile vector for the sample ("" none), ARGV[12] the sample cap, ARGV[13] previous's id,
-- ARGV[14] the number of segment size deltas, then segment id, delta pairs (previous leaves its segment; into's
-- move, if any)
-- Returns {'merged'}, {'linked', target} (already merged), {'redirect', target} (into was merged into target),
-- or {'stale', detail} (plan again).
local existing = redis.call('GET', KEYS[7])
if existing then
    return { 'linked', existing }
end
local onward = redis.call('GET', KEYS[8])
if onward then
    return { 'redirect', onward }
end
if (redis.call('HGET', KEYS[1], 'gen') or '0') ~= ARGV[2] then
    return { 'stale', 'the model generation changed' }
end
local function digest(key)
    local v = redis.call('GET', key)
    return v and redis.sha1hex(v) or ''
end
if digest(KEYS[9]) ~= ARGV[3] or digest(KEYS[10]) ~= ARGV[4] then
    return { 'stale', 'a shopper state changed since the merge was planned' }
end
redis.call('SET', KEYS[7], ARGV[1])
if ARGV[5] ~= '' then
    redis.call('SET', KEYS[10], ARGV[5])
end
redis.call('DEL', KEYS[9])
for i = 1, tonumber(ARGV[14]) do
    redis.call('HINCRBY', KEYS[2], ARGV[13 + 2 * i], ARGV[14 + 2 * i])
end
-- The sample (io.shoal.segmentation.SamplePolicy, bottom-k by priority): previous leaves it, into's merged profile
-- is offered to it, as every new profile is.
redis.call('ZREM', KEYS[4], ARGV[13])
redis.call('HDEL', KEYS[3], ARGV[13])
if ARGV[11] ~= '' then
    redis.call('ZADD', KEYS[4], ARGV[10], ARGV[1])
    redis.call('HSET', KEYS[3], ARGV[1], ARGV[11])
    local over = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[12])
    if over > 0 then
        local popped = redis.call('ZPOPMAX', KEYS[4], over)
        for i = 1, #popped, 2 do
            redis.call('HDEL', KEYS[3], popped[i])
        end
    end
end
if tonumber(ARGV[9]) > 0 then
    redis.call('DECRBY', KEYS[5], ARGV[9])
end
redis.call('XADD', KEYS[6], '*', 'batch', ARGV[8], 'rows', ARGV[6], 'links', ARGV[7])
return { 'merged' }
