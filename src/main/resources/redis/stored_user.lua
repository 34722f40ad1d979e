-- Prelude of the scripts that read a shopper's segment (RedisScripts.load with this file first):
-- the segment and model version of a stored user (io.shoal.store.StoredUserCodec): byte format, byte flags
-- (1 profile, 2 segment), [double weight, long last millis], [long segment id, long since, float similarity,
-- float margin, long model version, ...]. Both nil without a segment.
local function stored_segment(state)
    if not state or #state < 2 then return nil, nil end
    local _, flags = struct.unpack('>BB', state)
    if bit.band(flags, 2) == 0 then return nil, nil end
    local at = 3
    if bit.band(flags, 1) ~= 0 then at = at + 16 end
    return string.format('%d', struct.unpack('>i8', state, at)), string.format('%d', struct.unpack('>i8', state, at + 24))
end
