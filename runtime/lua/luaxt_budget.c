/*
** luaxt: charging C library work to the sandbox's budget (see
** luaxt_budget.h).
*/

#include "luaxt_budget.h"

#include <limits.h>

#include "lauxlib.h"
#include "lstate.h"

/* Steps counted and not charged yet (luaxt_count, luaxt_vm_work). Per OS
   thread: each runtime runs on one thread (the wasm build has only one). */
LUAXT_THREAD_LOCAL size_t luaxt_pending_steps;

LUAXT_THREAD_LOCAL size_t luaxt_gc_step_work;

/* Below this many bytes, an instruction's work is not counted. */
#define VM_WORK_MIN 1024

void luaxt_vm_steps (lua_State *L, size_t steps) {
  luaxt_add_pending(steps);
  if (luaxt_pending_steps >= LUAXT_BATCH && (L->hookmask & LUA_MASKCOUNT))
    L->hookcount = 1;  /* the count hook runs at the next instruction */
}

void luaxt_vm_work (lua_State *L, size_t bytes) {
  if (bytes >= VM_WORK_MIN)
    luaxt_vm_steps(L, bytes / LUAXT_BYTES_PER_STEP);
}

void luaxt_thread_ran (lua_State *co, lua_State *from) {
  int ran;
  if (!(co->hookmask & LUA_MASKCOUNT))
    return;
  ran = co->basehookcount - co->hookcount;
  if (ran <= 0)
    return;
  co->hookcount = co->basehookcount;
  if (from != NULL)
    luaxt_vm_steps(from, (size_t)ran);
  else
    luaxt_add_pending((size_t)ran);
}

lua_Unsigned luaxt_key_secret;

void luaxt_forget_work (void) {
  luaxt_pending_steps = 0;
}

void luaxt_charge_pending (lua_State *L) {
  size_t due = luaxt_pending_steps;
  luaxt_pending_steps = 0;
  luaL_checkstack(L, 2, "budget charge");
  if (lua_getfield(L, LUA_REGISTRYINDEX, LUAXT_CHARGE_KEY) != LUA_TFUNCTION) {
    lua_pop(L, 1);  /* no budget in this state */
    return;
  }
  lua_pushinteger(L, due > (size_t)LUA_MAXINTEGER ? LUA_MAXINTEGER
                                                  : (lua_Integer)due);
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
  lua_pushinteger(L, (lua_Unsigned)luaxt_pending_steps >= (lua_Unsigned)(LUA_MAXINTEGER - count)
                       ? LUA_MAXINTEGER
                       : (lua_Integer)count + (lua_Integer)luaxt_pending_steps);
  luaxt_pending_steps = 0;
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    /* A limit has tripped: from now on this thread checks at every
       instruction, so code that catches the error (pcall, load's reader,
       coroutine.close) is stopped at its next instruction. */
    lua_sethook(L, luaxt_hook, LUA_MASKCOUNT, 1);
    lua_error(L);
  }
  else {
    /* The charge answers with the interval to check at next: shorter
       while single instructions are slow (comparing huge strings), so the
       deadline is not missed by a thousand of them. */
    lua_Integer next = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (next >= 1 && next <= INT_MAX && next != count)
      lua_sethook(L, luaxt_hook, LUA_MASKCOUNT, (int)next);
  }
}
