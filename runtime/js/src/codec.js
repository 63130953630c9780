// The LXT codec moved to its own package, luaxt-format (format/js in the
// repository). This module re-exports it so that `luaxt/codec` keeps
// working for one more release; import from 'luaxt-format' instead.
export * from 'luaxt-format';
