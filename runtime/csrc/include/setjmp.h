/* setjmp/longjmp for wasm32 built by clang-16 with -mllvm -wasm-enable-sjlj:
   the compiler rewrites calls to these into the runtime in sjlj.c. */
#ifndef LUAXT_SETJMP_H
#define LUAXT_SETJMP_H
typedef unsigned long jmp_buf[8];
int setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int value);
#endif
