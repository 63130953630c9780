-- counter.lua: a counter that keeps its state in _home across runs.
--
--   luaxt run examples/counter/counter.lua --state counter.state
--   luaxt run examples/counter/counter.lua --state counter.state --input examples/counter/add-ten.json
--
-- _home is the persistent root: luaxt loads it from the state file before
-- the run and saves it back after a successful one. The optional input
-- {"step": 10, "note": "..."} says how much to add (default 1).

local input = _io.input or {}
local step = input.step or 1
if math.type(step) ~= "integer" then
  error("step must be an integer, got " .. tostring(step))
end

_home.count = (_home.count or 0) + step
_home.runs = (_home.runs or 0) + 1

-- The last five changes, in an external table that lives in the store.
if not _home.history then
  _home.history = ext.table()
end
local history = _home.history
history[#history + 1] = { run = _home.runs, step = step, note = input.note }
while #history > 5 do
  table.remove(history, 1)
end

local recent = {}
for i = 1, #history do
  local h = history[i]
  recent[i] = h.note and string.format("run %d: %+d (%s)", h.run, h.step, h.note)
    or string.format("run %d: %+d", h.run, h.step)
end

_io.output = { count = _home.count, runs = _home.runs, recent = recent }
