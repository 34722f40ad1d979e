-- Replaces the whole model hash if its version is still the expected one (compare-and-set), for seeding,
-- rescue, refinement and restore. KEYS[1] model hash; ARGV[1] expected version ("absent" = no model may exist);
-- ARGV[2..] field, value pairs. Returns the new version, or -1 when someone else won.
local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[1] == 'absent' then
    if current then return -1 end
elseif current ~= ARGV[1] then
    return -1
end
local next_version = (current and tonumber(current) or 0) + 1
redis.call('DEL', KEYS[1])
local args = {}
for i = 2, #ARGV do args[i - 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'version', next_version)
-- A "version" among the pairs (restore from a snapshot) overrides the counter.
redis.call('HSET', KEYS[1], unpack(args))
return tonumber(redis.call('HGET', KEYS[1], 'version'))
