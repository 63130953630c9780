//! Nothing here: the benchmark is `benches/codecs.rs`, run with
//! `cargo bench -p luaxt-format-bench`.
