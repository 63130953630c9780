-- generate.lua: writes the weather-station data set that stats.lua reads.
--
--   luaxt run examples/stats/generate.lua --no-state --compact > examples/stats/data.json
--
-- Deterministic: a 64-bit linear congruential generator seeded from the
-- input (default seed 2026, 24 000 readings), so the same command always
-- gives the same bytes. Optional input: {"seed": 7, "count": 1000}.

local input = _io.input or {}
local seed = input.seed or 2026
local count = input.count or 24000

local state = seed
local function next_u53()
  -- Knuth's MMIX constants; Lua 5.4 integers wrap around at 64 bits.
  state = state * 6364136223846793005 + 1442695040888963407
  return state >> 11
end
local function uniform() -- [0, 1)
  return next_u53() / 9007199254740992.0
end
local function gaussian() -- Box-Muller
  local u = 1.0 - uniform()
  return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * uniform())
end
local function round(x, digits)
  local scale = 10.0 ^ digits
  return math.floor(x * scale + 0.5) / scale
end

local stations = {
  { id = "ST-001", base = 14.5, spread = 6.0, wet = 0.18, windy = 12.0 }, -- Harbour
  { id = "ST-002", base = 11.0, spread = 8.5, wet = 0.22, windy = 18.0 }, -- Ridge
  { id = "ST-003", base = 16.0, spread = 5.0, wet = 0.10, windy = 8.0 },  -- Old Town
  { id = "ST-004", base = 9.5, spread = 9.0, wet = 0.30, windy = 22.0 },  -- Pass
  { id = "ST-005", base = 15.0, spread = 7.0, wet = 0.15, windy = 10.0 }, -- Airport
  { id = "ST-006", base = 13.0, spread = 6.5, wet = 0.25, windy = 14.0 }, -- Lakeside
  { id = "ST-007", base = 17.5, spread = 4.5, wet = 0.08, windy = 6.0 },  -- Vineyard
  { id = "ST-008", base = 12.0, spread = 7.5, wet = 0.20, windy = 16.0 }, -- Forest
}

local start = 1767225600 -- 2026-01-01T00:00:00Z
local readings = {}
for i = 1, count do
  local s = stations[next_u53() % #stations + 1]
  local ts = start + (i - 1) * 120 + next_u53() % 60
  local hour = (ts // 3600) % 24
  local day = ts // 86400
  local season = -6.0 * math.cos(2.0 * math.pi * day / 365.0)
  local daily = s.spread * math.sin(2.0 * math.pi * (hour - 9) / 24.0)
  local raining = uniform() < s.wet
  local r = {
    station = s.id,
    ts = ts,
    temp_c = round(s.base + season + daily + 1.5 * gaussian() - (raining and 2.0 or 0.0), 1),
    humidity = math.max(5, math.min(100, math.floor(60 + 15 * gaussian() + (raining and 25 or 0)))),
    wind_kmh = round(math.abs(s.windy + 6.0 * gaussian()), 1),
    rain_mm = raining and round(-2.0 * math.log(1.0 - uniform()), 1) or 0.0,
    ok = uniform() >= 0.015, -- about 1.5% of readings come from a faulty sensor
  }
  if uniform() < 0.01 then
    r.humidity = nil -- the hygrometer sometimes reports nothing
  end
  readings[i] = r
end

_io.output = readings
