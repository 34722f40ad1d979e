-- wrk script for GET /v1/users/{id}/segment over the users seeded by src/bench/query-load.sh (bench-0..N-1).
local users = tonumber(os.getenv("BENCH_USERS") or "10000")
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/v1/users/bench-" .. (counter % users) .. "/segment")
end
