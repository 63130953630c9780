#!/usr/bin/env bash
# `luaxt run` against what a user would pick instead: Debian's lua5.4 with
# lua-cjson (cli/bench/cjson_job.lua), on the stats job
# (examples/stats/stats.lua) over 240 000 x SCALE readings from
# generate.lua (seed 7). Rounds interleave the two; medians of wall time
# and peak RSS (/usr/bin/time). Installs lua5.4, lua-cjson and time with
# apt when missing.
#
# luaxt runs with the limits lifted that a 250 MB input needs
# (--max-size 1G; no memory, store or instruction limit, so the input is
# copied into Lua tables as lua-cjson does; see `luaxt run --help`).
#
#   bash cli/bench/vs-cjson.sh               # 2.5, 25 and 250 MB, 5 rounds
#   ROUNDS=3 SIZES="24000 240000" bash cli/bench/vs-cjson.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
SIZES=${SIZES:-"24000 240000 2400000"}
DATA=${DATA:-target/bench-cjson}

missing=()
command -v lua5.4 >/dev/null || missing+=(lua5.4)
lua5.4 -e 'require("cjson")' 2>/dev/null || missing+=(lua-cjson)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

cargo build -q --release -p luaxt-cli
LUAXT=target/release/luaxt
SCRIPT=examples/stats/stats.lua
mkdir -p "$DATA"

# One run: prints "seconds max_rss_kib"; stdout of the job to $2.
measure() {
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$DATA/time.txt" "$@" >"$out"
  cat "$DATA/time.txt"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "luaxt $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(lua5.4 -v 2>&1 | head -1), lua-cjson $(dpkg-query -W -f '${Version}' lua-cjson 2>/dev/null || echo '?'), $(nproc) cores, $ROUNDS rounds"
echo
echo "| readings | JSON MB | luaxt s | lua+cjson s | time ratio | luaxt MiB | lua+cjson MiB | memory ratio | luaxt readings/s |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for count in $SIZES; do
  input="$DATA/readings-$count.json"
  if [ ! -s "$input" ]; then
    echo "{\"seed\": 7, \"count\": $count}" |
      "$LUAXT" run examples/stats/generate.lua --input - --no-state --compact \
        --memory-limit 0 --store-limit 0 --instruction-limit 0 --max-size 4G >"$input"
  fi
  : >"$DATA/luaxt.txt"; : >"$DATA/cjson.txt"
  for _ in $(seq "$ROUNDS"); do
    measure "$DATA/luaxt.out" "$LUAXT" run "$SCRIPT" --input "$input" --no-state --compact \
      --memory-limit 0 --store-limit 0 --instruction-limit 0 --max-size 1G >>"$DATA/luaxt.txt"
    measure "$DATA/cjson.out" lua5.4 cli/bench/cjson_job.lua "$input" "$SCRIPT" >>"$DATA/cjson.txt"
  done
  # Same answer from both (key order aside): the reading counts agree.
  for f in "$DATA/luaxt.out" "$DATA/cjson.out"; do
    grep -o '"readings":[0-9]*' "$f" | grep -qx "\"readings\":$count" ||
      { echo "wrong output in $f" >&2; exit 1; }
  done
  lt=$(cut -d' ' -f1 "$DATA/luaxt.txt" | median); ct=$(cut -d' ' -f1 "$DATA/cjson.txt" | median)
  lm=$(cut -d' ' -f2 "$DATA/luaxt.txt" | median); cm=$(cut -d' ' -f2 "$DATA/cjson.txt" | median)
  mb=$(awk -v b="$(stat -c %s "$input")" 'BEGIN { printf "%.1f", b / 1e6 }')
  awk -v n="$count" -v mb="$mb" -v lt="$lt" -v ct="$ct" -v lm="$lm" -v cm="$cm" 'BEGIN {
    printf "| %d | %s | %.2f | %.2f | %.2fx | %.0f | %.0f | %.2fx | %.0f k |\n",
      n, mb, lt, ct, lt / ct, lm / 1024, cm / 1024, lm / cm, n / lt / 1000 }'
done
