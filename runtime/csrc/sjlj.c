/* The runtime that LLVM 16's Wasm setjmp/longjmp lowering calls.
   Each setjmp call site records (id, label) in a per-function table that the
   compiler allocates; longjmp throws the C longjmp exception tag with the
   jmp_buf and value, and the lowered code finds the label with testSetjmp. */
#include <stdint.h>
#include <stdlib.h>

struct sjlj_entry { uintptr_t id; uint32_t label; };

static uint32_t temp_ret0;
static uintptr_t last_setjmp_id;

void setTempRet0(uint32_t value) { temp_ret0 = value; }
uint32_t getTempRet0(void) { return temp_ret0; }

struct sjlj_entry *saveSetjmp(uintptr_t *env, uint32_t label,
                              struct sjlj_entry *table, uint32_t size) {
  uintptr_t id = ++last_setjmp_id;
  *env = id;
  for (;;) {
    for (uint32_t i = 0; i < size; i++) {
      if (table[i].id == 0) {
        table[i].id = id;
        table[i].label = label;
        table[i + 1].id = 0; /* the table keeps one spare slot as terminator */
        setTempRet0(size);
        return table;
      }
    }
    uint32_t grown = size * 2;
    struct sjlj_entry *bigger = realloc(table, sizeof *table * (grown + 1));
    if (bigger == NULL) abort();
    for (uint32_t i = size; i <= grown; i++) bigger[i].id = 0;
    table = bigger;
    size = grown;
  }
}

uint32_t testSetjmp(uintptr_t id, struct sjlj_entry *table, uint32_t size) {
  for (uint32_t i = 0; i < size && table[i].id != 0; i++) {
    if (table[i].id == id) return table[i].label;
  }
  return 0;
}

struct sjlj_throw { void *env; int value; };
static struct sjlj_throw pending_throw;

_Noreturn void __wasm_longjmp(void *env, int value) {
  pending_throw.env = env;
  pending_throw.value = value == 0 ? 1 : value;
  __builtin_wasm_throw(1, &pending_throw);
}
