-- wrk script: POST /api/v1/status for real cases: each request takes a random
-- "LOOKUP AUTH" line of the file given after "--" (qfbench prefill writes it),
-- so every answer is a 200 with the case's status.
--   wrk -s bench/wrk/status.lua URL -- PAIRS
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")
local bodies

init = function(args)
  lib.seed()
  bodies = lib.load_pairs(args[1])
end

request = function()
  return lib.status_request(bodies)
end

done = function(summary, latency, requests)
  lib.report(summary, latency)
end
