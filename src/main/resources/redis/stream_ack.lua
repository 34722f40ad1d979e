-- Acknowledges handled entries of a stream read by a consumer group (the event log, the audit outbox) and deletes
-- them in one step, so that the stream holds exactly the entries not yet handled. With counts (the event log's hash
-- of 'events' and 'bytes', see accept_events.lua, which admission compares with its capacities) each entry's event
-- count and payload size come along and are taken off only if this call deleted the entry, so an entry acknowledged
-- twice (a lost answer, a claimed entry) is counted off once; an empty stream resets the counts (counts left by hand,
-- or by entries written before the event count existed, heal here).
-- KEYS[1] the stream, KEYS[2] its counts (optional); ARGV[1] the consumer group, ARGV[2] the number of entry ids n,
-- ARGV[3 .. 2 + n] the ids, then (with KEYS[2]) ARGV[3 + n .. 2 + 2n] their payload sizes in bytes and
-- ARGV[3 + 2n .. 2 + 3n] their numbers of events
-- Returns { backlog after (events with counts, else entries), id of the oldest entry left or '', bytes after or -1 }
-- (the id's milliseconds are when it was appended: the pipeline's lag).
local n = tonumber(ARGV[2])
local ids = {}
for i = 1, n do ids[i] = ARGV[2 + i] end
if n > 0 then
    redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
end
if not KEYS[2] then
    if n > 0 then redis.call('XDEL', KEYS[1], unpack(ids)) end
    local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
    return { redis.call('XLEN', KEYS[1]), first[1] and first[1][1] or '', -1 }
end
local freedBytes, freedEvents = 0, 0
for i = 1, n do
    if redis.call('XDEL', KEYS[1], ids[i]) == 1 then
        freedBytes = freedBytes + tonumber(ARGV[2 + n + i])
        freedEvents = freedEvents + tonumber(ARGV[2 + 2 * n + i])
    end
end
if redis.call('XLEN', KEYS[1]) == 0 then
    redis.call('DEL', KEYS[2])
    return { 0, '', 0 }
end
local counts = redis.call('HMGET', KEYS[2], 'events', 'bytes')
local events = tonumber(counts[1] or '0')
local bytes = tonumber(counts[2] or '0')
if freedBytes > 0 or freedEvents > 0 then
    events = events - math.min(freedEvents, events)
    bytes = bytes - math.min(freedBytes, bytes)
    redis.call('HSET', KEYS[2], 'events', events, 'bytes', bytes)
end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
return { events, first[1] and first[1][1] or '', bytes }
