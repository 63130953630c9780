/* The OS-facing libc calls Lua makes, answered without WASI: console output
   goes to the Rust host hooks, files and processes are unavailable (ENOSYS),
   time comes from the host. The sandbox removes io and most of os anyway;
   lauxlib and lbaselib still reference some of these. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Implemented in Rust. */
extern void luaxt_host_write(int stream, const char *data, size_t len);
extern double luaxt_host_now_ms(void);
extern double luaxt_host_clock_ms(void);

static char stream_tokens[3];
FILE *luaxt_stdin = (FILE *)&stream_tokens[0];
FILE *luaxt_stdout = (FILE *)&stream_tokens[1];
FILE *luaxt_stderr = (FILE *)&stream_tokens[2];

static int stream_number(FILE *f) {
  if (f == luaxt_stdout) return 1;
  if (f == luaxt_stderr) return 2;
  return -1;
}

static void *unavailable(void) { errno = ENOSYS; return NULL; }

FILE *luaxt_fopen(const char *p, const char *m) { (void)p; (void)m; return unavailable(); }
FILE *luaxt_freopen(const char *p, const char *m, FILE *f) { (void)p; (void)m; (void)f; return unavailable(); }
FILE *luaxt_tmpfile(void) { return unavailable(); }
int luaxt_fclose(FILE *f) { (void)f; return 0; }
int luaxt_fflush(FILE *f) { (void)f; return 0; }

size_t luaxt_fwrite(const void *data, size_t size, size_t count, FILE *f) {
  int stream = stream_number(f);
  if (stream < 0) { errno = ENOSYS; return 0; }
  luaxt_host_write(stream, data, size * count);
  return count;
}

int luaxt_fputs(const char *s, FILE *f) {
  size_t len = strlen(s);
  return luaxt_fwrite(s, 1, len, f) == len ? 0 : EOF;
}

int luaxt_fprintf(FILE *f, const char *format, ...) {
  char small[256];
  va_list args;
  va_start(args, format);
  int len = vsnprintf(small, sizeof small, format, args);
  va_end(args);
  if (len < 0) return len;
  if ((size_t)len < sizeof small) {
    luaxt_fwrite(small, 1, (size_t)len, f);
    return len;
  }
  char *big = malloc((size_t)len + 1);
  if (big == NULL) return -1;
  va_start(args, format);
  vsnprintf(big, (size_t)len + 1, format, args);
  va_end(args);
  luaxt_fwrite(big, 1, (size_t)len, f);
  free(big);
  return len;
}

size_t luaxt_fread(void *d, size_t s, size_t n, FILE *f) { (void)d; (void)s; (void)n; (void)f; return 0; }
int luaxt_getc(FILE *f) { (void)f; return EOF; }
int luaxt_ungetc(int c, FILE *f) { (void)c; (void)f; return EOF; }
char *luaxt_fgets(char *s, int n, FILE *f) { (void)s; (void)n; (void)f; return NULL; }
int luaxt_feof(FILE *f) { (void)f; return 1; }
int luaxt_ferror(FILE *f) { (void)f; return 0; }
void luaxt_clearerr(FILE *f) { (void)f; }
int luaxt_fseek(FILE *f, long o, int w) { (void)f; (void)o; (void)w; errno = ENOSYS; return -1; }
long luaxt_ftell(FILE *f) { (void)f; errno = ENOSYS; return -1; }
int luaxt_setvbuf(FILE *f, char *b, int m, size_t s) { (void)f; (void)b; (void)m; (void)s; return 0; }

char *luaxt_getenv(const char *name) { (void)name; return NULL; }
_Noreturn void luaxt_exit(int status) { (void)status; __builtin_trap(); }
_Noreturn void luaxt_abort(void) { __builtin_trap(); }
int luaxt_remove(const char *p) { (void)p; errno = ENOSYS; return -1; }
int luaxt_rename(const char *a, const char *b) { (void)a; (void)b; errno = ENOSYS; return -1; }
int luaxt_system(const char *c) { return c == NULL ? 0 : -1; }

char *luaxt_setlocale(int category, const char *locale) {
  (void)category;
  static char c_locale[] = "C";
  if (locale == NULL || locale[0] == '\0' || strcmp(locale, "C") == 0) return c_locale;
  return NULL;
}

time_t luaxt_time(time_t *out) {
  time_t now = (time_t)(luaxt_host_now_ms() / 1000.0);
  if (out != NULL) *out = now;
  return now;
}

clock_t luaxt_clock(void) {
  return (clock_t)(luaxt_host_clock_ms() * (CLOCKS_PER_SEC / 1000.0));
}

/* Pivot randomisation for table.sort: a xorshift seeded from the clock. */
unsigned int luaxt_arc4random(void) {
  static unsigned int state;
  if (state == 0) state = (unsigned int)luaxt_host_now_ms() | 1u;
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

/* wasi-libc's string-to-number scanner (used by strtod) links its stdio
   shutdown, which flushes files through WASI. Nothing here opens a file,
   so shutdown has nothing to flush: define it empty. */
void __stdio_exit(void) {}
void __stdio_exit_needed(void) {}
