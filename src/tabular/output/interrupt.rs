//! Temporary files that must not outlive an interrupted run: while `-o` writes its temporary
//! file, SIGINT, SIGTERM and SIGHUP remove it and then end the process with the signal's
//! own status (the default action, re-raised), as if tackle had not caught it.
//!
//! The handler may only make async-signal-safe calls, so the temporary files are registered
//! in fixed static slots (a directory descriptor and a leaked C string each) that it reads
//! with atomics and removes with `unlinkat`.

use std::ffi::{CStr, CString};
use std::os::fd::RawFd;
use std::sync::Once;
use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};

/// The signals that end a run and must not leave a temporary file behind.
const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// How many temporary files can be pending at once (the output and `--types column`'s schema).
const SLOTS: usize = 4;

static DIRS: [AtomicI32; SLOTS] = [const { AtomicI32::new(-1) }; SLOTS];
static NAMES: [AtomicPtr<libc::c_char>; SLOTS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; SLOTS];
static INSTALL: Once = Once::new();

/// A temporary file registered for removal on a signal; [`Registration::release`] (or drop)
/// takes it off the list.
#[derive(Debug)]
pub struct Registration {
    slot: Option<usize>,
}

/// Registers `name` in the directory `dir` for removal if a terminating signal arrives, and
/// installs the handler on first use. The descriptor must stay open until released.
pub fn register(dir: RawFd, name: &CStr) -> Registration {
    INSTALL.call_once(install_handlers);
    let leaked = CString::from(name).into_raw();
    for slot in 0..SLOTS {
        if NAMES[slot]
            .compare_exchange(
                std::ptr::null_mut(),
                leaked,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
        {
            DIRS[slot].store(dir, Ordering::Release);
            return Registration { slot: Some(slot) };
        }
    }
    // Every slot taken: nothing in tackle opens that many outputs at once.
    // SAFETY: `leaked` came from `into_raw` above and was not published.
    drop(unsafe { CString::from_raw(leaked) });
    Registration { slot: None }
}

impl Registration {
    /// The file is renamed into place or removed: a signal no longer needs to remove it.
    pub fn release(&mut self) {
        if let Some(slot) = self.slot.take() {
            let name = NAMES[slot].swap(std::ptr::null_mut(), Ordering::AcqRel);
            DIRS[slot].store(-1, Ordering::Release);
            if !name.is_null() {
                // SAFETY: the pointer came from `CString::into_raw` in `register`; the swap
                // took it out of the table, so the handler (which runs on this thread, to
                // completion, before we get here again) can no longer see it.
                drop(unsafe { CString::from_raw(name) });
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.release();
    }
}

/// Runs `f` with the terminating signals blocked, so that a file it creates and registers
/// cannot be left behind by a signal arriving between the two; one arriving meanwhile is
/// handled as soon as they are unblocked.
pub fn with_signals_blocked<T>(f: impl FnOnce() -> T) -> T {
    INSTALL.call_once(install_handlers);
    // SAFETY: sigset_t is plain data that sigemptyset/sigaddset initialise; sigprocmask only
    // reads `block` and writes `old`.
    unsafe {
        let mut block: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut block);
        for signal in SIGNALS {
            libc::sigaddset(&mut block, signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &block, &mut old);
        let result = f();
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        result
    }
}

fn install_handlers() {
    for signal in SIGNALS {
        // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value, and sigaction
        // only reads and writes these two structs.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut old) != 0 {
                continue;
            }
            // A signal ignored when we started (nohup, a shell's background job) stays
            // ignored: that is what the caller asked for.
            if old.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SA_RESETHAND: back to the default action on entry, so re-raising ends the
            // process with this signal's status.
            action.sa_flags = libc::SA_RESETHAND;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Removes every registered temporary file, then re-raises the signal with its default
/// action. Only async-signal-safe calls.
extern "C" fn on_signal(signal: libc::c_int) {
    for slot in 0..SLOTS {
        let name = NAMES[slot].swap(std::ptr::null_mut(), Ordering::AcqRel);
        let dir = DIRS[slot].load(Ordering::Acquire);
        if !name.is_null() && dir >= 0 {
            // SAFETY: unlinkat is async-signal-safe; `name` is a live, NUL-terminated string
            // leaked by `register` (never freed once swapped out here).
            unsafe { libc::unlinkat(dir, name, 0) };
        }
    }
    // SAFETY: raise is async-signal-safe; SA_RESETHAND restored the default action, and the
    // signal, blocked while this handler runs, is delivered when it returns.
    unsafe { libc::raise(signal) };
}
