//! `--user NAME`: once the listeners are bound (so ports below 1024 need root only for that),
//! the server becomes that user, with its primary group and supplementary groups. Socket files
//! the server created are handed to the user first, so they stay usable and removable.

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::{Context as _, bail};

/// A user's ids, as the password database gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserIds {
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
}

/// Looks `name` up in the password database.
pub fn lookup(name: &str) -> anyhow::Result<UserIds> {
    let c_name = CString::new(name).context("the name holds a NUL byte")?;
    let mut buffer = vec![0u8; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid out-parameter; getpwnam_r fills it, pointing into
    // `buffer`, which outlives every use of `entry` below.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the length given.
    let rc = unsafe {
        libc::getpwnam_r(
            c_name.as_ptr(),
            &mut entry,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &mut found,
        )
    };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc)).context("cannot read the user database");
    }
    if found.is_null() {
        bail!("no such user");
    }
    Ok(UserIds {
        uid: entry.pw_uid,
        gid: entry.pw_gid,
    })
}

/// Hands `socket_files` to user `name`, then switches this process to it for good.
pub fn become_user(name: &str, socket_files: &[&Path]) -> anyhow::Result<()> {
    let ids = lookup(name)?;
    // SAFETY: geteuid/getegid have no preconditions.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    if (euid, egid) == (ids.uid, ids.gid) {
        tracing::debug!("already running as {name}");
        return Ok(());
    }
    for path in socket_files {
        let c_path = CString::new(path.as_os_str().as_bytes()).context("socket path")?;
        // SAFETY: lchown with a valid C string; it never follows a symlink swapped in.
        if unsafe { libc::lchown(c_path.as_ptr(), ids.uid, ids.gid) } != 0 {
            return Err(io::Error::last_os_error())
                .with_context(|| format!("cannot hand {} to {name}", path.display()));
        }
    }
    let c_name = CString::new(name).context("the name holds a NUL byte")?;
    // SAFETY: plain syscalls on this process's credentials with valid arguments. glibc applies
    // setgid/setuid to every thread. Groups first: after setuid we could no longer set them.
    let switched = unsafe {
        libc::initgroups(c_name.as_ptr(), ids.gid) == 0
            && libc::setgid(ids.gid) == 0
            && libc::setuid(ids.uid) == 0
    };
    if !switched {
        return Err(io::Error::last_os_error()).context("cannot switch to this user");
    }
    // SAFETY: as above; this must fail now that root is given up.
    if ids.uid != 0 && unsafe { libc::setuid(0) } == 0 {
        bail!("could switch back to root after dropping privileges");
    }
    tracing::info!("running as {name} (uid {}, gid {})", ids.uid, ids.gid);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_unknown_users_are_looked_up() {
        assert_eq!(lookup("root").unwrap(), UserIds { uid: 0, gid: 0 });
        assert!(lookup("no-such-user-tackle").is_err());
        assert!(lookup("nul\0byte").is_err());
    }
}
