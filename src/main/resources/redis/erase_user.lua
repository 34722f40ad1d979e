-- Erases one shopper's state (io.shoal.privacy.ErasureService), atomically and only if the state is still the one
-- the caller read (else 'stale': read again). What it removes:
--   the user state, activity counters, Kafka position, identity link, recommendation state (own items, counts,
--   items shown), the sample entry; one member from the segment size; the profiled count if it had a profile;
--   and, approximately, the shopper's contribution to the segment's decayed sums (k-means): a batch adds the
--   member's profile once (n_j <- n_j + 1, S_j <- S_j + x) and decays it by a per batch afterwards, so the exact
--   remainder of every past contribution is not known; the latest one, the current profile x with weight 1, is
--   subtracted (n_j >= 1 only). Earlier contributions remain, decayed, mixed anonymously into the centroid, as do the
--   aggregate recommendation counts (segment and global popularity, buyers per item), which hold no id.
-- KEYS[1] model hash, KEYS[2] segment sizes, KEYS[3] sample hash, KEYS[4] sample index, KEYS[5] profiled counter,
-- KEYS[6] user state, KEYS[7..] the shopper's other keys to delete
-- ARGV[1] user id (the sample member), ARGV[2] SHA-1 hex of the state read ("" none), ARGV[3] its segment id
-- ("" none), ARGV[4] its profile vector as float32 LE ("-": no subtraction, e.g. GMM), ARGV[5] "1" if it had a
-- profile
-- Returns { 'stale' } or { 'erased', keys deleted, sums touched (0/1), sample entries removed }
local current = redis.call('GET', KEYS[6])
local digest = current and redis.sha1hex(current) or ''
if digest ~= ARGV[2] then
    return { 'stale' }
end
local touched = 0
if ARGV[3] ~= '' then
    redis.call('HINCRBY', KEYS[2], ARGV[3], -1)
    if ARGV[4] ~= '-' then
        local model = KEYS[1]
        local k = tonumber(redis.call('HGET', model, 'k') or '0')
        local dim = tonumber(redis.call('HGET', model, 'dim') or '0')
        for j = 0, k - 1 do
            if redis.call('HGET', model, 'id:' .. j) == ARGV[3] then
                local n = tonumber(redis.call('HGET', model, 'n:' .. j) or '0')
                local sum = redis.call('HGET', model, 'sum:' .. j)
                if n >= 1 and sum and #ARGV[4] == 4 * dim then
                    local fmt = '<' .. string.rep('f', dim)
                    local s = { struct.unpack(fmt, sum) }
                    local x = { struct.unpack(fmt, ARGV[4]) }
                    for i = 1, dim do s[i] = s[i] - x[i] end
                    redis.call('HSET', model, 'n:' .. j, string.format('%.17g', n - 1),
                        'sum:' .. j, struct.pack(fmt, unpack(s, 1, dim)))
                    redis.call('HINCRBY', model, 'version', 1)
                    touched = 1
                end
                break
            end
        end
    end
end
if current and ARGV[5] == '1' then
    if tonumber(redis.call('GET', KEYS[5]) or '0') > 0 then
        redis.call('DECR', KEYS[5])
    end
end
local sampled = redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
local deleted = 0
for i = 6, #KEYS do
    deleted = deleted + redis.call('DEL', KEYS[i])
end
return { 'erased', deleted, touched, sampled }
