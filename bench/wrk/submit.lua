-- wrk script: POST /api/v1/reports with a fresh random lookup per request and a
-- 4 KiB envelope-shaped body. Needs pow_difficulty 0 on the server under test.
-- bench/run.sh also points it at bench/bare.c for the bare POST ceiling.
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")
local ENV

init = function(args)
  lib.seed()
  ENV = lib.envelope()
end

request = function()
  return lib.submit_request(ENV)
end

done = function(summary, latency, requests)
  lib.report(summary, latency)
end
