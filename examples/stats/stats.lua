-- stats.lua: per-station weather statistics over a JSON array of readings.
--
--   luaxt run examples/stats/stats.lua --input examples/stats/data.json
--
-- Each reading: {"station": "ST-001", "ts": 1767225600, "temp_c": 12.3,
-- "humidity": 64, "wind_kmh": 11.2, "rain_mm": 0.0, "ok": true}.
-- Readings with "ok": false are counted and left out; a missing humidity
-- is left out of the humidity mean only. The result is one JSON object.

local readings = _io.input
if type(readings) ~= "table" or #readings == 0 then
  error("expected a non-empty array of readings: run with --input examples/stats/data.json")
end

local function round(x, digits)
  local scale = 10.0 ^ digits
  return math.floor(x * scale + 0.5) / scale
end

-- The value at fraction q of a sorted array (linear interpolation).
local function quantile(sorted, q)
  local pos = 1 + (#sorted - 1) * q
  local lo = math.floor(pos)
  local hi = math.min(lo + 1, #sorted)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
end

local stations, order = {}, {}
local faulty, first_ts, last_ts = 0, math.maxinteger, math.mininteger
for i = 1, #readings do
  local r = readings[i]
  if not r.ok then
    faulty = faulty + 1
  else
    local s = stations[r.station]
    if not s then
      s = { temps = {}, n = 0, mean = 0.0, m2 = 0.0, hum_sum = 0, hum_n = 0,
            rain = 0.0, rain_hours = 0, wind_max = 0.0, hottest = nil }
      stations[r.station] = s
      order[#order + 1] = r.station
    end
    -- Welford's running mean and variance.
    local t = r.temp_c
    s.n = s.n + 1
    local delta = t - s.mean
    s.mean = s.mean + delta / s.n
    s.m2 = s.m2 + delta * (t - s.mean)
    s.temps[s.n] = t
    if r.humidity then
      s.hum_sum, s.hum_n = s.hum_sum + r.humidity, s.hum_n + 1
    end
    if r.rain_mm > 0 then
      s.rain, s.rain_hours = s.rain + r.rain_mm, s.rain_hours + 1
    end
    s.wind_max = math.max(s.wind_max, r.wind_kmh)
    if not s.hottest or t > s.hottest.temp_c then
      s.hottest = { temp_c = t, ts = r.ts }
    end
    first_ts, last_ts = math.min(first_ts, r.ts), math.max(last_ts, r.ts)
  end
end
table.sort(order)

local result = { readings = #readings, faulty = faulty, first_ts = first_ts,
                 last_ts = last_ts, stations = {} }
local all_n, all_sum, warmest = 0, 0.0, nil
for _, id in ipairs(order) do
  local s = stations[id]
  table.sort(s.temps)
  local stddev = s.n > 1 and math.sqrt(s.m2 / (s.n - 1)) or 0.0
  result.stations[id] = {
    count = s.n,
    temp_c = {
      mean = round(s.mean, 2),
      stddev = round(stddev, 2),
      min = s.temps[1],
      p05 = round(quantile(s.temps, 0.05), 2),
      median = round(quantile(s.temps, 0.5), 2),
      p95 = round(quantile(s.temps, 0.95), 2),
      max = s.temps[s.n],
    },
    humidity_mean = s.hum_n > 0 and round(s.hum_sum / s.hum_n, 1) or nil,
    rain_total_mm = round(s.rain, 1),
    rainy_readings = s.rain_hours,
    wind_max_kmh = s.wind_max,
    hottest = s.hottest,
  }
  all_n, all_sum = all_n + s.n, all_sum + s.mean * s.n
  if not warmest or s.mean > stations[warmest].mean then
    warmest = id
  end
end
result.mean_temp_c = round(all_sum / all_n, 2)
result.warmest_station = warmest

_io.output = result
