-- Adds a Kafka micro-batch's events to the users' activity counters, each event at most once: per user the hash
-- keeps the position (partition:offset) of the last event it counted, and an event at or below it is skipped.
-- A user's events are all on one partition in offset order, so a redelivered event is always at or below it.
--
-- KEYS[1] pipeline stats hash, KEYS[2..] one user activity hash per group below (same order)
-- ARGV per group: partition, n, then n pairs of (offset, counter name)
-- Returns the number of events counted.
-- Offsets are compared as decimal strings, never as Lua numbers: stream positions (io.shoal.event.EventPosition,
-- partition -1) pass 2^53, beyond which doubles would call two neighbouring offsets equal.
local function greater(a, b)
    if #a ~= #b then return #a > #b end
    return a > b
end
local counted = 0
local pos = 1
for g = 2, #KEYS do
    local key = KEYS[g]
    local partition = ARGV[pos]
    local n = tonumber(ARGV[pos + 1])
    pos = pos + 2
    local last = nil
    local applied = redis.call('HGET', key, 'kafka-position')
    if applied then
        local p, o = string.match(applied, '^(-?%d+):(%d+)$')
        if p == partition then last = o end
    end
    local newest = last
    local added = 0
    for i = 1, n do
        local offset = ARGV[pos]
        if last == nil or greater(offset, last) then
            redis.call('HINCRBY', key, ARGV[pos + 1], 1)
            added = added + 1
            if newest == nil or greater(offset, newest) then newest = offset end
        end
        pos = pos + 2
    end
    if added > 0 then
        redis.call('HINCRBY', key, 'total', added)
        redis.call('HSET', key, 'kafka-position', partition .. ':' .. newest)
        counted = counted + added
    end
end
if counted > 0 then
    redis.call('HINCRBY', KEYS[1], 'events', counted)
    redis.call('HINCRBY', KEYS[1], 'batches', 1)
end
return counted
