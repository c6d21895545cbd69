//! Ctrl-C for benchmarks that wait on plain threads: a flag every wait checks, so the step in
//! progress ends early and the children (killed when dropped) go with the benchmark.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Sets the flag on Ctrl-C (a thread of its own waits for the signal).
pub fn watch_ctrl_c() {
    std::thread::spawn(|| {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                INTERRUPTED.store(true, Relaxed);
            }
        });
    });
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Relaxed)
}

/// Sleeps until `t`; false if interrupted meanwhile.
pub fn sleep_until(t: Instant) -> bool {
    while Instant::now() < t {
        if interrupted() {
            return false;
        }
        std::thread::sleep((t - Instant::now()).min(Duration::from_millis(100)));
    }
    !interrupted()
}
