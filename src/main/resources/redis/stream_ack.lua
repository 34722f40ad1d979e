-- Acknowledges handled entries of a stream read by a consumer group (the event log, the audit outbox) and deletes
-- them in one step, so that the stream holds exactly the entries not yet handled. With counters (the event log's,
-- see accept_events.lua: the entries' payload bytes and the events they hold, which admission compares with its
-- capacities) each entry's size and event count come along and are taken off the counters only if this call deleted
-- the entry, so an entry acknowledged twice (a lost answer, a claimed entry) is counted off once; an empty stream
-- resets them (a counter left by hand, or by entries written before the event counter existed, heals here).
-- KEYS[1] the stream, KEYS[2] its byte counter and KEYS[3] its event counter (both optional); ARGV[1] the consumer
-- group, ARGV[2] the number of entry ids n, ARGV[3 .. 2 + n] the ids, then (with the counters) ARGV[3 + n .. 2 + 2n]
-- their payload sizes in bytes and ARGV[3 + 2n .. 2 + 3n] their numbers of events
-- Returns { backlog after (events with the counters, else entries), id of the oldest entry left or '', bytes after
-- or -1 } (the id's milliseconds are when it was appended: the pipeline's lag).
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
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
local events = tonumber(redis.call('GET', KEYS[3]) or '0')
if redis.call('XLEN', KEYS[1]) == 0 then
    if bytes ~= 0 or events ~= 0 then redis.call('DEL', KEYS[2], KEYS[3]) end
    return { 0, '', 0 }
end
if freedBytes > 0 then bytes = redis.call('DECRBY', KEYS[2], math.min(freedBytes, bytes)) end
if freedEvents > 0 then events = redis.call('DECRBY', KEYS[3], math.min(freedEvents, events)) end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
return { events, first[1] and first[1][1] or '', bytes }
