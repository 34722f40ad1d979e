-- Accepts a request's events into the event log (a Redis Stream) atomically with their deduplication marks, so that
-- an event is either marked seen and in the log, or neither: a 202 is answered only after this script, and a crash
-- at any point leaves no event marked but missing (the client's retry is then accepted, not called a duplicate).
-- Admission is the log itself: when the backlog (entries accepted and not yet applied) would pass the capacity,
-- nothing is appended and the caller answers 503 with Retry-After.
--
-- KEYS[1] the event log stream, KEYS[2..] one dedup marker per event
-- ARGV[1] marker TTL seconds, ARGV[2] capacity, ARGV[3] the request's W3C traceparent ('' when tracing is off; kept
-- as field 't' of each entry so the batch that applies it links to the request's trace), then per event: check flag
-- ("1": deduplicate by its marker; events without a client id have a random one and are not checked), JSON payload
-- Returns { 'full', backlog } or { 'ok', backlog after, then per event its entry id or nil for a duplicate }.
local ttl = tonumber(ARGV[1])
local n = #KEYS - 1
local backlog = redis.call('XLEN', KEYS[1])
if backlog + n > tonumber(ARGV[2]) then
    return { 'full', backlog }
end
local out = { 'ok', 0 }
for i = 1, n do
    local check = ARGV[2 * i + 2]
    local payload = ARGV[2 * i + 3]
    if check == '1' and not redis.call('SET', KEYS[i + 1], '1', 'NX', 'EX', ttl) then
        out[i + 2] = false
    else
        if ARGV[3] == '' then
            out[i + 2] = redis.call('XADD', KEYS[1], '*', 'e', payload)
        else
            out[i + 2] = redis.call('XADD', KEYS[1], '*', 'e', payload, 't', ARGV[3])
        end
        backlog = backlog + 1
    end
end
out[2] = backlog
return out
