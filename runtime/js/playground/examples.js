// The playground's example jobs: code and input (JSON text) each.
export const EXAMPLES = {
  counter: {
    code: `-- _home keeps its fields between runs (and across reloads once saved).
_home.visits = (_home.visits or 0) + 1
print("visits:", _home.visits)
return _home.visits`,
    input: '',
  },
  stats: {
    code: `-- Count, mean and maximum of the readings' temperatures.
local n, sum, max = 0, 0, -math.huge
for _, r in ipairs(_io.input) do
  n, sum = n + 1, sum + r.temp
  if r.temp > max then max = r.temp end
end
_io.output = { count = n, mean = sum / n, max = max }`,
    input: '[{"station": "A", "temp": 12.5}, {"station": "B", "temp": 17.25}, {"station": "A", "temp": 9}]',
  },
  ext: {
    code: `-- An external table lives in the host store, not in the Lua heap;
-- _home can hold a reference to it.
local t = ext.table()
for i = 1, 5 do t[i] = i * i end
t.name = "squares"
_home.squares = t
return { n = #t, name = t.name, third = t[3] }`,
    input: '',
  },
  error: {
    code: `-- A Lua error comes back with its message and traceback.
local function check(x)
  if type(x) ~= "number" then error("expected a number, got " .. type(x)) end
  return x
end
return check(_io.input.value)`,
    input: '{"value": "not a number"}',
  },
};
