/*
** luaxt: charging C library work to the sandbox's budget (see
** luaxt_budget.h).
*/

#include "luaxt_budget.h"

#include "lauxlib.h"

void luaxt_charge (lua_State *L, size_t steps) {
  luaL_checkstack(L, 2, "budget charge");
  if (lua_getfield(L, LUA_REGISTRYINDEX, LUAXT_CHARGE_KEY) != LUA_TFUNCTION) {
    lua_pop(L, 1);  /* no budget in this state */
    return;
  }
  lua_pushinteger(L, steps > (size_t)LUA_MAXINTEGER ? LUA_MAXINTEGER
                                                    : (lua_Integer)steps);
  lua_call(L, 1, 0);  /* raises the limit error, if one has tripped */
}

void luaxt_hook (lua_State *L, lua_Debug *ar) {
  int count = lua_gethookcount(L);
  (void)ar;
  /* The charge is a call of its own, so a limit error comes from a frame
     of its own: raised in the hook's frame, as mlua's hook errors are, it
     would close the running function's to-be-closed variables inside the
     hook, where no hook can stop their __close. */
  luaL_checkstack(L, 3, "budget hook");
  if (lua_getfield(L, LUA_REGISTRYINDEX, LUAXT_CHARGE_KEY) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    return;
  }
  lua_pushinteger(L, count);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    /* A limit has tripped: from now on this thread checks at every
       instruction, so code that catches the error (pcall, load's reader,
       coroutine.close) is stopped at its next instruction. */
    lua_sethook(L, luaxt_hook, LUA_MASKCOUNT, 1);
    lua_error(L);
  }
  if (count == 1) {
    /* The limit has been reset since (a new compute call): back to the
       sandbox's interval. */
    lua_getfield(L, LUA_REGISTRYINDEX, LUAXT_INTERVAL_KEY);
    count = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (count > 1)
      lua_sethook(L, luaxt_hook, LUA_MASKCOUNT, count);
  }
}
