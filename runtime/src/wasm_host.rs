//! The functions the C shim (`csrc/host.c`) calls in the WebAssembly
//! build: console output and the clock. Lua's `print` ends up in
//! [`luaxt_host_write`]. They stay beside the shim, which `build.rs`
//! compiles with Lua; the module's JavaScript face is the `luaxt-wasm`
//! crate (`runtime/wasm`).

use std::cell::RefCell;

thread_local! {
    /// What Lua printed since the host last took it.
    static PRINTED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Takes everything printed so far (lossily decoded as UTF-8).
pub fn take_printed() -> String {
    let bytes = PRINTED.with(|printed| std::mem::take(&mut *printed.borrow_mut()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Appends `len` bytes at `data` written to stdout (1) or stderr (2).
///
/// # Safety
/// `data` points to `len` initialised bytes that stay alive for the call
/// (the C shim passes its buffer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn luaxt_host_write(_stream: i32, data: *const u8, len: usize) {
    if data.is_null() || len == 0 {
        return;
    }
    // SAFETY: the C shim passes a pointer to `len` initialised bytes that
    // stay alive for the duration of this call.
    let bytes = unsafe { std::slice::from_raw_parts(data, len) };
    PRINTED.with(|printed| printed.borrow_mut().extend_from_slice(bytes));
}

/// Milliseconds since the Unix epoch, for `time()` (os.time, os.date).
#[unsafe(no_mangle)]
pub extern "C" fn luaxt_host_now_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds of a monotonic clock, for `clock()` (os.clock).
#[unsafe(no_mangle)]
pub extern "C" fn luaxt_host_clock_ms() -> f64 {
    thread_local! {
        static START: web_time::Instant = web_time::Instant::now();
    }
    START.with(|start| start.elapsed().as_secs_f64() * 1000.0)
}
