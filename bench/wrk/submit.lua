-- wrk script: POST /api/v1/reports with a fresh random lookup per request and a
-- 4 KiB envelope-shaped body (the server cannot tell it from a real one).
-- Needs pow_difficulty 0 on the server under test.
local A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local LAST = "AEIMQUYcgkosw048" -- 32 bytes end on a symbol with 2 zero bits

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

local function envelope()
  -- "QFE1" then random bytes: 4221 bytes = 4 + 80 + 24 + 4096 + 17
  local t = {"UUZFMQ"}
  for i = 1, 5622 do
    local k = math.random(1, 64)
    t[#t + 1] = A:sub(k, k)
  end
  return table.concat(t)
end

local ENV
init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  ENV = envelope()
end

request = function()
  local body = '{"district":"d01","lookup":"' .. b64u32() .. '","auth_hash":"' .. b64u32() ..
    '","reply_pk":"' .. b64u32() .. '","envelope":"' .. ENV .. '"}'
  return wrk.format("POST", "/api/v1/reports", {["Content-Type"] = "application/json"}, body)
end
