-- Every kind of key and value through an external table, read back by
-- index, by pairs and by #, next to a plain Lua table given the same
-- writes. Returns the list of differences (empty when all agree). Run by
-- runtime/tests/ext_access.rs (native) and runtime/js/test/runtime.api.test.mjs
-- (WebAssembly), so both runtimes and both stores answer the same.
local failures = {}
local function fail(...) failures[#failures + 1] = string.format(...) end

local other = ext.table()
other.mark = "other"

local keys = {
  1, 2, 3, 4, 0, -1, 2^53, math.maxinteger, math.mininteger, 1.5, -2.25, 1e300,
  math.huge, -math.huge, true, false, "", "a", "name", "1", "é", "\xff\xfe",
  string.rep("k", 58), string.rep("k", 59), string.rep("k", 60), string.rep("k", 300), other,
}
local values = {
  0, 1, -1, math.maxinteger, math.mininteger, 2^53, 0.5, -0.0, 1 / 0, -1 / 0, 0 / 0,
  true, false, "", "x", "é", "\0\255", string.rep("v", 5000), string.rep("w", 70000),
  { 1, 2, x = "y", { nested = true } }, other, 3.0,
}

local function describe(v)
  if type(v) == "string" and #v > 20 then return string.format("string(%d)", #v) end
  if type(v) == "number" then return string.format("%s %s", math.type(v), tostring(v)) end
  return tostring(v)
end

local function same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) == "number" then
    if math.type(a) ~= math.type(b) then return false end
    if a ~= a then return b ~= b end
    if a == 0 and b == 0 then return 1 / a == 1 / b end -- -0.0 is not 0.0
    return a == b
  end
  if type(a) == "table" and getmetatable(a) == nil then
    for k, v in pairs(a) do if not same(v, b[k]) then return false end end
    for k in pairs(b) do if a[k] == nil then return false end end
    return true
  end
  return rawequal(a, b)
end

local t, plain = ext.table(), {}
for round = 0, 2 do
  for i, k in ipairs(keys) do
    local v = values[(i + round * 7 - 1) % #values + 1]
    t[k] = v
    plain[k] = v
  end
  for i, k in ipairs(keys) do
    if not same(t[k], plain[k]) then
      fail("round %d, key %s: read %s, wrote %s", round, describe(k), describe(t[k]), describe(plain[k]))
    end
  end
end

-- A float key with an integer value is that integer; -0.0 is 0.
t[2.0] = "two"
if t[2] ~= "two" or plain[2.0] == nil then fail("t[2.0] is not t[2]") end
t[-0.0] = "zero"
if t[0] ~= "zero" then fail("t[-0.0] is not t[0]") end
t[2], t[0] = plain[2], plain[0]

-- pairs gives each key once, with the value an index read gives.
local seen, count = {}, 0
for k, v in pairs(t) do
  count = count + 1
  if seen[k] then fail("pairs gave %s twice", describe(k)) end
  seen[k] = true
  if not same(v, plain[k]) then fail("pairs: key %s gave %s", describe(k), describe(v)) end
end
local want = 0
for _ in pairs(plain) do want = want + 1 end
if count ~= want then fail("pairs gave %d keys, not %d", count, want) end
if #t ~= 4 then fail("#t is %d, not 4", #t) end

-- Keys that cannot exist read as nil; writing them is an error.
if t[0 / 0] ~= nil or t[nil] ~= nil or t[{}] ~= nil or t[print] ~= nil then fail("an impossible key read") end
local ok, err = pcall(function() t[0 / 0] = 1 end)
if ok or not tostring(err):find("index is NaN", 1, true) then fail("NaN key write: %s", tostring(err)) end
ok, err = pcall(function() t[nil] = 1 end)
if ok or not tostring(err):find("index is nil", 1, true) then fail("nil key write: %s", tostring(err)) end
ok, err = pcall(function() t[{}] = 1 end)
if ok or not tostring(err):find("cannot be a key", 1, true) then fail("table key write: %s", tostring(err)) end
ok, err = pcall(function() t.f = print end)
if ok or not tostring(err):find("cannot be stored", 1, true) then fail("function value write: %s", tostring(err)) end

-- Deleting: nil removes, the border follows.
for i, k in ipairs(keys) do
  t[k] = nil
  if t[k] ~= nil then fail("key %s still there after t[k] = nil", describe(k)) end
end
if #t ~= 0 then fail("#t is %d after deleting everything", #t) end
for _ in pairs(t) do fail("pairs of an emptied table gave a key") break end

-- Appending and popping at the end.
for i = 1, 100 do t[#t + 1] = i * 2 end
if #t ~= 100 or t[100] ~= 200 then fail("append: #t %d, t[100] %s", #t, describe(t[100])) end
for i = 100, 51, -1 do t[i] = nil end
if #t ~= 50 then fail("pop: #t %d", #t) end
local sum = 0
for i, v in ipairs(t) do sum = sum + v end
if sum ~= 50 * 51 then fail("ipairs sum %d", sum) end

-- Tables read in turn, and proxies collected and made again between reads
-- (the raw metamethods remember the last proxy they saw).
local a, b = ext.table(), ext.table()
for i = 1, 3 do a[i], b[i] = "a" .. i, "b" .. i end
for i = 1, 3 do
  if a[i] ~= "a" .. i or b[i] ~= "b" .. i or #a ~= 3 then fail("tables in turn: %s %s", a[i], b[i]) end
end
local holder = ext.table()
for i = 1, 300 do
  local t = ext.table()
  t.n = i
  holder[i] = t
end
for round = 1, 3 do
  collectgarbage()
  for i = 1, 300 do
    local t = holder[i]
    if t.n ~= i or ext.id(t) ~= ext.id(holder[i]) then fail("round %d: holder[%d].n is %s", round, i, tostring(t.n)) end
    t.n = i
  end
end

-- _io goes through the runtime's own path (its input is special).
_io.roundtrip = "io"
if _io.roundtrip ~= "io" then fail("_io.roundtrip") end
_io.roundtrip = nil

return failures
