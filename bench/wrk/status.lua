-- wrk script: POST /api/v1/status with random lookups (every one a 404, which
-- costs the server the same lookup, hash and constant-time compare as a hit).
local A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local LAST = "AEIMQUYcgkosw048"

local function b64u32()
  local t = {}
  for i = 1, 42 do
    local k = math.random(1, 64)
    t[i] = A:sub(k, k)
  end
  local k = math.random(1, 16)
  t[43] = LAST:sub(k, k)
  return table.concat(t)
end

init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

request = function()
  local body = '{"lookup":"' .. b64u32() .. '","auth":"' .. b64u32() .. '"}'
  return wrk.format("POST", "/api/v1/status", {["Content-Type"] = "application/json"}, body)
end
