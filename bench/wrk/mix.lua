-- wrk script: 90% status requests for real cases (as status.lua), 10% new
-- submissions (as submit.lua).   wrk -s bench/wrk/mix.lua URL -- PAIRS
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")
local bodies, ENV

init = function(args)
  lib.seed()
  bodies = lib.load_pairs(args[1])
  ENV = lib.envelope()
end

request = function()
  if math.random(1, 10) == 1 then
    return lib.submit_request(ENV)
  end
  return lib.status_request(bodies)
end

done = function(summary, latency, requests)
  lib.report(summary, latency)
end
