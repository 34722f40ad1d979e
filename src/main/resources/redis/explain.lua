-- Reads what an explanation needs of a shopper's recommendation state (RecommendationStore.explanationInputs).
-- KEYS[1] own items (zset)  KEYS[2] recent interactions (list)  KEYS[3] texts (hash)  KEYS[4] baskets (zset, 'clock')
-- Returns { own items flat (item, weight, ...), their texts (nil where none), recent interactions, clock or '0' }.
local own = redis.call('ZREVRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local texts = {}
if #own > 0 then
    local items = {}
    for i = 1, #own, 2 do items[#items + 1] = own[i] end
    texts = redis.call('HMGET', KEYS[3], unpack(items))
end
local recent = redis.call('LRANGE', KEYS[2], 0, -1)
local clock = redis.call('ZSCORE', KEYS[4], 'clock')
return { own, texts, recent, clock or '0' }
