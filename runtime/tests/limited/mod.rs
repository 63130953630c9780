//! Running a script under limits in the tests that try to get around
//! them (`sandbox.rs`, `budget_c_work.rs`): a backstop ends a run that a
//! limit fails to stop, so such a test fails instead of hanging.

use std::time::Duration;

use luaxt_format::Value;
use luaxt_runtime::{Error, Limits, MemoryStore, Runtime};

/// Runs `setup` without limits, then `work` with `limits`, as two
/// `compute` calls on another thread, and returns the result of `work`. A
/// run that does not end within 60 s fails the test (a backstop far above
/// the limits under test, never a timed pass).
pub fn run_limited(limits: Limits, setup: &str, work: &str) -> Result<Value, Error> {
    run_within(limits, setup, work, Duration::from_secs(60))
}

/// [`run_limited`] with another backstop.
pub fn run_within(
    limits: Limits,
    setup: &str,
    work: &str,
    outer: Duration,
) -> Result<Value, Error> {
    let (setup, code) = (setup.to_owned(), work.to_owned());
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The setup runs without limits (its time depends on how busy
        // the machine is), the work under `limits`.
        let mut rt = Runtime::new(MemoryStore::new(), Limits::unlimited()).unwrap();
        rt.compute(&setup).expect("the setup runs");
        rt.set_limits(limits).unwrap();
        let _ = send.send(rt.compute(&code));
    });
    receive
        .recv_timeout(outer)
        .unwrap_or_else(|_| panic!("still running after {outer:?}: {work}"))
}
