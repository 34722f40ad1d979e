-- Accepts a request's events into the event log (a Redis Stream) atomically with their deduplication marks, so that
-- an event is either marked seen and in the log, or neither: a 202 is answered only after this script, and a crash
-- at any point leaves no event marked but missing (the client's retry is then accepted, not called a duplicate).
-- Admission is the log itself, by events and by bytes: when the backlog (entries accepted and not yet applied) would
-- pass the capacity in entries, or the bytes of their payloads would pass the byte capacity, nothing is appended
-- and the caller answers 503 with Retry-After. The bytes are counted in KEYS[2], added here and taken away by
-- stream_ack.lua as entries are applied; an empty log resets it (so a counter left by hand never locks the log).
-- A request alone in an empty log is admitted whatever its size (it could never be admitted otherwise).
--
-- KEYS[1] the event log stream, KEYS[2] the log's byte counter, KEYS[3..] one dedup marker per event
-- ARGV[1] marker TTL seconds, ARGV[2] capacity (entries), ARGV[3] the request's W3C traceparent ('' when tracing is
-- off; kept as field 't' of each entry so the batch that applies it links to the request's trace), ARGV[4] byte
-- capacity, then per event: check flag ("1": deduplicate by its marker; events without a client id have a random
-- one and are not checked), JSON payload
-- Returns { 'full', backlog, bytes, 'entries' | 'bytes' } or { 'ok', backlog after, bytes after, then per event its
-- entry id or nil for a duplicate }.
local ttl = tonumber(ARGV[1])
local n = #KEYS - 2
local backlog = redis.call('XLEN', KEYS[1])
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
if backlog == 0 and bytes ~= 0 then
    redis.call('DEL', KEYS[2])
    bytes = 0
end
if backlog + n > tonumber(ARGV[2]) then
    return { 'full', backlog, bytes, 'entries' }
end
local incoming = 0
for i = 1, n do incoming = incoming + #ARGV[2 * i + 4] end
if backlog > 0 and bytes + incoming > tonumber(ARGV[4]) then
    return { 'full', backlog, bytes, 'bytes' }
end
local out = { 'ok', 0, 0 }
local added = 0
for i = 1, n do
    local check = ARGV[2 * i + 3]
    local payload = ARGV[2 * i + 4]
    if check == '1' and not redis.call('SET', KEYS[i + 2], '1', 'NX', 'EX', ttl) then
        out[i + 3] = false
    else
        if ARGV[3] == '' then
            out[i + 3] = redis.call('XADD', KEYS[1], '*', 'e', payload)
        else
            out[i + 3] = redis.call('XADD', KEYS[1], '*', 'e', payload, 't', ARGV[3])
        end
        backlog = backlog + 1
        added = added + #payload
    end
end
if added > 0 then
    bytes = redis.call('INCRBY', KEYS[2], added)
end
out[2] = backlog
out[3] = bytes
return out
