-- Applies one micro-batch's segment update atomically: the rule of io.shoal.segmentation.SegmentModel#fold
-- (n_k <- a*n_k + m_k, S_k <- a*S_k + s_k, Q_k likewise for the GMM, in float32; version + 1; points + round(sum m_k)),
-- then the batch's
-- user states, segment sizes, the profile sample (io.shoal.segmentation.SamplePolicy: bottom-k by a priority the
-- caller computes from the user id), the count of profiled shoppers and the recent texts. A batch id marker makes
-- a retried batch a no-op. SegmentModelArithmeticTest feeds this script and the Java rule the same random batches.
-- The batch's audit rows (its segment moves) go to the audit outbox stream in the same step, only when the batch is
-- applied: PostgreSQL records exactly what Redis applied (io.shoal.audit.AuditRelay moves them there, once each).
--
-- KEYS[1] model hash, KEYS[2] applied-batch marker, KEYS[3] segment sizes hash, KEYS[4] sample hash (user ->
-- vector), KEYS[5] sample index (sorted set user -> priority), KEYS[6] profiled-shopper counter, KEYS[7] recent
-- texts hash, KEYS[8] audit outbox stream, KEYS[9..] user state strings (one per user in ARGV's user section, same
-- order), then the position keys.
-- ARGV[1] decay a, ARGV[2] k (0: no model update), ARGV[3] dimension, ARGV[4] marker TTL seconds,
-- ARGV[5] sample cap, ARGV[6] gmm flag ("1" when the Q_k sums are kept), ARGV[7] the model generation the batch
-- was planned on (0: no model), ARGV[8] shoppers profiled for the first time by this batch, ARGV[9] the batch id,
-- ARGV[10] the audit rows as a JSON array ("" when the batch moved nobody), ARGV[11] the batch span's W3C traceparent
-- ("" when tracing is off; kept with the outbox entry, so the relay's audit write joins the batch's trace)
-- then per slot j = 0..k-1: expected segment id, m_j, s_j (float32 LE blob, or "-" for none), q_j (blob or "-")
-- then the number of users, and per user the digest of the state it was planned on (SHA-1 hex of the stored bytes,
-- "" for none, "*" for unchecked) and its new encoded state: a user whose stored state changed since the plan (a
-- sweep moved them meanwhile) makes the batch stale, so its recorded "from" segment is always the one it left
-- then the number of size deltas, then segment id, delta pairs
-- then the number of sample entries, then user id, priority, vector blob triples
-- then the number of recent texts, then text, vector blob pairs (capped at the sample cap, random eviction)
-- last, the positions (io.shoal.event.EventPosition): pairs of (expected, new) position per user, then their number
-- as the very last ARGV; their keys are the last KEYS. Each user's stored position must still be the expected one
-- (the batch was planned on it) or the batch is stale; when applied, the new positions are written with it.
-- A batch planned on another model generation (a seed, refit or rescue swapped the model since) is stale too: it is
-- planned again, so no decision made against an old model lands after a swap.
local a = tonumber(ARGV[1])
local k = tonumber(ARGV[2])
local dim = tonumber(ARGV[3])
local gmm = ARGV[6] == '1'
local model = KEYS[1]

local generation = redis.call('HGET', model, 'gen') or '0'
if generation ~= ARGV[7] then
    return { 'stale', redis.call('HGET', model, 'version') or '0',
        'model generation is ' .. generation .. ', batch planned on ' .. ARGV[7] }
end
if k > 0 then
    if tonumber(redis.call('HGET', model, 'k') or '-1') ~= k
        or tonumber(redis.call('HGET', model, 'dim') or '-1') ~= dim then
        return { 'stale', redis.call('HGET', model, 'version') or '0',
            'model k=' .. tostring(redis.call('HGET', model, 'k')) .. ' dim=' .. tostring(redis.call('HGET', model, 'dim'))
            .. ', batch k=' .. ARGV[2] .. ' dim=' .. ARGV[3] }
    end
end
local npos = tonumber(ARGV[#ARGV])
local pos_keys = #KEYS - npos
local pos_args = #ARGV - 2 * npos - 1
for i = 1, npos do
    local current = redis.call('GET', KEYS[pos_keys + i]) or ''
    local expected = ARGV[pos_args + 2 * i - 1]
    if current ~= expected then
        return { 'stale', redis.call('HGET', model, 'version') or '0',
            'position ' .. KEYS[pos_keys + i] .. ' is "' .. current .. '", batch planned on "' .. expected .. '"' }
    end
end
local upos = 12
if k > 0 then upos = 12 + 4 * k end
for u = 1, tonumber(ARGV[upos]) do
    local expected = ARGV[upos + 2 * u - 1]
    if expected ~= '*' then
        local current = redis.call('GET', KEYS[8 + u])
        local digest = current and redis.sha1hex(current) or ''
        if digest ~= expected then
            return { 'stale', redis.call('HGET', model, 'version') or '0',
                'the state of ' .. KEYS[8 + u] .. ' changed since the batch was planned' }
        end
    end
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[4])) then
    return { 'duplicate', redis.call('HGET', model, 'version') or '0' }
end

local fmt = '<' .. string.rep('f', dim)

local function fold(field, delta)
    if a == 1 and delta == '-' then
        return
    end
    local old = redis.call('HGET', model, field)
    local values
    if old then
        values = { struct.unpack(fmt, old) }
    else
        values = {}
        for i = 1, dim do values[i] = 0 end
    end
    local add = nil
    if delta ~= '-' then
        add = { struct.unpack(fmt, delta) }
    end
    for i = 1, dim do
        local v = a * values[i]
        if add then v = v + add[i] end
        values[i] = v
    end
    values[dim + 1] = nil
    redis.call('HSET', model, field, struct.pack(fmt, unpack(values, 1, dim)))
end

local pos = 12
local version = redis.call('HGET', model, 'version') or '0'
if k > 0 then
    local folded = 0
    for j = 0, k - 1 do
        local id = ARGV[pos]
        local m = tonumber(ARGV[pos + 1])
        local s = ARGV[pos + 2]
        local q = ARGV[pos + 3]
        pos = pos + 4
        -- A slot whose id changed since the batch was planned keeps only the decay: its members were another segment's.
        if redis.call('HGET', model, 'id:' .. j) ~= id then
            m = 0
            s = '-'
            q = '-'
        end
        folded = folded + m
        local n = tonumber(redis.call('HGET', model, 'n:' .. j) or '0')
        -- %.17g: the weight round-trips exactly, as in the Java rule.
        redis.call('HSET', model, 'n:' .. j, string.format('%.17g', a * n + m))
        fold('sum:' .. j, s)
        if gmm then fold('sq:' .. j, q) end
    end
    version = redis.call('HINCRBY', model, 'version', 1)
    -- The evidence behind the model: points <- points + round(sum of m_k), as SegmentModel#fold.
    redis.call('HINCRBY', model, 'points', math.floor(folded + 0.5))
end

local users = tonumber(ARGV[pos])
pos = pos + 1
for u = 1, users do
    redis.call('SET', KEYS[8 + u], ARGV[pos + 1])
    pos = pos + 2
end

local sizes = tonumber(ARGV[pos])
pos = pos + 1
for s = 1, sizes do
    redis.call('HINCRBY', KEYS[3], ARGV[pos], ARGV[pos + 1])
    pos = pos + 2
end

-- The sample: bottom-k by priority (ties: the greater member goes first, as ZPOPMAX orders them).
local cap = tonumber(ARGV[5])
local samples = tonumber(ARGV[pos])
pos = pos + 1
for s = 1, samples do
    redis.call('ZADD', KEYS[5], ARGV[pos + 1], ARGV[pos])
    redis.call('HSET', KEYS[4], ARGV[pos], ARGV[pos + 2])
    pos = pos + 3
end
local over = redis.call('ZCARD', KEYS[5]) - cap
if over > 0 then
    local popped = redis.call('ZPOPMAX', KEYS[5], over)
    for i = 1, #popped, 2 do
        redis.call('HDEL', KEYS[4], popped[i])
    end
end

local profiled = tonumber(ARGV[8])
if profiled > 0 then
    redis.call('INCRBY', KEYS[6], profiled)
end

local texts_key = KEYS[7]
local texts = tonumber(ARGV[pos])
pos = pos + 1
for t = 1, texts do
    redis.call('HSET', texts_key, ARGV[pos], ARGV[pos + 1])
    pos = pos + 2
end
local len = redis.call('HLEN', texts_key)
if len > cap then
    local extra = redis.call('HRANDFIELD', texts_key, len - cap)
    redis.call('HDEL', texts_key, unpack(extra))
end
for i = 1, npos do
    redis.call('SET', KEYS[pos_keys + i], ARGV[pos_args + 2 * i])
end
if ARGV[10] ~= '' then
    if ARGV[11] == '' then
        redis.call('XADD', KEYS[8], '*', 'batch', ARGV[9], 'rows', ARGV[10])
    else
        redis.call('XADD', KEYS[8], '*', 'batch', ARGV[9], 'rows', ARGV[10], 't', ARGV[11])
    end
end
return { 'applied', tostring(version) }
