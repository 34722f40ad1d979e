-- Accepts a request's events into the event log (a Redis Stream) atomically with their deduplication marks, so that
-- an event is either marked seen and in the log, or neither: a 202 is answered only after this script, and a crash
-- at any point leaves no event marked but missing (the client's retry is then accepted, not called a duplicate).
--
-- One entry per request: the new events' JSON documents, one per line (JSON as the service writes it holds no raw
-- newline), in field 'e'. The entry's id <ms>-<seq> is Redis's; the script then moves the stream's last id to
-- <ms>-<seq + n - 1> (XSETID), so the sequence numbers seq .. seq + n - 1 belong to this entry's n events and the
-- next entry starts after them: event i's position is ms << 20 | (seq + i) (io.shoal.event.EventPosition), unique
-- and increasing in log order. One XADD per request instead of one per event is most of what this script costs
-- beyond the dedup marks themselves.
--
-- Admission is the log itself, by events and by bytes: when the events accepted and not yet applied would pass the
-- capacity, or the bytes of their payloads would pass the byte capacity, nothing is appended and the caller answers
-- 503 with Retry-After. Both counts live in one hash beside the log (KEYS[2], fields 'events' and 'bytes'), read and
-- written once per request here and taken off by stream_ack.lua as entries are applied. Before refusing, an empty
-- log resets them (so counts left by hand, or by a log trimmed by hand, never lock it); a request alone in an empty
-- log is admitted whatever its size (it could never be admitted otherwise). A single-event request costs four
-- commands: HMGET, SET NX, XADD, HSET.
--
-- KEYS[1] the event log stream, KEYS[2] the log's counts (hash), KEYS[3..] one dedup marker per event
-- ARGV[1] marker TTL seconds, ARGV[2] capacity (events), ARGV[3] the request's W3C traceparent ('' when tracing is
-- off; kept as field 't' of the entry so the batch that applies it links to the request's trace), ARGV[4] byte
-- capacity, then per event: check flag ("1": deduplicate by its marker; events without a client id have a random
-- one and are not checked), JSON payload
-- Returns { 'full', events, bytes, 'events' | 'bytes' } or { 'ok', events after, bytes after, entry id or false
-- when every event was a duplicate, then per event 1 (appended) or 0 (a duplicate) }.
local ttl = ARGV[1]
local n = #KEYS - 2
local counts = redis.call('HMGET', KEYS[2], 'events', 'bytes')
local backlog = tonumber(counts[1] or '0')
local bytes = tonumber(counts[2] or '0')
local incoming = n - 1
for i = 1, n do incoming = incoming + #ARGV[2 * i + 4] end
local full = false
if backlog + n > tonumber(ARGV[2]) then
    full = 'events'
elseif backlog > 0 and bytes + incoming > tonumber(ARGV[4]) then
    full = 'bytes'
end
if full and redis.call('XLEN', KEYS[1]) == 0 then
    redis.call('DEL', KEYS[2])
    backlog = 0
    bytes = 0
    full = n > tonumber(ARGV[2]) and 'events' or false
end
if full then
    return { 'full', backlog, bytes, full }
end
local out = { 'ok', 0, 0, false }
local lines = {}
local added = 0
for i = 1, n do
    if ARGV[2 * i + 3] == '1' and not redis.call('SET', KEYS[i + 2], '1', 'NX', 'EX', ttl) then
        out[i + 4] = 0
    else
        added = added + 1
        lines[added] = ARGV[2 * i + 4]
        out[i + 4] = 1
    end
end
if added > 0 then
    local payload = table.concat(lines, '\n')
    local id
    if ARGV[3] == '' then
        id = redis.call('XADD', KEYS[1], '*', 'e', payload)
    else
        id = redis.call('XADD', KEYS[1], '*', 'e', payload, 't', ARGV[3])
    end
    if added > 1 then
        local dash = string.find(id, '-', 1, true)
        redis.call('XSETID', KEYS[1], string.sub(id, 1, dash) .. (tonumber(string.sub(id, dash + 1)) + added - 1))
    end
    out[4] = id
    backlog = backlog + added
    bytes = bytes + #payload
    redis.call('HSET', KEYS[2], 'events', backlog, 'bytes', bytes)
end
out[2] = backlog
out[3] = bytes
return out
