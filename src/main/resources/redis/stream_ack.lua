-- Acknowledges handled entries of a stream read by a consumer group (the event log, the audit outbox) and deletes
-- them in one step, so that the stream holds exactly the entries not yet handled: its length is the backlog (which
-- admission compares with its capacity for the event log).
-- KEYS[1] the stream; ARGV[1] the consumer group, ARGV[2..] entry ids
-- Returns { backlog after, id of the oldest entry left or '' } (the id's milliseconds are when it was appended: the
-- pipeline's lag).
local ids = {}
for i = 2, #ARGV do ids[#ids + 1] = ARGV[i] end
if #ids > 0 then
    redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
    redis.call('XDEL', KEYS[1], unpack(ids))
end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
return { redis.call('XLEN', KEYS[1]), first[1] and first[1][1] or '' }
