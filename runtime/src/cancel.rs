//! Stopping a running call from outside: [`CancelToken`].
//!
//! A call runs synchronously on the thread that owns the runtime, so only
//! another thread can ask it to stop while it runs. The budget's charge
//! (spec §6.7: every 1000 VM instructions and every 4096 steps of C work)
//! asks the runtime's cancel check; once it answers yes, the call ends as a
//! limit does ([`LimitKind::Cancelled`](crate::LimitKind::Cancelled)): the
//! script cannot catch it, every store write made before it is kept, and the
//! runtime stays usable.

use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A cancellation flag shared between a runtime and whoever may cancel its
/// calls, from any thread (it is `Send + Sync`; clones share the flag).
///
/// Once cancelled it stays cancelled, like a JavaScript `AbortSignal`: a
/// runtime given a cancelled token ([`Runtime::set_cancel_token`]) fails
/// every call at once until the host gives it another token or none.
///
/// ```
/// use luaxt_runtime::{CancelToken, Error, LimitKind, Limits, MemoryStore, Runtime};
/// let mut rt = Runtime::new(MemoryStore::new(), Limits::default())?;
/// let token = CancelToken::new();
/// rt.set_cancel_token(Some(token.clone()));
/// let canceller = std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_millis(20));
///     token.cancel();
/// });
/// let err = rt.compute("while true do end").unwrap_err();
/// assert!(matches!(err, Error::Limit(LimitKind::Cancelled)));
/// canceller.join().unwrap();
/// rt.set_cancel_token(None);
/// assert_eq!(rt.compute("return 1 + 1")?, luaxt_format::Value::Int(2));
/// # Ok::<(), luaxt_runtime::Error>(())
/// ```
///
/// [`Runtime::set_cancel_token`]: crate::Runtime::set_cancel_token
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels: the call that runs now stops at its next budget check, and
    /// later calls under this token fail at once.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether [`cancel`](CancelToken::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// What the budget asks at each charge: a token natively, a JavaScript
/// function in the WebAssembly build (spec §11.8).
#[derive(Clone)]
pub(crate) struct CancelCheck(Rc<dyn Fn() -> bool>);

impl CancelCheck {
    /// A check that calls `f`.
    pub(crate) fn shared(f: Rc<dyn Fn() -> bool>) -> CancelCheck {
        CancelCheck(f)
    }

    /// Whether the call should stop.
    pub(crate) fn cancelled(&self) -> bool {
        (self.0)()
    }
}

impl From<CancelToken> for CancelCheck {
    fn from(token: CancelToken) -> CancelCheck {
        CancelCheck(Rc::new(move || token.is_cancelled()))
    }
}

impl fmt::Debug for CancelCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CancelCheck")
    }
}
