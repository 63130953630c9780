#!/usr/bin/env bash
# Instructions per decode of the benchmark data, counted by callgrind: a
# figure the machine's load does not move, unlike the timings.
#
# Usage: format/bench/instructions.sh ["luaxt serde" "postcard (typed)" ...]
# (needs valgrind; the arguments name decode cases of benches/codecs.rs,
# or encode cases as "encode <name>"; default: the typed decodes). Each case runs twice in one process
# (LUAXT_ONLY, LUAXT_REPS=2) and only the runs are counted, each with the
# drop of its output; the table gives the mean of the two.
set -euo pipefail
cd "$(dirname "$0")/../.."

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=("luaxt serde" "rmp-serde named" "rmp-serde compact" "ciborium (typed)" "postcard (typed)" "serde_json (typed)")
fi

bench=$(cargo bench -p luaxt-format-bench --bench codecs --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "codecs" and m.get("executable"):
        print(m["executable"])')

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "| case | instructions per run |"
echo "|---|---:|"
for case in "${cases[@]}"; do
  rm -f "$dir"/cg.*
  # %p: a child the bench forks writes its own (empty) profile.
  LUAXT_ONLY="$case" LUAXT_REPS=2 valgrind --tool=callgrind \
    --toggle-collect='codecs::quick_table::{{closure}}' \
    --callgrind-out-file="$dir/cg.%p" "$bench" --bench >/dev/null 2>&1
  total=$(grep -h '^summary:' "$dir"/cg.* | awk '$2 > max {max = $2} END {print max}')
  python3 -c "print(f'| $case | {$total / 2e6:.1f} M |')"
done
