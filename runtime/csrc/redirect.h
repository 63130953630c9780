/* Force-included into every Lua source: OS-facing libc calls go to the
   shim in host.c instead of wasi-libc, whose versions import WASI. */
#ifndef LUAXT_REDIRECT_H
#define LUAXT_REDIRECT_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#define stdin luaxt_stdin
#define stdout luaxt_stdout
#define stderr luaxt_stderr
extern FILE *luaxt_stdin, *luaxt_stdout, *luaxt_stderr;
#define fopen luaxt_fopen
#define freopen luaxt_freopen
#define fclose luaxt_fclose
#define fflush luaxt_fflush
#define fwrite luaxt_fwrite
#define fread luaxt_fread
#define fprintf luaxt_fprintf
#define fputs luaxt_fputs
#define getc luaxt_getc
#define ungetc luaxt_ungetc
#define feof luaxt_feof
#define ferror luaxt_ferror
#define clearerr luaxt_clearerr
#define fseek luaxt_fseek
#define ftell luaxt_ftell
#define setvbuf luaxt_setvbuf
#define tmpfile luaxt_tmpfile
#define fgets luaxt_fgets
#define getenv luaxt_getenv
#define exit luaxt_exit
#define abort luaxt_abort
#define time luaxt_time
#define clock luaxt_clock
#define remove luaxt_remove
#define rename luaxt_rename
#define system luaxt_system
#define setlocale luaxt_setlocale
#define arc4random luaxt_arc4random
FILE *luaxt_fopen(const char *, const char *);
FILE *luaxt_freopen(const char *, const char *, FILE *);
int luaxt_fclose(FILE *);
int luaxt_fflush(FILE *);
size_t luaxt_fwrite(const void *, size_t, size_t, FILE *);
size_t luaxt_fread(void *, size_t, size_t, FILE *);
int luaxt_fprintf(FILE *, const char *, ...);
int luaxt_fputs(const char *, FILE *);
int luaxt_getc(FILE *);
int luaxt_ungetc(int, FILE *);
int luaxt_feof(FILE *);
int luaxt_ferror(FILE *);
void luaxt_clearerr(FILE *);
int luaxt_fseek(FILE *, long, int);
long luaxt_ftell(FILE *);
int luaxt_setvbuf(FILE *, char *, int, size_t);
FILE *luaxt_tmpfile(void);
char *luaxt_fgets(char *, int, FILE *);
char *luaxt_getenv(const char *);
_Noreturn void luaxt_exit(int);
_Noreturn void luaxt_abort(void);
time_t luaxt_time(time_t *);
clock_t luaxt_clock(void);
int luaxt_remove(const char *);
int luaxt_rename(const char *, const char *);
int luaxt_system(const char *);
char *luaxt_setlocale(int, const char *);
unsigned int luaxt_arc4random(void);
#endif
