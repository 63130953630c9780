//! The calling convention of spec §11.2 and §11.5, shared by the host's
//! store ([`crate::host_store`]) and input ([`crate::host_input`]):
//! buffers are `(pointer, length)` pairs in this module's memory, results
//! are status codes, and an output that does not fit is reported by its
//! length and asked for again.

use std::cell::RefCell;

/// `ABSENT` / `END` (§11.4).
pub(crate) const ABSENT: i32 = -1;

/// A pointer into this module's memory as the i32 the host sees.
pub(crate) fn addr(bytes: &[u8]) -> u32 {
    bytes.as_ptr() as usize as u32
}

/// A length as the u32 the host sees. Keys and values are bounded by the
/// LXT size limit, far below 4 GiB.
pub(crate) fn len32(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.len()).unwrap_or(u32::MAX)
}

/// Calls `op(out_ptr, out_cap)` with the reused buffer `scratch` until the
/// output fits (§11.5): `Ok(None)` for `ABSENT`/`END`, the bytes for a
/// length, and `fail(status)` for any other negative status.
pub(crate) fn fetch<E>(
    scratch: &RefCell<Vec<u8>>,
    op: impl Fn(u32, u32) -> i32,
    fail: impl Fn(i32) -> E,
) -> Result<Option<Vec<u8>>, E> {
    let mut buf = scratch.borrow_mut();
    loop {
        let status = op(buf.as_mut_ptr() as usize as u32, len32(&buf));
        if status == ABSENT {
            return Ok(None);
        }
        if status < 0 {
            return Err(fail(status));
        }
        let needed = status as usize;
        if needed <= buf.len() {
            return Ok(Some(buf[..needed].to_vec()));
        }
        buf.resize(needed, 0);
    }
}

/// The host's description of its last failure, read with `last_error`
/// (`lastError`, §11.3); `fallback` when it has none.
pub(crate) fn message(last_error: impl Fn(u32, u32) -> i32, fallback: &str) -> String {
    let mut buf = vec![0u8; 256];
    loop {
        let n = last_error(buf.as_mut_ptr() as usize as u32, len32(&buf));
        if n <= 0 {
            return fallback.into();
        }
        let n = n as usize;
        if n <= buf.len() {
            return String::from_utf8_lossy(&buf[..n]).into_owned();
        }
        buf.resize(n, 0);
    }
}
