-- Applies one micro-batch's segment update atomically: decays every slot and adds the batch's member sums
-- (n_k <- a*n_k + m_k, S_k <- a*S_k + s_k, and Q_k likewise for the GMM), bumps the model version, writes the
-- batch's user profiles, segment sizes and sample entries. A batch id marker makes a retried batch a no-op.
--
-- KEYS[1] model hash, KEYS[2] applied-batch marker, KEYS[3] segment sizes hash, KEYS[4] sample hash,
-- KEYS[5..] user state strings (one per user in ARGV's user section, same order)
-- ARGV[1] decay a, ARGV[2] k (0: no model update), ARGV[3] dimension, ARGV[4] marker TTL seconds,
-- ARGV[5] sample cap, ARGV[6] gmm flag ("1" when the Q_k sums are kept)
-- then per slot j = 0..k-1: expected segment id, m_j, s_j (float32 LE blob, or "-" for none), q_j (blob or "-")
-- then the number of users, and per user its encoded state
-- then the number of size deltas, then segment id, delta pairs
-- then the number of sample entries, then user id, vector blob pairs
-- then the number of recent texts, then text, vector blob pairs (KEYS[4 + users + 1] is the recent texts hash,
-- capped at the same size as the sample)
-- last, the Kafka positions (pipeline.EventPosition): pairs of (expected, new) position per user, then their number
-- as the very last ARGV; their keys are the last KEYS. Each user's stored position must still be the expected one
-- (the batch was planned on it) or the batch is stale; when applied, the new positions are written with it.
local a = tonumber(ARGV[1])
local k = tonumber(ARGV[2])
local dim = tonumber(ARGV[3])
local gmm = ARGV[6] == '1'
local model = KEYS[1]

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
            'kafka position ' .. KEYS[pos_keys + i] .. ' is "' .. current .. '", batch planned on "' .. expected .. '"' }
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

local pos = 7
local version = redis.call('HGET', model, 'version') or '0'
if k > 0 then
    for j = 0, k - 1 do
        local id = ARGV[pos]
        local m = tonumber(ARGV[pos + 1])
        local s = ARGV[pos + 2]
        local q = ARGV[pos + 3]
        pos = pos + 4
        -- A slot re-seeded since the batch was planned keeps only the decay: its members belonged to another segment.
        if redis.call('HGET', model, 'id:' .. j) ~= id then
            m = 0
            s = '-'
            q = '-'
        end
        local n = tonumber(redis.call('HGET', model, 'n:' .. j) or '0')
        redis.call('HSET', model, 'n:' .. j, tostring(a * n + m))
        fold('sum:' .. j, s)
        if gmm then fold('sq:' .. j, q) end
    end
    version = redis.call('HINCRBY', model, 'version', 1)
end

local users = tonumber(ARGV[pos])
pos = pos + 1
for u = 1, users do
    redis.call('SET', KEYS[4 + u], ARGV[pos])
    pos = pos + 1
end

local sizes = tonumber(ARGV[pos])
pos = pos + 1
for s = 1, sizes do
    redis.call('HINCRBY', KEYS[3], ARGV[pos], ARGV[pos + 1])
    pos = pos + 2
end

local samples = tonumber(ARGV[pos])
pos = pos + 1
for s = 1, samples do
    redis.call('HSET', KEYS[4], ARGV[pos], ARGV[pos + 1])
    pos = pos + 2
end
local texts_key = KEYS[4 + users + 1]
local texts = tonumber(ARGV[pos])
pos = pos + 1
for t = 1, texts do
    redis.call('HSET', texts_key, ARGV[pos], ARGV[pos + 1])
    pos = pos + 2
end

-- Keep both samples bounded: drop random entries beyond the cap.
local cap = tonumber(ARGV[5])
for _, key in ipairs({ KEYS[4], texts_key }) do
    local len = redis.call('HLEN', key)
    if len > cap then
        local extra = redis.call('HRANDFIELD', key, len - cap)
        redis.call('HDEL', key, unpack(extra))
    end
end
for i = 1, npos do
    redis.call('SET', KEYS[pos_keys + i], ARGV[pos_args + 2 * i])
end
return { 'applied', tostring(version) }
