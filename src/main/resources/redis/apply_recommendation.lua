-- Applies a batch's recommendation increments, planned by io.shoal.recommendation.RecommendationUpdate; this script
-- only adds what Java computed and mirrors RecommendationState.apply (RecommendationStoreTest holds the two equal on
-- random batches). Each event at most once: per shopper the counts hash keeps the position of the last event it
-- applied (field NUL 'p'), and an event at or below it is skipped, as activity_once.lua does. Prelude:
-- stored_user.lua.
--
-- KEYS[1] global popularity (zset)   KEYS[2] baskets (zset: segment id or '*')   KEYS[3] buyers (hash)
-- KEYS[4] repeaters (hash)           KEYS[5] texts (hash)       KEYS[6] feedback counts (hash: segment:strategy:kind)
-- KEYS[7] baskets per item b(i) (zset)
-- KEYS[7 + 5j - 4 .. 7 + 5j] per shopper j: own items (zset), counts (hash), segmentation state (string),
--   shown items (hash: item -> strategy:millis), recent interactions (list, newest first: the explanation's
--   "events since the last decision"; not part of the recommendation rule, so RecommendationState has no mirror)
-- ARGV[1] segment zset prefix, ARGV[2] M, ARGV[3] N, ARGV[4] G, ARGV[5] number of shoppers S,
-- ARGV[6] conversion window (ms), ARGV[7] shown items kept per shopper, ARGV[8] TTL of a shown hash (ms),
-- ARGV[9] recent interactions kept per shopper, ARGV[10] prefix of the "bought with" zsets C(i, .),
-- ARGV[11] L (first distinct items of a basket remembered; 0 = no co-purchase state), ARGV[12] K
-- (the baskets zset also keeps, under member 'clock', the newest event time applied: the state's "now")
-- ARGV[13 .. 12 + S] per shopper: partition, its events' stored positions are compared on it
-- then per increment: shopper index j, offset, item, text ('' = none), history, popularity, basket, purchase (0/1),
--   event millis, feedback ('' | 'impression' | 'click'), strategy ('' for none), kind (purchase, view, ...)
-- Returns { increments applied, then per feedback counted: segment ('none' without one), strategy, kind }.
local NUL = string.char(0)
local function greater(a, b)
    if #a ~= #b then return #a > #b end
    return a > b
end
local segprefix, M, N, G, S = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local window, shown_cap, shown_ttl, recent_cap = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9])
local global, baskets, buyers, repeaters, texts, feedback = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local itembaskets, coprefix, L, K = KEYS[7], ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12])
local counted = {}
local function count(segment, strategy, kind)
    local s = segment or 'none'
    redis.call('HINCRBY', feedback, s .. ':' .. strategy .. ':' .. kind, 1)
    counted[#counted + 1] = s
    counted[#counted + 1] = strategy
    counted[#counted + 1] = kind
end
local shoppers = {}
for j = 1, S do
    local counts = KEYS[7 + 5 * j - 3]
    local partition = ARGV[12 + j]
    local last = nil
    local stored = redis.call('HGET', counts, NUL .. 'p')
    if stored then
        local p, o = string.match(stored, '^(-?%d+):(%d+)$')
        if p == partition then last = o end
    end
    shoppers[j] = { items = KEYS[7 + 5 * j - 4], counts = counts, shown = KEYS[7 + 5 * j - 1],
        recent = KEYS[7 + 5 * j], partition = partition, last = last, newest = last,
        segment = (stored_segment(redis.call('GET', KEYS[7 + 5 * j - 2]))), touched = false, pushed = false,
        basket = nil, basket_changed = false }
end
local touched_segments = {}
local touched_items, touched_list = {}, {}
local function touch(item)
    if not touched_items[item] then touched_items[item] = true; touched_list[#touched_list + 1] = item end
end
local newest_t = nil
local applied = 0
local pos = 13 + S
while pos <= #ARGV do
    local u = shoppers[tonumber(ARGV[pos])]
    local offset, item, text = ARGV[pos + 1], ARGV[pos + 2], ARGV[pos + 3]
    local history, popularity, basket = ARGV[pos + 4], ARGV[pos + 5], ARGV[pos + 6]
    local purchase, t = ARGV[pos + 7] == '1', ARGV[pos + 8]
    local fb, strategy, kind = ARGV[pos + 9], ARGV[pos + 10], ARGV[pos + 11]
    pos = pos + 12
    local fresh = u.last == nil or greater(offset, u.last)
    if fresh then
        applied = applied + 1
        if newest_t == nil or tonumber(t) > newest_t then newest_t = tonumber(t) end
        u.touched = true
        if u.newest == nil or greater(offset, u.newest) then u.newest = offset end
        if fb ~= '' then
            count(u.segment, strategy, fb == 'impression' and 'impressions' or 'clicks')
            if redis.call('HEXISTS', u.shown, item) == 1 or redis.call('HLEN', u.shown) < shown_cap then
                redis.call('HSET', u.shown, item, strategy .. ':' .. t)
                redis.call('PEXPIRE', u.shown, shown_ttl)
            end
        end
    end
    -- An impression (or a click of weight 0) is feedback only.
    if fresh and tonumber(popularity) > 0 then
        redis.call('ZINCRBY', u.items, history, item)
        redis.call('LPUSH', u.recent, t .. '\t' .. kind .. '\t' .. item .. '\t' .. text)
        u.pushed = true
        if purchase then
            local mark = redis.call('HGET', u.shown, item)
            if mark then
                local st, at = string.match(mark, '^(.*):(-?%d+)$')
                local age = tonumber(t) - tonumber(at)
                if age >= 0 and age <= window then
                    count(u.segment, st, 'conversions')
                    redis.call('HDEL', u.shown, item)
                end
            end
            local count, lastbuy = 0, nil
            local c = redis.call('HGET', u.counts, item)
            if c then
                local a, b = string.match(c, '^(%d+):(-?%d+)$')
                count, lastbuy = tonumber(a), b
            end
            local again = count > 0 and lastbuy == t
            if not again then count = count + 1 end
            if lastbuy == nil or tonumber(t) > tonumber(lastbuy) then lastbuy = t end
            redis.call('HSET', u.counts, item, count .. ':' .. lastbuy)
            if not again and count == 1 then
                redis.call('HINCRBY', buyers, item, 1)
                redis.call('HINCRBY', buyers, NUL, 1)
            elseif not again and count == 2 then
                redis.call('HINCRBY', repeaters, item, 1)
                redis.call('HINCRBY', repeaters, NUL, 1)
            end
            if redis.call('HGET', u.counts, NUL .. 'b') ~= t then
                redis.call('HSET', u.counts, NUL .. 'b', t)
                redis.call('ZINCRBY', baskets, basket, '*')
                if u.segment then redis.call('ZINCRBY', baskets, basket, u.segment) end
                u.basket, u.basket_changed = {}, true
            end
            if not again and L > 0 then
                if u.basket == nil then
                    u.basket = {}
                    local stored_basket = redis.call('HGET', u.counts, NUL .. 'l')
                    if stored_basket then
                        for b in string.gmatch(stored_basket, '[^\n]+') do u.basket[#u.basket + 1] = b end
                    end
                end
                local remembered = false
                for _, other in ipairs(u.basket) do
                    if other == item then remembered = true; break end
                end
                if not remembered then
                    for _, other in ipairs(u.basket) do
                        redis.call('ZINCRBY', coprefix .. other, basket, item)
                        redis.call('ZINCRBY', coprefix .. item, basket, other)
                        touch(other)
                    end
                    redis.call('ZINCRBY', itembaskets, basket, item)
                    touch(item)
                    if #u.basket < L then
                        u.basket[#u.basket + 1] = item
                        u.basket_changed = true
                    end
                end
            end
        end
        if u.segment then
            redis.call('ZINCRBY', segprefix .. u.segment, popularity, item)
            touched_segments[u.segment] = true
        end
        redis.call('ZINCRBY', global, popularity, item)
        if text ~= '' then redis.call('HSET', texts, item, text) end
    end
end
-- Bounds: the lowest scores leave (equal scores: the lowest member, as ZRANGE orders them).
for j = 1, S do
    local u = shoppers[j]
    if u.touched then
        local n = redis.call('ZCARD', u.items)
        if n > M then
            local gone = redis.call('ZRANGE', u.items, 0, n - M - 1)
            redis.call('ZREMRANGEBYRANK', u.items, 0, n - M - 1)
            redis.call('HDEL', u.counts, unpack(gone))
        end
        redis.call('HSET', u.counts, NUL .. 'p', u.partition .. ':' .. u.newest)
    end
    if u.pushed then redis.call('LTRIM', u.recent, 0, recent_cap - 1) end
    if u.basket_changed then
        if u.basket ~= nil and #u.basket > 0 then
            redis.call('HSET', u.counts, NUL .. 'l', table.concat(u.basket, '\n'))
        else
            redis.call('HDEL', u.counts, NUL .. 'l')
        end
    end
end
for _, item in ipairs(touched_list) do
    local key = coprefix .. item
    local n = redis.call('ZCARD', key)
    if n > K then redis.call('ZREMRANGEBYRANK', key, 0, n - K - 1) end
end
for segment, _ in pairs(touched_segments) do
    local key = segprefix .. segment
    local n = redis.call('ZCARD', key)
    if n > N then redis.call('ZREMRANGEBYRANK', key, 0, n - N - 1) end
end
local n = redis.call('ZCARD', global)
if n > G then
    local gone = redis.call('ZRANGE', global, 0, n - G - 1)
    redis.call('ZREMRANGEBYRANK', global, 0, n - G - 1)
    for i = 1, #gone, 1000 do
        local part = { unpack(gone, i, math.min(i + 999, #gone)) }
        redis.call('HDEL', texts, unpack(part))
        redis.call('HDEL', buyers, unpack(part))
        redis.call('HDEL', repeaters, unpack(part))
        redis.call('ZREM', itembaskets, unpack(part))
    end
    for _, item in ipairs(gone) do redis.call('DEL', coprefix .. item) end
end
-- A basket may still name an item that left the catalogue: its new co-purchase state goes too.
for _, item in ipairs(touched_list) do
    if not redis.call('ZSCORE', global, item) then
        redis.call('DEL', coprefix .. item)
        redis.call('ZREM', itembaskets, item)
    end
end
if newest_t then
    local clock = redis.call('ZSCORE', baskets, 'clock')
    if not clock or tonumber(clock) < newest_t then redis.call('ZADD', baskets, newest_t, 'clock') end
end
local out = { applied }
for i = 1, #counted do out[#out + 1] = counted[i] end
return out
