-- The peer of `luaxt run SCRIPT --input FILE` for cli/bench/vs-cjson.sh:
-- Debian's lua5.4 with lua-cjson reads FILE, decodes it, sets
-- `_io.input`, runs SCRIPT with dofile and prints `_io.output` as JSON.
--
--   lua5.4 cli/bench/cjson_job.lua FILE SCRIPT
local cjson = require("cjson")
local path, script = arg[1], arg[2]
local file = assert(io.open(path, "rb"))
local text = file:read("a")
file:close()
_io = { input = cjson.decode(text) }
text = nil
dofile(script)
io.write(cjson.encode(_io.output), "\n")
