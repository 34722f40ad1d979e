-- wrk script of ./shoal bench: GET /v1/users/{id}/segment over the shoppers listed in BENCH_USERS_FILE (one id per
-- line), with the run's API key (SHOAL_API_KEY) when authentication is on.
local ids = {}
for line in io.lines(os.getenv("BENCH_USERS_FILE")) do
  ids[#ids + 1] = line:gsub("([^%w%-%._~])", function(c) return string.format("%%%02X", string.byte(c)) end)
end
local key = os.getenv("SHOAL_API_KEY")
local counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  if key and key ~= "" then headers["X-API-Key"] = key end
  return wrk.format("GET", "/v1/users/" .. ids[(counter % #ids) + 1] .. "/segment", headers)
end
