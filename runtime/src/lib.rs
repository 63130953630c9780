//! Lua external tables over an LXT store (work in progress: see issue 4).
