-- wrk script for POST /v1/events: wrk ... -s scripts/ingest.lua URL -- <events per request> <run id> [segment]
-- Every event has a unique eventId, so deduplication does real work (one SET NX per event).
-- With "segment", the same events as Segment Spec messages ("Product Viewed") to POST /v1/batch (answered 200).
local threads = {}
local next_id = 1

function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

-- The API key (X-API-Key) comes from SHOAL_API_KEY, when set.
local api_key = os.getenv("SHOAL_API_KEY")

local function headers()
    local h = { ["Content-Type"] = "application/json" }
    if api_key and api_key ~= "" then
        h["X-API-Key"] = api_key
    end
    return h
end

function init(args)
    per_request = tonumber(args[1]) or 1
    run = args[2] or tostring(os.time())
    segment = args[3] == "segment"
    ok = segment and 200 or 202
    counter = 0
    non202 = 0
    titles = { "white hanging heart t-light holder", "regency cakestand 3 tier", "jumbo bag red retrospot",
               "party bunting", "lunch bag red retrospot", "set of 3 cake tins pantry design",
               "pack of 72 retrospot cake cases", "assorted colour bird ornament" }
end

local function event()
    counter = counter + 1
    if segment then
        return string.format(
            '{"type":"track","event":"Product Viewed","messageId":"%s-%d-%d","userId":"u%d",'
                .. '"properties":{"name":"%s"}}',
            run, tid, counter, counter % 5000, titles[(counter % #titles) + 1])
    end
    return string.format(
        '{"eventId":"%s-%d-%d","userId":"u%d","type":"view","text":"%s"}',
        run, tid, counter, counter % 5000, titles[(counter % #titles) + 1])
end

function request()
    local body
    if segment then
        local parts = {}
        for i = 1, per_request do
            parts[i] = event()
        end
        return wrk.format("POST", "/v1/batch", headers(),
            '{"batch":[' .. table.concat(parts, ",") .. ']}')
    end
    if per_request == 1 then
        body = event()
    else
        local parts = {}
        for i = 1, per_request do
            parts[i] = event()
        end
        body = "[" .. table.concat(parts, ",") .. "]"
    end
    return wrk.format("POST", "/v1/events", headers(), body)
end

function response(status, headers, body)
    if status ~= ok then
        non202 = non202 + 1
    end
end

function done(summary, latency, requests)
    local bad = 0
    for _, t in ipairs(threads) do
        bad = bad + t:get("non202")
    end
    local per = threads[1]:get("per_request")
    local secs = summary.duration / 1e6
    io.write(string.format("requests/s: %.0f  events/s: %.0f  non-2xx: %d\n",
        summary.requests / secs, summary.requests * per / secs, bad))
    io.write(string.format("latency p50: %.2f ms  p90: %.2f ms  p99: %.2f ms  max: %.2f ms\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000))
end
