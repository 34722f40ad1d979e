-- Reads what io.shoal.recommendation.Recommender needs for one shopper, in one round trip (see
-- io.shoal.recommendation.ShopperView; RecommendationState.view is the same read in memory).
--
-- KEYS[1] own items (zset)  KEYS[2] counts (hash)  KEYS[3] segmentation state (string)  KEYS[4] global (zset)
-- KEYS[5] baskets (zset)    KEYS[6] buyers (hash)  KEYS[7] repeaters (hash)             KEYS[8] texts (hash)
-- KEYS[9] baskets per item (zset)
-- ARGV[1] segment zset prefix, ARGV[2] candidates from the segment's and the global top,
-- ARGV[3] prefix of the "bought with" zsets, ARGV[4] S: own items of highest weight whose lists are read,
-- ARGV[5] the list length asked for, r: only the first r items not owned of a popular or "bought with" list can
--   make the list (within one list the scores fall with its order), so a popular list is returned up to its r-th
--   item not owned (the own items before it keep their places), a "bought with" list as its first r items not
--   owned, and only their (and the own items') texts are read,
-- ARGV[6] the strategy the list is for ('' = read everything): only what its rule uses is read (the segment's top for
--   blended and segment, the global top for global and wherever there is no segment top to use, "bought with"
--   lists for blended); what is not read comes back empty
-- Returns { segment id or '', own items and weights (flat), their counts, their buyers, their repeaters,
--           { total buyers, total repeaters }, segment top (flat), segment baskets, global top (flat),
--           global baskets, texts of every item above (item, text, ...), model version of the assignment or '0',
--           the newest event time applied (ms) or '0', { source, its "bought with" list (flat), ... },
--           { source, its baskets, ... } }
local NUL = string.char(0)
local n = tonumber(ARGV[2])
local segment, version = stored_segment(redis.call('GET', KEYS[3]))
local own = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local items = {}
for i = 1, #own, 2 do items[#items + 1] = own[i] end
-- A list's first r members not owned are among its first r + (own items) members: no more is read.
local reach = tonumber(ARGV[5])
n = math.min(n, reach + #items)
local counts, b, r = {}, {}, {}
if #items > 0 then
    counts = redis.call('HMGET', KEYS[2], unpack(items))
    b = redis.call('HMGET', KEYS[6], unpack(items))
    r = redis.call('HMGET', KEYS[7], unpack(items))
end
local totals = { redis.call('HGET', KEYS[6], NUL) or '0', redis.call('HGET', KEYS[7], NUL) or '0' }
local strategy = ARGV[6]
local seg, segbaskets = {}, '0'
if segment and (strategy == '' or strategy == 'blended' or strategy == 'segment') then
    seg = redis.call('ZREVRANGE', ARGV[1] .. segment, 0, n - 1, 'WITHSCORES')
    segbaskets = redis.call('ZSCORE', KEYS[5], segment) or '0'
end
local global = {}
if strategy == '' or strategy == 'global' or (#seg == 0 and strategy ~= 'personal')
        or (#items == 0 and not segment) then
    global = redis.call('ZREVRANGE', KEYS[4], 0, n - 1, 'WITHSCORES')
end
local allbaskets = redis.call('ZSCORE', KEYS[5], '*') or '0'
local clock = redis.call('ZSCORE', KEYS[5], 'clock') or '0'
local want, seen = {}, {}
local function add(list, step)
    for i = 1, #list, step do
        if not seen[list[i]] then seen[list[i]] = true; want[#want + 1] = list[i] end
    end
end
-- The S own items of highest weight: the end of the ascending ZRANGE, reversed (as ZREVRANGE orders them).
local sources = (strategy == '' or strategy == 'blended') and tonumber(ARGV[4]) or 0
local owned = {}
for _, item in ipairs(items) do owned[item] = true end
-- The first r members of a flat (member, score) list that are not owned, as a flat list.
local function new_items(list)
    local out = {}
    for i = 1, #list, 2 do
        if #out >= 2 * reach then break end
        if not owned[list[i]] then out[#out + 1] = list[i]; out[#out + 1] = list[i + 1] end
    end
    return out
end
-- A flat popular list up to and including its r-th member not owned.
local function up_to_reach(list)
    local out, fresh = {}, 0
    for i = 1, #list, 2 do
        if fresh >= reach then break end
        out[#out + 1] = list[i]; out[#out + 1] = list[i + 1]
        if not owned[list[i]] then fresh = fresh + 1 end
    end
    return out
end
seg = up_to_reach(seg)
global = up_to_reach(global)
local with, itembaskets = {}, {}
for i = #own - 1, math.max(1, #own - 2 * sources + 1), -2 do
    local list = new_items(redis.call('ZREVRANGE', ARGV[3] .. own[i], 0, n - 1, 'WITHSCORES'))
    if #list > 0 then
        with[#with + 1] = own[i]; with[#with + 1] = list
    end
    local ib = redis.call('ZSCORE', KEYS[9], own[i])
    if ib then itembaskets[#itembaskets + 1] = own[i]; itembaskets[#itembaskets + 1] = ib end
end
add(items, 1)
add(seg, 2)
add(global, 2)
for i = 2, #with, 2 do add(with[i], 2) end
local texts = {}
if #want > 0 then
    local found = redis.call('HMGET', KEYS[8], unpack(want))
    for i = 1, #want do
        if found[i] then texts[#texts + 1] = want[i]; texts[#texts + 1] = found[i] end
    end
end
return { segment or '', own, counts, b, r, totals, seg, segbaskets, global, allbaskets, texts, version or '0', clock,
    with, itembaskets }
