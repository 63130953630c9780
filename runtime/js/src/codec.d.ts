// Deprecated: `luaxt/codec` re-exports luaxt-format for one more release.
export * from 'luaxt-format';
