-- Writes the decisions of one sweep step after a model swap (io.shoal.segmentation.SegmentationEngine#sweep):
-- each user's new state is written only if the stored state is still the one the decision was made on (a batch
-- planned on the new model may have written it meanwhile: its decision stands), and only while the model is still
-- of the generation the sweep decided against. Segment sizes move with the applied decisions, and the audit rows of
-- exactly the decisions written go to the audit outbox in the same step (see apply_batch.lua).
-- KEYS[1] model hash, KEYS[2] segment sizes hash, KEYS[3] audit outbox stream, KEYS[4..] user state strings
-- ARGV[1] generation, ARGV[2] the sweep step's id, then per user: expected state, new state, from segment id
-- ("" none), to segment id ("" none), audit row (a JSON object; "" none)
-- Returns the number of users written, or -1 when the model's generation changed.
if (redis.call('HGET', KEYS[1], 'gen') or '0') ~= ARGV[1] then
    return -1
end
local written = 0
local rows = {}
for u = 4, #KEYS do
    local p = 3 + (u - 4) * 5
    if redis.call('GET', KEYS[u]) == ARGV[p] then
        redis.call('SET', KEYS[u], ARGV[p + 1])
        if ARGV[p + 2] ~= ARGV[p + 3] then
            if ARGV[p + 2] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[p + 2], -1) end
            if ARGV[p + 3] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[p + 3], 1) end
        end
        if ARGV[p + 4] ~= '' then rows[#rows + 1] = ARGV[p + 4] end
        written = written + 1
    end
end
if #rows > 0 then
    redis.call('XADD', KEYS[3], '*', 'batch', ARGV[2], 'rows', '[' .. table.concat(rows, ',') .. ']')
end
return written
