-- Rewrites one seeded segment (io.shoal.store.SeedStore#forget) only if it still holds what was read, so a seed
-- unpinned (HDEL) or changed meanwhile is not written back over.
-- KEYS[1] the seeds hash; ARGV[1] the seed's field, ARGV[2] the value read, ARGV[3] the new value ('' = remove it)
-- Returns 1 when written, 0 when the field had changed.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
    redis.call('HDEL', KEYS[1], ARGV[1])
else
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1
