// Record datasets like the earlier system's: arrays of objects with
// numbers and strings. Shared by the runtime tests and benchmark.
import { serializeObject } from 'luaxt-format';

/** Record `i`: integers, a float, strings. */
export function record(i) {
  return {
    id: i,
    name: `item-${i}`,
    category: `cat-${i % 16}`,
    value: (i % 1000) * 0.25 + 0.5,
    qty: i % 7,
    active: i % 3 === 0,
  };
}

/** About `bytes` of encoded input: `{ items: [record…] }`. */
export function recordsOfSize(bytes) {
  const sample = serializeObject({ items: Array.from({ length: 1000 }, (_, i) => record(i + 1e6)) }).length / 1000;
  const n = Math.max(1, Math.round(bytes / sample));
  return { items: Array.from({ length: n }, (_, i) => record(i + 1)) };
}

/** The Lua aggregation of the benchmark and tests; result in `_io.output`. */
export const AGGREGATE_LUA = `
local items = _io.input.items
local count, sum, qty, active = 0, 0.0, 0, 0
local byCategory = {}
for i = 1, #items do
  local r = items[i]
  count = count + 1
  sum = sum + r.value
  qty = qty + r.qty
  if r.active then active = active + 1 end
  local c = r.category
  byCategory[c] = (byCategory[c] or 0) + r.value
end
_io.output = { count = count, sum = sum, qty = qty, active = active, byCategory = byCategory }
`;

/** The same aggregation in JavaScript. */
export function aggregateJs(input) {
  let count = 0;
  let sum = 0;
  let qty = 0;
  let active = 0;
  const byCategory = {};
  for (const r of input.items) {
    count++;
    sum += r.value;
    qty += r.qty;
    if (r.active) active++;
    byCategory[r.category] = (byCategory[r.category] ?? 0) + r.value;
  }
  return { count, sum, qty, active, byCategory };
}
