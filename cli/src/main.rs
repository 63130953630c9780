//! The `luaxt` command-line tool (work in progress: see issue 7).

fn main() {
    eprintln!("luaxt: not built yet (issue 7)");
    std::process::exit(2);
}
