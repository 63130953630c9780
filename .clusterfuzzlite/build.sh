#!/bin/bash -eu
# Builds luaxt's fuzz targets (fuzz/fuzz_targets/*.rs) for ClusterFuzzLite or
# OSS-Fuzz: address sanitizer (the only one supported for Rust), debug
# assertions on, plus each target's seed corpus, dictionary and options.
cd "$SRC/luaxt/fuzz"
cargo fuzz build -O --debug-assertions

for target in fuzz_targets/*.rs; do
  name=$(basename "${target%.rs}")
  cp "target/x86_64-unknown-linux-gnu/release/$name" "$OUT/"
done

# decode: seeds from the conformance vectors and past findings, and the
# LXT dictionary.
seeds=$(mktemp -d)
python3 seed-corpus ../conformance/vectors "$seeds/decode"
cp regressions/decode/* "$seeds/decode/"
(cd "$seeds/decode" && zip -q -r "$OUT/decode_seed_corpus.zip" .)
cp lxt.dict "$OUT/decode.dict"

# runtime: the Lua heap persists between inputs by design (not a leak).
printf '[libfuzzer]\ndetect_leaks = 0\nmax_len = 1024\n' > "$OUT/runtime.options"
