//! A one-line progress indicator on stderr, shown only when stderr is a
//! terminal and the work takes longer than a moment.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Shows `message` and the elapsed time after a short delay, until dropped.
pub struct Progress {
    shared: Option<Arc<Shared>>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    done: AtomicBool,
    message: Mutex<String>,
}

const DELAY: Duration = Duration::from_millis(400);
const TICK: Duration = Duration::from_millis(100);

impl Progress {
    /// Starts the indicator; does nothing when stderr is not a terminal.
    pub fn start(message: impl Into<String>) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress {
                shared: None,
                thread: None,
            };
        }
        let shared = Arc::new(Shared {
            done: AtomicBool::new(false),
            message: Mutex::new(message.into()),
        });
        let worker = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut shown = false;
            while !worker.done.load(Ordering::Relaxed) {
                std::thread::sleep(TICK);
                let elapsed = started.elapsed();
                if elapsed < DELAY || worker.done.load(Ordering::Relaxed) {
                    continue;
                }
                let message = worker.message.lock().map(|m| m.clone()).unwrap_or_default();
                let spinner = ['|', '/', '-', '\\'][(elapsed.as_millis() / 100 % 4) as usize];
                let mut err = std::io::stderr().lock();
                let _ = write!(
                    err,
                    "\r\x1b[2K{spinner} {message} ({:.1}s)",
                    elapsed.as_secs_f64()
                );
                let _ = err.flush();
                shown = true;
            }
            if shown {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
        });
        Progress {
            shared: Some(shared),
            thread: Some(thread),
        }
    }

    /// Replaces the message.
    pub fn set(&self, message: impl Into<String>) {
        if let Some(shared) = &self.shared
            && let Ok(mut m) = shared.message.lock()
        {
            *m = message.into();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(shared) = &self.shared {
            shared.done.store(true, Ordering::Relaxed);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
