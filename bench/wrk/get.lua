-- wrk script: GET with a small JSON answer (the bare server's ceiling for status).
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")

wrk.method = "GET"
wrk.path = "/api/v1/info"

done = function(summary, latency, requests)
  lib.report(summary, latency)
end
