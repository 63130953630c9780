/*
** luaxt: the sandbox's budget, seen from Lua's C libraries.
**
** The count hook that enforces the instruction budget and the deadline
** (runtime/src/sandbox.rs) only runs between VM instructions, so a C
** function that loops (a backtracking pattern, table.move over 2^40
** indices, table.sort of millions of elements) would run unchecked, and
** an instruction that compares two 100 MB strings would count as one.
** The patched libraries in this folder count their own work in steps and
** charge it here, and the patched VM counts the work of such
** instructions; the charge checks the budget and the deadline and raises
** the limit error when one has tripped. Work done where no error may be
** raised (creating a long string, inside the allocator or an API
** function; the parser reading its input; a garbage collection) is only
** counted, with luaxt_vm_work, and charged by the hook at the next
** instruction, which it brings forward.
**
** One step is about the time of one VM instruction: one call of the
** pattern matcher, one character it expands over, one table element moved,
** compared, concatenated or unpacked, one character quoted by %q or
** decoded by utf8.len/codepoint, one result of string.byte, one argument
** of string.char, one item of string.unpack, one byte the parser reads
** (lzio.c), or LUAXT_BYTES_PER_STEP bytes scanned, compared or copied by
** memchr/memcmp/string.format's '%s', walked over by utf8.offset/codes,
** held by a new long string (lstring.c) or in the heap a full collection
** traverses (lgc.c, lapi.c). An item string.format formats and a
** character utf8.char makes take longer: LUAXT_ITEM_STEPS and
** LUAXT_FLOAT_ITEM_STEPS.
**
** Counted steps stay pending until they are charged (luaxt_count, by the
** batch) or the hook charges them, never dropped when the function that
** counted them returns or raises an error.
*/

#ifndef luaxt_budget_h
#define luaxt_budget_h

#include <stddef.h>

#include "lua.h"

/* Steps a C function counts before it charges them (and the deadline is
   checked): large enough that the charge costs nothing measurable,
   small enough that a limit stops a loop within microseconds. */
#define LUAXT_BATCH 4096

/* Bytes of memchr/memcmp work that make one step. */
#define LUAXT_BYTES_PER_STEP 16

/* The registry field that holds the charge function (a function of one
   integer, the steps, that raises the limit error or returns the number
   of instructions the hook should wait before its next charge). The Rust
   side sets it under the same name (sandbox.rs, CHARGE_KEY). Without it,
   charges are ignored, so the libraries also work in a plain Lua state. */
#define LUAXT_CHARGE_KEY "luaxt.charge"

/* Steps of this thread counted and not charged yet (luaxt_budget.c): the
   work of luaxt_count below its batch, and luaxt_vm_work's. The count
   hook adds them to its next charge, so what a C function counted is
   never lost, however it ends: a call that counts fewer steps than a
   batch, made a million times, or one that raises an error after its
   work, pays like one long call. */
#if defined(__wasm__)
#define LUAXT_THREAD_LOCAL  /* one thread */
#else
#define LUAXT_THREAD_LOCAL _Thread_local
#endif
extern LUAXT_THREAD_LOCAL size_t luaxt_pending_steps;

/* Adds 'steps' to the pending ones (saturating). Never raises. */
static inline void luaxt_add_pending (size_t steps) {
  size_t pending = luaxt_pending_steps + steps;
  luaxt_pending_steps = pending < steps ? (size_t)-1 : pending;
}

/* Charges the pending steps now (luaxt_count, once a batch has built up). */
void luaxt_charge_pending (lua_State *L);

/* Counts 'steps' of a C function's work; charges them with the pending
   ones once a batch has built up. */
static inline void luaxt_count (lua_State *L, size_t steps) {
  luaxt_add_pending(steps);
  if (luaxt_pending_steps >= LUAXT_BATCH)
    luaxt_charge_pending(L);
}

/* Steps of one item formatted by string.format ('%d', '%s', …; '%q' counts
   its bytes too) or one character made by utf8.char: about the time of
   that many VM instructions (measured natively: '%d' 44 ns, utf8.char 33
   ns per character, a VM instruction about 3 ns). */
#define LUAXT_ITEM_STEPS 16

/* Steps of a call of os.time, os.date or os.clock (loslib.c): the C
   library's mktime, localtime or clock, 0.5 to 2.2 us. */
#define LUAXT_OS_CALL_STEPS 512

/* Steps of one number formatted as a float ('%a', '%e', '%f', '%g': about
   140 ns for '%.14g'). */
#define LUAXT_FLOAT_ITEM_STEPS 48

/* The count hook of the sandbox (set with LUA_MASKCOUNT): charges the
   instructions since its last call, lua_gethookcount(L) of them, and sets
   its next interval to what the charge answers. Once a limit has tripped
   it runs at every instruction of the thread, until a charge succeeds
   again (the next compute call). */
void luaxt_hook (lua_State *L, lua_Debug *ar);

/* Work of 'bytes' done inside one VM instruction (lvm.c) or outside any
   function that may raise an error (creating a long string, lstring.c):
   counted for the hook's next charge, which it brings forward to the next
   instruction once a batch has built up. Short strings cost nothing.
   Never raises an error, so it is safe anywhere. */
void luaxt_vm_work (lua_State *L, size_t bytes);

/* luaxt_vm_work counted in steps rather than bytes, however few. */
void luaxt_vm_steps (lua_State *L, size_t steps);

/* The instructions the coroutine 'co' ran since its count hook last ran,
   added to the pending steps (and the hook brought forward in 'from',
   the thread it returns to) as a resume or close returns (ldo.c,
   lstate.c); its count starts again. Each thread has a count of its own,
   so a coroutine that ran fewer instructions than the hook's interval
   never called the hook, and its count was lost with it. Never raises. */
void luaxt_thread_ran (lua_State *co, lua_State *from);

/* The work (in the collector's units, about a slot each) of the
   incremental collector's steps so far (lgc.c), so that an explicit
   collectgarbage("step", 0) is charged what its step did (lapi.c): one
   step traverses a table of millions of slots whole. */
extern LUAXT_THREAD_LOCAL size_t luaxt_gc_step_work;

/* Values copied at once from this many on count a step each: '...'
   (lvm.c), a return (ldo.c), the values a resume or yield moves between
   coroutines (lua_xmove, lapi.c). Fewer are the copy of an ordinary
   call, which its instructions pay for. */
#define LUAXT_MANY_VALUES 64

/* Empty table slots 'next' steps over that make one step (ltable.c). */
#define LUAXT_SLOTS_PER_STEP 8

/* Levels of a chain of '__call' tables one call may go through (ldo.c):
   each moves every argument of the call up a slot. */
#define LUAXT_CALL_CHAIN_MAX 100

/* Collision chains up to this long are not counted (ltable.c): Lua's
   own chains are a node or two; only keys chosen to collide make more.
   The steps of a longer walk, where no lua_State is at hand, are added
   to the pending ones (luaxt_add_pending), which the hook charges within
   the 1000 instructions between two of its runs. */
#define LUAXT_CHAIN_FREE 32

/* The secret mixed into the hash of integer and float keys (ltable.c),
   so a script cannot choose keys that collide: with Lua's own hash,
   multiples of 2^k - 1 all land in one chain of a part of 2^k nodes, and
   one rehash then walks chains of every key, quadratic work inside a
   single instruction. Random per process (luaxt_process_secret, in the
   runtime's Rust code), the same for every state, set as each is created
   (lstate.c), so no table ever sees it change. */
extern lua_Unsigned luaxt_key_secret;
unsigned long long luaxt_process_secret (void);

/* A number key's bits mixed with the secret: the multiply spreads every
   bit upwards, the shift brings the high bits down to the low ones the
   modulo of a hash part keeps. */
static inline lua_Unsigned luaxt_mix_key (lua_Unsigned x) {
  x = (x ^ luaxt_key_secret) * (lua_Unsigned)0x9E3779B97F4A7C15u;
  return x ^ (x >> 32);
}

/* Forgets the work counted but not charged yet (the runtime calls it as
   a call starts: work the host did between two calls, such as parsing
   the sandbox's own code or a garbage collection, is not the script's). */
void luaxt_forget_work (void);

#endif
