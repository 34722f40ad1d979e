-- Acknowledges handled entries of a stream read by a consumer group (the event log, the audit outbox) and deletes
-- them in one step, so that the stream holds exactly the entries not yet handled: its length is the backlog (which
-- admission compares with its capacity for the event log). With a byte counter (the event log's, see
-- accept_events.lua) each entry's payload size comes along and is taken off the counter only if this call deleted
-- the entry, so an entry acknowledged twice (a lost answer, a claimed entry) is counted off once.
-- KEYS[1] the stream, KEYS[2] its byte counter (optional); ARGV[1] the consumer group, ARGV[2] the number of entry
-- ids n, ARGV[3 .. 2 + n] the ids, then (with KEYS[2]) ARGV[3 + n .. 2 + 2n] their payload sizes in bytes
-- Returns { backlog after, id of the oldest entry left or '', bytes after or -1 } (the id's milliseconds are when
-- it was appended: the pipeline's lag).
local n = tonumber(ARGV[2])
local ids = {}
for i = 1, n do ids[i] = ARGV[2 + i] end
local bytes = -1
if n > 0 then
    redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
    if KEYS[2] then
        local freed = 0
        for i = 1, n do
            if redis.call('XDEL', KEYS[1], ids[i]) == 1 then freed = freed + tonumber(ARGV[2 + n + i]) end
        end
        bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
        if freed > 0 then bytes = redis.call('DECRBY', KEYS[2], math.min(freed, bytes)) end
    else
        redis.call('XDEL', KEYS[1], unpack(ids))
    end
elseif KEYS[2] then
    bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
return { redis.call('XLEN', KEYS[1]), first[1] and first[1][1] or '', bytes }
