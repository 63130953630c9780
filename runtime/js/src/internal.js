// Between the modules of this package only (not exported by package.json):
// the key of a runtime's internal methods, which the worker runtime uses to
// move LXT bytes instead of values.
export const INTERNAL = Symbol('luaxt.internal');

/**
 * What `request(method, params)` runs: calls the global Lua function named
 * by `_io.input.method` (dotted paths like "svc.get" work) with
 * `_io.input.params`.
 */
export const REQUEST_CODE = `
local name = _io.input.method
local f = _G
for part in string.gmatch(name, "[^%.]+") do
  if type(f) ~= "table" then f = nil break end
  f = f[part]
end
if type(f) ~= "function" then error("unknown method: " .. tostring(name), 0) end
_io.output = f(_io.input.params)
`;
