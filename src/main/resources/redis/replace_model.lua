-- Swaps the whole model hash in (seed, refit, rescue, restore) if its generation is still the expected one
-- (compare-and-set): KEYS[1] model hash; ARGV[1] expected generation ("absent" = no model may exist);
-- ARGV[2..] field, value pairs (they carry the new generation "gen"). The version goes on from the current one
-- (+1) unless a "version" pair (restore from a snapshot) sets it. Returns the new version, or -1 when the model's
-- generation is no longer the expected one (another process swapped first).
local exists = redis.call('EXISTS', KEYS[1]) == 1
local current_gen = redis.call('HGET', KEYS[1], 'gen') or '0'
if ARGV[1] == 'absent' then
    if exists then return -1 end
elseif not exists or current_gen ~= ARGV[1] then
    return -1
end
local current = redis.call('HGET', KEYS[1], 'version')
local next_version = (current and tonumber(current) or 0) + 1
redis.call('DEL', KEYS[1])
local args = {}
for i = 2, #ARGV do args[i - 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'version', next_version)
redis.call('HSET', KEYS[1], unpack(args))
return tonumber(redis.call('HGET', KEYS[1], 'version'))
