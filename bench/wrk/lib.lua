-- Shared pieces of the wrk scripts (bench/run.sh loads them with wrk -s).
-- Each script finds this file beside itself: wrk loads a script with its path.
local M = {}

local A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local LAST = "AEIMQUYcgkosw048" -- 32 bytes end on a symbol with 2 zero bits

-- 32 random bytes as b64u (43 symbols), as a client would send a lookup.
function M.b64u32()
  local t = {}
  for i = 1, 42 do
    local k = math.random(1, 64)
    t[i] = A:sub(k, k)
  end
  local k = math.random(1, 16)
  t[43] = LAST:sub(k, k)
  return table.concat(t)
end

-- A 4 KiB envelope-shaped value: "QFE1" then random bytes, 4221 bytes =
-- 4 + 80 + 24 + 4096 + 17 (the server cannot tell it from a real one).
function M.envelope()
  local t = {"QFE1"}
  for i = 1, 4217 do
    t[#t + 1] = string.char(math.random(0, 255))
  end
  return table.concat(t)
end

-- u32be(n) as 4 bytes.
local function u32be(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
    math.floor(n / 256) % 256, n % 256)
end

-- Seeds math.random from /dev/urandom: wrk starts its threads at the same moment.
function M.seed()
  local f = assert(io.open("/dev/urandom", "rb"))
  local b = f:read(4)
  f:close()
  math.randomseed(((b:byte(1) * 256 + b:byte(2)) * 256 + b:byte(3)) * 128 + b:byte(4) % 128)
end

local json_headers = {["Content-Type"] = "application/json"}
local submit_headers = {["Content-Type"] = "application/vnd.qingfeng.submission"}

-- One submission request with a fresh lookup, auth_hash and reply_pk, in the
-- binary body: u32be(len(J)) || J || envelope (no proof-of-work: difficulty 0).
function M.submit_request(env)
  local j = '{"district":"d01","lookup":"' .. M.b64u32() .. '","auth_hash":"' .. M.b64u32() ..
    '","reply_pk":"' .. M.b64u32() .. '"}'
  return wrk.format("POST", "/api/v1/reports", submit_headers, u32be(#j) .. j .. env)
end

-- Status bodies for the "LOOKUP AUTH" lines of path (real cases of the store).
function M.load_pairs(path)
  local f = assert(io.open(path, "r"), "cannot open pairs file " .. tostring(path))
  local bodies = {}
  for line in f:lines() do
    local l, a = line:match("^(%S+) (%S+)$")
    if l then
      bodies[#bodies + 1] = '{"lookup":"' .. l .. '","auth":"' .. a .. '"}'
    end
  end
  f:close()
  assert(#bodies > 0, "no pairs in " .. path)
  return bodies
end

function M.status_request(bodies)
  return wrk.format("POST", "/api/v1/status", json_headers, bodies[math.random(1, #bodies)])
end

-- Prints one machine-readable line for bench/run.sh.
function M.report(summary, latency)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,' ..
    '"max_ms":%.3f,"non2xx":%d,"errors":%d}\n',
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end

return M
